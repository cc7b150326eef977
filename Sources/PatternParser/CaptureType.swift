/// The conversion named by `%{NAME:field:type}`.
public enum CaptureType: String, Sendable, Hashable {
    /// Text (the default).
    case string
    /// A decimal integer.
    case int
    /// A decimal number (`double` is accepted as an alias).
    case float

    /// Parses `int`, `float`, `double`, `string`.
    init?(keyword: String) {
        switch keyword {
        case "int": self = .int
        case "float", "double": self = .float
        case "string": self = .string
        default: return nil
        }
    }

    /// True when `text` converts cleanly.
    func accepts(_ text: String) -> Bool {
        switch self {
        case .string: true
        case .int: Int(text) != nil
        case .float: Double(text) != nil
        }
    }
}
