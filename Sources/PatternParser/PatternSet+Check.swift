import PCRE2

/// The outcome of `tracetail patterns check`: every problem, plus what was checked.
public struct PatternCheckReport: Sendable {
    /// Every problem, in file/line/column order; empty when the files are clean.
    public var errors: [PatternError]
    public var fileCount: Int
    public var definitionCount: Int
    public var ruleCount: Int
    public var exampleCount: Int

    /// `OK: 3 files, 41 definitions, 9 rules, 14 examples`.
    public var summary: String {
        "OK: \(fileCount) files, \(definitionCount) definitions, \(ruleCount) rules, \(exampleCount) examples"
    }
}

extension PatternSet {
    /// Compiles the files and runs every rule's examples, reporting all problems at once
    /// (the library behind `tracetail patterns check`).
    public static func check(_ sources: [PatternSource]) -> PatternCheckReport {
        var (set, errors) = PatternCompiler.compile(sources)
        let scratch = MatchScratch()
        for rule in set.rules {
            for example in rule.examples { errors += check(example, of: rule, scratch: scratch) }
        }
        return PatternCheckReport(
            errors: PatternDiagnostics(errors: errors).errors, fileCount: set.fileCount,
            definitionCount: set.definitionCount, ruleCount: set.rules.count, exampleCount: set.exampleCount)
    }

    private static func check(_ example: PatternExample, of rule: PatternRule, scratch: MatchScratch)
        -> [PatternError]
    {
        var errors: [PatternError] = []
        if let literal = rule.literal, example.mustMatch, !contains(example.text, literal) {
            let quoted = String(decoding: literal, as: UTF8.self)
            errors.append(
                PatternError(
                    .example,
                    "example does not contain the prefilter literal \"\(quoted)\", so rule \(rule.name) "
                        + "would never be tried on it", at: example.location))
        }
        switch rule.regex.match(example.text, using: scratch) {
        case .noMatch, .failed:
            if example.mustMatch {
                errors.append(
                    PatternError(.example, "rule \(rule.name) does not match this example", at: example.location))
            }
        case .limitHit:
            errors.append(
                PatternError(
                    .example, "rule \(rule.name) hit the PCRE2 match limit on this example", at: example.location))
        case .matched(let captures):
            guard example.mustMatch else {
                errors.append(
                    PatternError(.example, "rule \(rule.name) matches this @reject line", at: example.location))
                break
            }
            for expectation in example.expectations {
                guard let capture = rule.capture(named: expectation.field) else {
                    // `!field` holds trivially for a rule that cannot capture it.
                    if expectation.value == nil { continue }
                    errors.append(
                        PatternError(
                            .example, "rule \(rule.name) has no field \(expectation.field)", at: expectation.location))
                    continue
                }
                let range = capture.groups.lazy.compactMap { captures[$0] }.first
                let actual = range.map { String(decoding: example.text[$0], as: UTF8.self) }
                switch (expectation.value, actual) {
                case (nil, nil): break
                case (nil, let actual?):
                    errors.append(
                        PatternError(
                            .example, "\(expectation.field): expected no capture, got \"\(actual)\"",
                            at: expectation.location))
                case (let expected?, nil):
                    errors.append(
                        PatternError(
                            .example, "\(expectation.field): expected \"\(expected)\", but it was not captured",
                            at: expectation.location))
                case (let expected?, let actual?):
                    if expected != actual {
                        errors.append(
                            PatternError(
                                .example, "\(expectation.field): expected \"\(expected)\", got \"\(actual)\"",
                                at: expectation.location))
                    } else if !capture.type.accepts(actual) {
                        errors.append(
                            PatternError(
                                .example, "\(expectation.field): \"\(actual)\" is not a valid \(capture.type)",
                                at: expectation.location))
                    }
                }
            }
        }
        return errors
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        if needle.isEmpty { return true }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
