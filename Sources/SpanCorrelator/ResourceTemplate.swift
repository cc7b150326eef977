/// Span resources and `http.route` (DESIGN §3): `METHOD /path` with every path segment that is
/// a UUID, a hex id of 8+ digits or all digits replaced by `{id}`, and the query dropped, so
/// `GET /v2/54fadb41…/servers/detail` and the same call for another project share a resource.
public enum ResourceTemplate {
    /// The templated form of a path as logged: query (`?…`) and fragment (`#…`) dropped, id
    /// segments replaced by `{id}`, everything else (empty segments, trailing `/`) kept.
    public static func route(_ path: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        var segment: [UInt8] = []
        func flush() {
            if isIdentifier(segment) { out.append(contentsOf: "{id}".utf8) } else { out.append(contentsOf: segment) }
            segment.removeAll(keepingCapacity: true)
        }
        for byte in path.utf8 {
            if byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
            if byte == UInt8(ascii: "/") {
                flush()
                out.append(byte)
            } else {
                segment.append(byte)
            }
        }
        flush()
        return String(decoding: out, as: UTF8.self)
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
    static func isIdentifier(_ segment: [UInt8]) -> Bool {
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
