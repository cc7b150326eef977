import CPCRE2

/// A compiled PCRE2 pattern (8-bit, JIT-compiled when the platform allows it).
///
/// Immutable after `init`, so any number of tasks may match with it at once, each bringing its
/// own `MatchScratch`.
public final class CompiledRegex: @unchecked Sendable {
    // Safety: `code` is written only in init and freed in deinit. PCRE2 documents compiled
    // patterns (including their JIT code) as safe to share between threads for matching;
    // all per-match mutable state (match data, match context, JIT stack) lives in MatchScratch.
    private let code: OpaquePointer
    /// The pattern text as given.
    public let pattern: String
    /// True when JIT compilation succeeded; matches then use `pcre2_jit_match_8`.
    public let isJIT: Bool
    /// Number of capture groups (group 0 not included).
    public let captureCount: Int
    /// Named groups and their numbers, in group-number order. Duplicate names (with
    /// `.duplicateNames`) appear once per group.
    public let captureNames: [(name: String, group: Int)]

    /// Compile options. UTF mode is off by default because log lines may be invalid UTF-8;
    /// patterns then match bytes.
    public struct Options: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Match only at the start of the subject (`PCRE2_ANCHORED`).
        public static let anchored = Options(rawValue: PCRE2_ANCHORED)
        /// Case-insensitive matching.
        public static let caseless = Options(rawValue: PCRE2_CASELESS)
        /// `.` also matches `\n`.
        public static let dotAll = Options(rawValue: PCRE2_DOTALL)
        /// Allow the same group name more than once (`(?:(?<x>a)|(?<x>b))`).
        public static let duplicateNames = Options(rawValue: PCRE2_DUPNAMES)
        /// Treat the pattern and subjects as UTF-8 (subjects are then checked for validity).
        public static let utf = Options(rawValue: PCRE2_UTF)
    }

    /// Compiles `pattern`, then tries JIT compilation (falling back to the interpreter).
    /// - Throws: `RegexCompileError` with PCRE2's message and the offset of the problem.
    public init(_ pattern: String, options: Options = []) throws(RegexCompileError) {
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let bytes = Array(pattern.utf8)
        let compiled = bytes.withUnsafeBufferPointer { buf in
            pcre2_compile_8(buf.baseAddress, buf.count, options.rawValue, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw RegexCompileError(code: errorCode, message: Self.message(for: errorCode), offset: errorOffset)
        }
        self.code = compiled
        self.pattern = pattern
        // JIT fails where W^X memory is forbidden; the interpreter gives identical results.
        self.isJIT = pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE) == 0

        var count: UInt32 = 0
        _ = pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        self.captureCount = Int(count)
        self.captureNames = Self.readNameTable(compiled)
    }

    deinit { pcre2_code_free_8(code) }

    /// The group numbers carrying `name` (several with `.duplicateNames`); empty when absent.
    /// Resolve once at setup, never per line.
    public func groups(named name: String) -> [Int] {
        captureNames.filter { $0.name == name }.map(\.group)
    }

    /// Matches against raw bytes. Allocates nothing.
    /// - Parameters:
    ///   - subject: the bytes; need not be valid UTF-8 and may contain NUL.
    ///   - scratch: this task's scratch; the returned `Captures` point into it.
    ///   - startOffset: where to begin searching.
    @inlinable
    public func match(_ subject: UnsafeRawBufferPointer, using scratch: MatchScratch, startOffset: Int = 0)
        -> MatchOutcome
    {
        matchRaw(subject, scratch, startOffset)
    }

    /// Matches against a byte slice. Allocates nothing.
    @inlinable
    public func match(_ subject: ArraySlice<UInt8>, using scratch: MatchScratch, startOffset: Int = 0)
        -> MatchOutcome
    {
        subject.withUnsafeBytes { matchRaw($0, scratch, startOffset) }
    }

    /// Matches against a byte array. Allocates nothing.
    @inlinable
    public func match(_ subject: [UInt8], using scratch: MatchScratch, startOffset: Int = 0) -> MatchOutcome {
        subject.withUnsafeBytes { matchRaw($0, scratch, startOffset) }
    }

    @usableFromInline
    func matchRaw(_ subject: UnsafeRawBufferPointer, _ scratch: MatchScratch, _ startOffset: Int) -> MatchOutcome {
        scratch.reserve(pairs: captureCount + 1)
        // An empty buffer may have a nil base address; PCRE2 wants a valid pointer.
        let base = subject.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? Self.emptySubject
        let rc: Int32
        if isJIT {
            rc = pcre2_jit_match_8(code, base, subject.count, startOffset, 0, scratch.matchData, scratch.context)
        } else {
            rc = pcre2_match_8(code, base, subject.count, startOffset, 0, scratch.matchData, scratch.context)
        }
        if rc >= 0 {
            // rc == 0 means the ovector was too small; reserve() prevents that.
            let count = rc == 0 ? scratch.capacity : Int(rc)
            return .matched(Captures(ovector: pcre2_get_ovector_pointer_8(scratch.matchData), count: count))
        }
        switch rc {
        case PCRE2_ERROR_NOMATCH: return .noMatch
        case PCRE2_ERROR_MATCHLIMIT, PCRE2_ERROR_DEPTHLIMIT, PCRE2_ERROR_HEAPLIMIT, PCRE2_ERROR_JIT_STACKLIMIT:
            return .limitHit
        default: return .failed(code: rc)
        }
    }

    @usableFromInline
    nonisolated(unsafe) static let emptySubject: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    /// PCRE2's text for an error code.
    public static func message(for code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pcre2_get_error_message_8(code, &buffer, buffer.count)
        guard n > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(n)], as: UTF8.self)
    }

    private static func readNameTable(_ code: OpaquePointer) -> [(name: String, group: Int)] {
        var nameCount: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>? = nil
        _ = pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &nameCount)
        _ = pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        _ = pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard nameCount > 0, let table else { return [] }
        var result: [(name: String, group: Int)] = []
        for i in 0..<Int(nameCount) {
            // Each entry: 2-byte big-endian group number, then the NUL-terminated name.
            let entry = table + i * Int(entrySize)
            let group = Int(entry[0]) << 8 | Int(entry[1])
            var end = 2
            while end < Int(entrySize) && entry[end] != 0 { end += 1 }
            let name = String(decoding: UnsafeBufferPointer(start: entry + 2, count: end - 2), as: UTF8.self)
            result.append((name, group))
        }
        return result.sorted { $0.group < $1.group }
    }
}
