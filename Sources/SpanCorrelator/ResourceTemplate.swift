/// Span resources and `http.route` (DESIGN §3): `METHOD /path` with every path segment that is
/// a UUID, a hex id of 8+ digits or all digits replaced by `{id}`, and the query dropped, so
/// `GET /v2/54fadb41…/servers/detail` and the same call for another project share a resource.
public enum ResourceTemplate {
    /// The templated form of a path as logged: query (`?…`) and fragment (`#…`) dropped, id
    /// segments replaced by `{id}`, everything else (empty segments, trailing `/`) kept.
    public static func route(_ path: String) -> String {
        var path = path
        return path.withUTF8 { bytes in
            // The route is never longer than the path plus "{id}" per segment (one per byte at most).
            String(unsafeUninitializedCapacity: bytes.count * 4 + 4) { out in
                var n = 0
                var segmentStart = 0
                var i = 0
                func flush(_ end: Int) {
                    let segment = UnsafeBufferPointer(rebasing: bytes[segmentStart..<end])
                    if isIdentifier(segment) {
                        for b in "{id}".utf8 {
                            out[n] = b
                            n += 1
                        }
                    } else {
                        for b in segment {
                            out[n] = b
                            n += 1
                        }
                    }
                }
                while i < bytes.count {
                    let byte = bytes[i]
                    if byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
                    if byte == UInt8(ascii: "/") {
                        flush(i)
                        out[n] = byte
                        n += 1
                        segmentStart = i + 1
                    }
                    i += 1
                }
                flush(i)
                return n
            }
        }
    }

    /// `METHOD /templated/path`; just the route without a method; nil without a path.
    public static func resource(method: String?, path: String?) -> String? {
        guard let path else { return nil }
        let route = route(path)
        guard let method, !method.isEmpty else { return route }
        return method + " " + route
    }

    /// True for a segment that names one object rather than a collection: all digits, a
    /// canonical UUID, or 8+ hex digits (project ids, image checksums).
    static func isIdentifier(_ segment: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !segment.isEmpty else { return false }
        if segment.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return true }
        if segment.count >= 8 && segment.allSatisfy({ isHex($0) }) { return true }
        if segment.count == 36 {
            for (i, byte) in segment.enumerated() {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    if byte != UInt8(ascii: "-") { return false }
                } else if !isHex(byte) {
                    return false
                }
            }
            return true
        }
        return false
    }

    private static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
    }
}
