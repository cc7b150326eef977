/// The text of one `.grok` file. PatternParser does no I/O of its own: callers hand it text.
public struct PatternSource: Sendable, Hashable {
    /// The name used in diagnostics, usually the path.
    public var name: String
    /// The file's contents.
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}
