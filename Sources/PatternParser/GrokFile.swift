/// The parsed (not yet expanded) contents of one `.grok` file.
struct GrokFile {
    var definitions: [GrokDefinition] = []
    var rules: [GrokRuleDeclaration] = []
}

/// Regex text as written, with the position of its first byte (for mapping errors back).
struct GrokBody {
    var text: [UInt8]
    var location: PatternLocation
}

/// `NAME regex`.
struct GrokDefinition {
    var name: String
    var nameLocation: PatternLocation
    var body: GrokBody
}

/// `@rule`, `@continuation`, `@message` or `@scan`, with its examples.
struct GrokRuleDeclaration {
    var kind: PatternRule.Kind
    var name: String
    var formats: [String]
    var literal: [UInt8]?
    var body: GrokBody
    var location: PatternLocation
    var examples: [PatternExample] = []
}

/// An `@example` (must match) or `@reject` (must not match) line and its `@expect` lines.
public struct PatternExample: Sendable, Hashable {
    /// One `field=value` (or `!field`: not captured) requirement.
    public struct Expectation: Sendable, Hashable {
        public var field: String
        /// nil means the field must not be captured.
        public var value: String?
        public var location: PatternLocation
    }
    /// The input the rule receives (the line; for `@message` rules, the message).
    public var text: [UInt8]
    public var location: PatternLocation
    /// False for `@reject`.
    public var mustMatch: Bool
    public var expectations: [Expectation]
}
