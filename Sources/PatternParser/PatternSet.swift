/// Every compiled rule from a directory of `.grok` files. Immutable and `Sendable`: build it
/// once, share it between parser tasks (each `LineParser` brings its own match scratch).
public struct PatternSet: Sendable {
    /// All rules, in file order (files in the order given).
    public let rules: [PatternRule]
    /// Number of `NAME regex` definitions.
    public let definitionCount: Int
    /// Number of files compiled.
    public let fileCount: Int

    init(rules: [PatternRule], definitionCount: Int, fileCount: Int) {
        self.rules = rules
        self.definitionCount = definitionCount
        self.fileCount = fileCount
    }

    /// Compiles pattern files.
    /// - Parameter sources: the `.grok` files, in priority order (a directory loads sorted by name).
    /// - Throws: `PatternDiagnostics` listing every problem found (syntax, unknown references,
    ///   cycles, duplicate names, PCRE2 errors), each with file, line and column.
    public init(sources: [PatternSource]) throws(PatternDiagnostics) {
        let (set, errors) = PatternCompiler.compile(sources)
        guard errors.isEmpty else { throw PatternDiagnostics(errors: errors) }
        self = set
    }

    /// The rules of one format and kind, in order.
    public func rules(format: String, kind: PatternRule.Kind) -> [PatternRule] {
        rules.filter { $0.kind == kind && $0.formats.contains(format) }
    }

    /// Number of `@example` and `@reject` lines.
    public var exampleCount: Int { rules.reduce(0) { $0 + $1.examples.count } }
}
