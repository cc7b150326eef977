import Synchronization

/// The name of a pattern rule or capture, as a small interned id.
///
/// Every parsed line records the rule that matched it (and the names of its extra captures). As a `String`, a name of 16 bytes or more
/// (`nova_wsgi_request`) lives on the heap, and storing it in each event cost an atomic
/// retain/release pair per line. Names are interned once, when rules are set up, into a
/// process-wide table that only grows, so an event carries a plain `UInt32`. Only rule and
/// capture names from pattern files (a few dozen) and the parser's own field names are interned;
/// names that come from input (arbitrary JSON keys) stay bytes of their line (`ExtraCapture.key`),
/// so a daemon fed any JSON cannot grow the table.
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

    /// The id of `name` if it is already interned; never adds it (for names from input).
    public static func existing(_ name: String) -> PatternName? {
        table.withLock { $0.ids[name] }.map { PatternName(id: $0) }
    }

    /// Names interned so far in this process (for tests: the table must stay bounded).
    public static var internedCount: Int { table.withLock { $0.names.count } }

    /// Stands for "no interned name" in an `ExtraCapture` whose name is its `key` bytes.
    public static let uninterned = PatternName(id: .max)

    private init(id: UInt32) { self.id = id }

    /// The name as written in the pattern file (empty for `uninterned`).
    public var name: String {
        id == .max ? "" : PatternName.table.withLock { $0.names[Int(id)] }
    }

    public var description: String { name }

    private struct Table: ~Copyable {
        var names: [String] = []
        var ids: [String: UInt32] = [:]
    }

    private static let table = Mutex(Table())
}
