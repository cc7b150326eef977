extension OTLPEnvironment {
    /// A setting or variable that does not hold what it must. Messages name the setting or
    /// variable (`key`) and never repeat a header value.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// Not an `http://` or `https://` URL with a host.
        case invalidEndpoint(key: String, value: String)
        /// Entry number `position` (from 1) of a `name=value,…` list has no `=` or no name.
        case malformedEntry(key: String, position: Int)
        /// Entry number `position` of a header list names no valid HTTP header.
        case invalidHeaderName(key: String, position: Int)
        /// The value (or, in resource attributes, the key) `name` has a broken `%` escape, is
        /// not UTF-8 once decoded, or, for a header, holds a control character.
        case malformedValue(key: String, name: String)
        /// Compression that is neither `gzip` nor `none`.
        case unknownCompression(key: String, value: String)

        public var description: String {
            switch self {
            case .invalidEndpoint(let key, let value):
                "\(key): \"\(value)\" is not an http:// or https:// URL with a host"
            case .malformedEntry(let key, let position):
                "\(key): entry \(position) is not name=value (entries are separated by commas)"
            case .invalidHeaderName(let key, let position):
                "\(key): entry \(position) does not start with a valid header name"
            case .malformedValue(let key, let name):
                "\(key): the value of \"\(name)\" has a malformed %-escape or a control character, or is not UTF-8"
            case .unknownCompression(let key, let value):
                "\(key): \"\(value)\" is not a compression (gzip or none)"
            }
        }
    }
}
