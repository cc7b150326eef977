public import PCRE2

/// One compiled rule of a format: a PCRE2 pattern plus what its captures mean.
public struct PatternRule: Sendable {
    /// How the parser uses a rule.
    public enum Kind: Sendable, Hashable {
        /// `@rule`: matched against the whole line from its start; the first match wins.
        case line
        /// `@continuation`: a line rule whose lines may continue the previous ERROR event
        /// (traceback lines; lines that do not start with a timestamp).
        case continuation
        /// `@message`: matched against the `message` capture from its start, only when the
        /// rule's literal occurs in it; the first match wins.
        case message
        /// `@scan`: searched anywhere in the line when its literal occurs; every scan rule applies.
        case scan
        /// `@skip`: a line rule whose lines are no log events (journalctl's `-- Logs begin at … --`):
        /// they are counted as skipped and go no further.
        case skip

        /// The directive that declares this kind in a pattern file (`rule`, `continuation`, …).
        public var directive: String {
            switch self {
            case .line: "rule"
            case .continuation: "continuation"
            case .message: "message"
            case .scan: "scan"
            case .skip: "skip"
            }
        }
    }

    /// A named capture and the group numbers that carry it (several when alternatives reuse a name).
    public struct Capture: Sendable, Hashable {
        public var name: String
        public var type: CaptureType
        public var groups: [Int]
    }

    public let kind: Kind
    public let name: String
    /// The formats (`oslo`, `json`) this rule belongs to.
    public let formats: [String]
    /// Prefilter for `@message`/`@scan` rules.
    public let literal: [UInt8]?
    /// `literal` in memory of its own with its search anchor, made once here for every parser.
    let prefilter: ByteLiteral?
    public let regex: CompiledRegex
    public let captures: [Capture]
    /// Where the rule is declared.
    public let location: PatternLocation
    public let examples: [PatternExample]

    init(
        kind: Kind, name: String, formats: [String], literal: [UInt8]?, regex: CompiledRegex, captures: [Capture],
        location: PatternLocation, examples: [PatternExample]
    ) {
        self.kind = kind
        self.name = name
        self.formats = formats
        self.literal = literal
        self.prefilter = literal.map(ByteLiteral.init)
        self.regex = regex
        self.captures = captures
        self.location = location
        self.examples = examples
    }

    /// The PCRE2 text the rule compiled to (all references expanded).
    public var expandedPattern: String { regex.pattern }

    /// The capture called `name`, if the rule has one.
    public func capture(named name: String) -> Capture? { captures.first { $0.name == name } }
}
