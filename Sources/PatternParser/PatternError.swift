/// A position in a pattern file: 1-based line and column (columns count UTF-8 bytes).
public struct PatternLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The file as the user named it (e.g. `patterns/openstack.grok`).
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (a: PatternLocation, b: PatternLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }

    /// `file:line:col`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem in the pattern files. Compilers collect all of them (`PatternDiagnostics`).
public struct PatternError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Broad classification; a struct over a private enum so new cases are not breaking.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case syntax, unknownReference, cycle, duplicateName, regex, example, format
        }
        private let base: Base
        /// A line the pattern language does not allow (bad directive, bad name, unterminated `%{`).
        public static let syntax = Code(base: .syntax)
        /// `%{NAME}` where no file defines NAME.
        public static let unknownReference = Code(base: .unknownReference)
        /// Definitions that reference each other in a loop.
        public static let cycle = Code(base: .cycle)
        /// A definition or rule name used twice.
        public static let duplicateName = Code(base: .duplicateName)
        /// PCRE2 rejected the expanded pattern.
        public static let regex = Code(base: .regex)
        /// An `@example` did not yield what its `@expect` lines say.
        public static let example = Code(base: .example)
        /// A format the parser needs has no rules.
        public static let format = Code(base: .format)
        public var description: String { base.rawValue }
    }

    public var code: Code
    /// What is wrong, for a person.
    public var message: String
    /// Where it is.
    public var location: PatternLocation

    public init(_ code: Code, _ message: String, at location: PatternLocation) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// `file:line:col: code: message`, the form editors and CI annotate.
    public var description: String { "\(location): \(code): \(message)" }
}

/// Every problem found in a set of pattern files, in file/line/column order.
public struct PatternDiagnostics: Error, Sendable, CustomStringConvertible {
    public var errors: [PatternError]
    public init(errors: [PatternError]) { self.errors = errors.sorted { $0.location < $1.location } }
    /// One problem per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
