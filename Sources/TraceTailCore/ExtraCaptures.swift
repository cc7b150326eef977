/// One named capture that is not a `LogEvent` field of its own (`microversion`, JSON `event_id`).
public struct ExtraCapture: Hashable, Sendable, BitwiseCopyable {
    /// The capture's name, interned; `PatternName.uninterned` when the name is `key`.
    public var name: PatternName
    /// Its bytes in the event's storage.
    public var range: ByteRange
    /// The name's bytes in the event's storage, for names that come from the input (a JSON
    /// line's own keys): interning those would grow the process-wide table without bound.
    public var key: ByteRange?

    /// A capture named by an interned (rule-defined) name.
    public init(name: PatternName, range: ByteRange) {
        self.name = name
        self.range = range
    }

    /// A capture named by bytes of its own line.
    public init(key: ByteRange, range: ByteRange) {
        self.name = .uninterned
        self.range = range
        self.key = key
    }
}

/// The extra captures of one event. The first is stored inline: a request line's
/// `microversion` then costs no heap allocation (it used to cost one per line), and an event
/// without extras holds no reference at all. Only one slot is inline because events are copied
/// through the replay stages and every inline byte is copied with them.
public struct ExtraCaptures: Sendable, RandomAccessCollection {
    private var first: ExtraCapture?
    private var rest: [ExtraCapture]?

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { first == nil ? 0 : 1 + (rest?.count ?? 0) }

    public subscript(position: Int) -> ExtraCapture {
        position == 0 ? first! : rest![position - 1]
    }

    /// Adds a capture after the others.
    public mutating func append(_ capture: ExtraCapture) {
        if first == nil {
            first = capture
        } else if rest == nil {
            rest = [capture]
        } else {
            rest!.append(capture)  // in place: a JSON line's many extras must not copy per member
        }
    }

    /// The range of the first capture called `name` (interned names only).
    public func range(named name: PatternName) -> ByteRange? {
        first { $0.key == nil && $0.name == name }?.range
    }
}
