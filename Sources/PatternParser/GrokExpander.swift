/// Expands `%{NAME}`, `%{NAME:field}` and `%{NAME:field:type}` references into PCRE2 text,
/// detecting unknown names and cycles, and remembering where each expanded byte came from so
/// PCRE2's error offsets can be reported at the user's line and column.
struct GrokExpander {
    struct Segment {
        var expandedStart: Int
        var location: PatternLocation
        /// nil for text copied from the body itself; else the referenced definition.
        var reference: String?
    }

    struct Expansion {
        var text: [UInt8] = []
        var captures: [(name: String, type: CaptureType)] = []
        /// True when an error was already reported inside; callers skip compiling it.
        var broken = false
        var segments: [Segment] = []
        /// Every definition this expansion uses, directly or not.
        var references: Set<String> = []

        /// Where the byte at `offset` of `text` was written by the user.
        func location(ofOffset offset: Int) -> (PatternLocation, reference: String?) {
            guard let segment = segments.last(where: { $0.expandedStart <= offset }) ?? segments.first else {
                return (PatternLocation(file: "?", line: 0, column: 0), nil)
            }
            if segment.reference != nil { return (segment.location, segment.reference) }
            var location = segment.location
            location.column += offset - segment.expandedStart
            return (location, nil)
        }
    }

    private let definitions: [String: GrokDefinition]
    private var expanded: [String: Expansion] = [:]
    private var visiting: [String] = []
    private(set) var errors: [PatternError] = []

    init(definitions: [String: GrokDefinition]) { self.definitions = definitions }

    /// The expansion of a definition (cached: its errors are reported once).
    mutating func expandDefinition(_ name: String) -> Expansion {
        if let done = expanded[name] { return done }
        guard let definition = definitions[name] else { return Expansion(broken: true) }
        visiting.append(name)
        let result = expand(definition.body)
        visiting.removeLast()
        expanded[name] = result
        return result
    }

    /// Expands one regex body.
    mutating func expand(_ body: GrokBody) -> Expansion {
        var out = Expansion()
        let bytes = body.text
        var i = 0
        var literalOpen = false
        func at(_ index: Int) -> PatternLocation {
            var l = body.location
            l.column += index
            return l
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "{") {
                literalOpen = false
                let refStart = i
                guard let close = bytes[(i + 2)...].firstIndex(of: UInt8(ascii: "}")) else {
                    errors.append(PatternError(.syntax, "unterminated %{ reference (missing `}`)", at: at(refStart)))
                    out.broken = true
                    return out
                }
                i = close + 1
                guard let reference = parseReference(bytes[(refStart + 2)..<close], at: at(refStart)) else {
                    out.broken = true
                    continue
                }
                out.segments.append(
                    Segment(expandedStart: out.text.count, location: at(refStart), reference: reference.name))
                guard definitions[reference.name] != nil else {
                    errors.append(
                        PatternError(
                            .unknownReference,
                            "%{\(reference.name)} is not defined" + suggestion(for: reference.name), at: at(refStart)))
                    out.broken = true
                    continue
                }
                if let cycleStart = visiting.firstIndex(of: reference.name) {
                    let path = (visiting[cycleStart...] + [reference.name]).joined(separator: " -> ")
                    errors.append(PatternError(.cycle, "definitions reference each other: \(path)", at: at(refStart)))
                    out.broken = true
                    continue
                }
                let inner = expandDefinition(reference.name)
                if inner.broken { out.broken = true }
                out.references.insert(reference.name)
                out.references.formUnion(inner.references)
                if let field = reference.field {
                    out.text += Array("(?<\(field)>".utf8)
                    out.captures.append((field, reference.type))
                } else {
                    out.text += Array("(?:".utf8)
                }
                out.text += inner.text
                out.text.append(UInt8(ascii: ")"))
                out.captures += inner.captures
                continue
            }
            if !literalOpen {
                out.segments.append(Segment(expandedStart: out.text.count, location: at(i), reference: nil))
                literalOpen = true
            }
            out.text.append(bytes[i])
            i += 1
        }
        return out
    }

    private struct Reference {
        var name: String
        var field: String?
        var type: CaptureType
    }

    private mutating func parseReference(_ inner: ArraySlice<UInt8>, at location: PatternLocation) -> Reference? {
        let parts = inner.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        let text = "%{" + String(decoding: inner, as: UTF8.self) + "}"
        guard (1...3).contains(parts.count) else {
            errors.append(
                PatternError(.syntax, "\(text): expected %{NAME}, %{NAME:field} or %{NAME:field:type}", at: location))
            return nil
        }
        func isName(_ part: ArraySlice<UInt8>) -> Bool {
            !part.isEmpty && GrokFileParser.scanName(part, part.startIndex) == part.endIndex
        }
        guard isName(parts[0]) else {
            errors.append(
                PatternError(
                    .syntax, "\(text): `\(String(decoding: parts[0], as: UTF8.self))` is not a valid pattern name",
                    at: location))
            return nil
        }
        var reference = Reference(name: String(decoding: parts[0], as: UTF8.self), field: nil, type: .string)
        if parts.count >= 2 {
            guard isName(parts[1]) else {
                errors.append(
                    PatternError(
                        .syntax,
                        "\(text): field name `\(String(decoding: parts[1], as: UTF8.self))` must be letters, digits or _",
                        at: location))
                return nil
            }
            reference.field = String(decoding: parts[1], as: UTF8.self)
        }
        if parts.count == 3 {
            let keyword = String(decoding: parts[2], as: UTF8.self)
            guard let type = CaptureType(keyword: keyword) else {
                errors.append(
                    PatternError(
                        .syntax, "\(text): unknown type `\(keyword)` (expected int, float or string)", at: location))
                return nil
            }
            reference.type = type
        }
        return reference
    }

    /// ` (did you mean X?)` for the closest defined name within edit distance 2.
    private func suggestion(for name: String) -> String {
        // For very short names every other short name is "close"; say nothing.
        guard name.utf8.count >= 3 else { return "" }
        let candidates = definitions.keys.map { ($0, editDistance($0, name)) }.filter { $0.1 <= 2 }
        guard let best = candidates.min(by: { ($0.1, $0.0) < ($1.1, $1.0) }) else { return "" }
        return " (did you mean \(best.0)?)"
    }
}

/// Levenshtein distance, for "did you mean" hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8)
    let b = Array(b.utf8)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
