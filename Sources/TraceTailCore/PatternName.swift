import Synchronization

/// The name of a pattern rule or capture, as a small interned id.
///
/// Every parsed line records the rule that matched it (and the names of its extra captures). As a `String`, a name of 16 bytes or more
/// (`nova_wsgi_request`) lives on the heap, and storing it in each event cost an atomic
/// retain/release pair per line. Names are interned once, when rules are set up, into a
/// process-wide table that only grows (there are a few dozen rule names), so an event carries a
/// plain `UInt32`.
public struct PatternName: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// Index into the intern table.
    public let id: UInt32

    /// Interns `name` (the same name always yields the same id).
    public init(_ name: String) {
        id = PatternName.table.withLock { table in
            if let id = table.ids[name] { return id }
            let id = UInt32(table.names.count)
            table.names.append(name)
            table.ids[name] = id
            return id
        }
    }

    /// The name as written in the pattern file.
    public var name: String { PatternName.table.withLock { $0.names[Int(id)] } }

    public var description: String { name }

    private struct Table: ~Copyable {
        var names: [String] = []
        var ids: [String: UInt32] = [:]
    }

    private static let table = Mutex(Table())
}
