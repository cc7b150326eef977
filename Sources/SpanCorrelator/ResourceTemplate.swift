/// Span resources and `http.route` (DESIGN §3): `METHOD /path` with every path segment that is
/// a UUID, a hex id of 8+ digits or all digits replaced by `{id}`, and the query dropped, so
/// `GET /v2/54fadb41…/servers/detail` and the same call for another project share a resource.
public enum ResourceTemplate {
    /// The templated form of a path as logged: query (`?…`) and fragment (`#…`) dropped, id
    /// segments replaced by `{id}`, everything else (empty segments, trailing `/`) kept.
    public static func route(_ path: String) -> String {
        var path = path
        return path.withUTF8 { bytes in
            // The route is never longer than the path plus "{id}" per segment (one per byte at
            // most). Built on the stack in one pass, then copied once into an exact-size string.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count * 4 + 4) { out in
                var n = 0
                var segmentStart = 0
                var i = 0
                while true {
                    let atEnd = i == bytes.count || bytes[i] == UInt8(ascii: "?") || bytes[i] == UInt8(ascii: "#")
                    if atEnd || bytes[i] == UInt8(ascii: "/") {
                        let segment = UnsafeBufferPointer(rebasing: bytes[segmentStart..<i])
                        if isIdentifier(segment) {
                            out[n] = UInt8(ascii: "{")
                            out[n + 1] = UInt8(ascii: "i")
                            out[n + 2] = UInt8(ascii: "d")
                            out[n + 3] = UInt8(ascii: "}")
                            n += 4
                        } else if !segment.isEmpty {
                            (out.baseAddress! + n).initialize(from: segment.baseAddress!, count: segment.count)
                            n += segment.count
                        }
                        if atEnd { break }
                        out[n] = UInt8(ascii: "/")
                        n += 1
                        segmentStart = i + 1
                    }
                    i += 1
                }
                return String(decoding: UnsafeBufferPointer(rebasing: out[..<n]), as: UTF8.self)
            }
        }
    }

    /// `<method> <route>`, allocated once (`+` builds it in two steps).
    static func join(_ method: String, _ route: String) -> String {
        var method = method
        var route = route
        return method.withUTF8 { m in
            route.withUTF8 { r in
                String(unsafeUninitializedCapacity: m.count + 1 + r.count) { out in
                    let base = out.baseAddress!
                    if !m.isEmpty { base.initialize(from: m.baseAddress!, count: m.count) }
                    base[m.count] = UInt8(ascii: " ")
                    if !r.isEmpty { (base + m.count + 1).initialize(from: r.baseAddress!, count: r.count) }
                    return m.count + 1 + r.count
                }
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
        var allDigits = true
        var allHex = true
        for byte in segment {
            if byte < 0x30 || byte > 0x39 { allDigits = false }
            if !isHex(byte) {
                allHex = false
                break
            }
        }
        // A non-hex byte also ends `allDigits` (every digit is hex).
        if allHex { return allDigits || segment.count >= 8 }
        if segment.count == 36 {
            for i in 0..<36 {
                let byte = segment[i]
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
