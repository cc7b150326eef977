import TraceTailCore

/// `key=value` arguments as a JSON object: numbers and true/false become JSON numbers and
/// booleans, dotted keys nest (`before_metrics.error_rate=0.3`).
public enum KeyValueJSON {
    indirect enum Node {
        case scalar(String)
        case object([(String, Node)])
    }

    /// An argument that is not `key=value`.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The JSON object text of `arguments`.
    /// - Throws: `Problem` naming the first argument that is not `key=value`.
    public static func object(_ arguments: [String]) throws(Problem) -> String {
        var root: [(String, Node)] = []
        for argument in arguments {
            guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else {
                throw Problem(description: "`\(argument)` is not key=value")
            }
            let path = argument[..<eq].split(separator: ".").map(String.init)
            let value = String(argument[argument.index(after: eq)...])
            let scalar = isJSONLiteral(value) ? value : JSONWriter.quoted(value)
            insert(&root, path[...], scalar)
        }
        return render(.object(root))
    }

    /// `true`, `false` or a finite number in JSON's own spelling (so `nan`, `inf` and `0x10`
    /// stay strings).
    static func isJSONLiteral(_ value: String) -> Bool {
        if value == "true" || value == "false" { return true }
        guard let number = Double(value), number.isFinite else { return false }
        return value.allSatisfy { "0123456789.-+eE".contains($0) } && !value.hasPrefix("+") && !value.hasPrefix(".")
    }

    private static func insert(_ object: inout [(String, Node)], _ path: ArraySlice<String>, _ scalar: String) {
        guard let key = path.first else { return }
        let rest = path.dropFirst()
        if rest.isEmpty {
            object.removeAll { $0.0 == key }
            object.append((key, .scalar(scalar)))
            return
        }
        var child: [(String, Node)] = []
        if let i = object.firstIndex(where: { $0.0 == key }), case .object(let existing) = object[i].1 {
            child = existing
            object.remove(at: i)
        }
        insert(&child, rest, scalar)
        object.append((key, .object(child)))
    }

    private static func render(_ node: Node) -> String {
        switch node {
        case .scalar(let s): s
        case .object(let members):
            "{" + members.map { JSONWriter.quoted($0.0) + ":" + render($0.1) }.joined(separator: ",") + "}"
        }
    }
}
