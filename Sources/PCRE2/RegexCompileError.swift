/// PCRE2 rejected a pattern: its own message and the byte offset in the pattern where it gave up.
public struct RegexCompileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// PCRE2's positive compile error code (see `pcre2.h`).
    public var code: Int32
    /// PCRE2's message, e.g. `missing closing parenthesis`.
    public var message: String
    /// Byte offset into the pattern at which the error was detected (0-based).
    public var offset: Int

    /// Creates an error; used by `CompiledRegex` and by callers that re-map offsets.
    public init(code: Int32, message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) at offset \(offset)" }
}
