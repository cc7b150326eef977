import Foundation
import PatternParser
import TraceTailCore
import Yams

extension TraceTailConfiguration {
    /// Parses YAML text. Unknown keys and bad values are errors naming the key and its line;
    /// every problem is reported, not just the first.
    /// - Parameters:
    ///   - yaml: The file's text.
    ///   - file: Its path, for messages.
    /// - Throws: `ConfigurationError` listing every problem.
    public static func parse(yaml: String, file: String) throws(ConfigurationError) -> TraceTailConfiguration {
        var reader = ConfigReader(file: file)
        var config = TraceTailConfiguration()
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigurationError(problems: [reader.syntaxProblem(error)])
        } catch {
            throw ConfigurationError(problems: [.init(file: file, line: 0, column: 0, key: "", message: "\(error)")])
        }
        if let root {
            reader.read(root, into: &config)
        }
        if !reader.problems.isEmpty { throw ConfigurationError(problems: reader.problems) }
        return config
    }
}

/// Walks the YAML node tree with positions, collecting problems instead of stopping at the first.
struct ConfigReader {
    let file: String
    var problems: [ConfigurationError.Problem] = []

    mutating func problem(_ node: Node?, _ key: String, _ message: String) {
        problems.append(
            .init(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, key: key, message: message))
    }

    /// A YAML syntax error as one problem at its position, phrased without libyaml's own
    /// position prefix (`while parsing a flow sequence … : did not find expected ','`).
    func syntaxProblem(_ error: YamlError) -> ConfigurationError.Problem {
        func problem(_ mark: Mark?, _ text: String) -> ConfigurationError.Problem {
            .init(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, key: "(yaml)", message: text)
        }
        func describe(_ context: YamlError.Context?, _ what: String) -> String {
            guard let context else { return "invalid YAML: \(what)" }
            return "invalid YAML: \(what) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        switch error {
        case .scanner(let context, let what, let mark, _), .parser(let context, let what, let mark, _),
            .composer(let context, let what, let mark, _):
            return problem(mark, describe(context, what))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return problem(context.mark, "duplicate key \(keys) in one mapping")
        case .reader(let what, _, _, _):
            return problem(nil, "invalid YAML: \(what)")
        default:
            return problem(nil, "invalid YAML: \(error)")
        }
    }

    /// The pairs of a mapping node, reporting any key outside `allowed`.
    /// The items of a list key, each with its `key[i]` path; reports `shape` (what each item must
    /// be) and yields nothing when the value is not a list.
    mutating func items(_ node: Node, _ key: String, shape: String) -> [(path: String, node: Node)] {
        guard let sequence = node.sequence else {
            problem(node, key, "must be a list of \(shape) entries")
            return []
        }
        return sequence.enumerated().map { ("\(key)[\($0.offset)]", $0.element) }
    }

    mutating func entries(_ node: Node, _ path: String, allowed: [String]) -> [(String, Node)] {
        guard let mapping = node.mapping else {
            problem(node, path.isEmpty ? "(top level)" : path, "must be a mapping")
            return []
        }
        var out: [(String, Node)] = []
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? "\(keyNode)"
            let full = path.isEmpty ? key : "\(path).\(key)"
            if allowed.contains(key) {
                out.append((key, value))
            } else {
                let hint = allowed.first {
                    $0.replacingOccurrences(of: "_", with: "")
                        == key.lowercased().replacingOccurrences(of: "_", with: "").replacingOccurrences(
                            of: "-", with: "")
                }
                problem(keyNode, full, "unknown key" + (hint.map { " (did you mean `\($0)`?)" } ?? ""))
            }
        }
        return out
    }

    mutating func string(_ node: Node, _ key: String) -> String? {
        guard case .scalar(let scalar) = node else {
            problem(node, key, "must be a string")
            return nil
        }
        return scalar.string
    }

    mutating func duration(_ node: Node, _ key: String) -> EventDuration? {
        guard let text = string(node, key) else { return nil }
        guard let d = EventDuration(parsing: text), d.nanoseconds > 0 else {
            problem(node, key, "`\(text)` is not a positive duration (e.g. 250ms, 30s, 5m)")
            return nil
        }
        return d
    }

    mutating func int(_ node: Node, _ key: String, min: Int) -> Int? {
        guard let text = string(node, key) else { return nil }
        guard let v = Int(text.replacingOccurrences(of: "_", with: "")), v >= min else {
            problem(node, key, "`\(text)` must be an integer ≥ \(min)")
            return nil
        }
        return v
    }

    mutating func double(_ node: Node, _ key: String, range: ClosedRange<Double>) -> Double? {
        guard let text = string(node, key) else { return nil }
        guard let v = Double(text), range.contains(v) else {
            problem(node, key, "`\(text)` must be a number in \(range.lowerBound)…\(range.upperBound)")
            return nil
        }
        return v
    }

    mutating func bool(_ node: Node, _ key: String) -> Bool? {
        guard let text = string(node, key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problem(node, key, "`\(text)` must be true or false")
            return nil
        }
    }

    mutating func byteSize(_ node: Node, _ key: String) -> Int? {
        guard let text = string(node, key) else { return nil }
        let units: [(String, Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000), ("B", 1), ("", 1),
        ]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let v = Int(text.dropLast(suffix.count)), v > 0 { return v * scale }
        }
        problem(node, key, "`\(text)` is not a size (e.g. 1048576, 64KiB, 1MiB)")
        return nil
    }
}
