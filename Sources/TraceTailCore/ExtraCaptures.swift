/// One named capture that is not a `LogEvent` field of its own (`microversion`, JSON `event_id`).
public struct ExtraCapture: Hashable, Sendable, BitwiseCopyable {
    /// The capture's name, interned.
    public var name: PatternName
    /// Its bytes in the event's storage.
    public var range: ByteRange

    public init(name: PatternName, range: ByteRange) {
        self.name = name
        self.range = range
    }
}

/// The extra captures of one event. The first two are stored inline: a request line's
/// `microversion` then costs no heap allocation (it used to cost one per line), and an event
/// without extras holds no reference at all.
public struct ExtraCaptures: Sendable, RandomAccessCollection {
    private var first: ExtraCapture?
    private var second: ExtraCapture?
    private var rest: [ExtraCapture]?

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { first == nil ? 0 : second == nil ? 1 : 2 + (rest?.count ?? 0) }

    public subscript(position: Int) -> ExtraCapture {
        switch position {
        case 0: first!
        case 1: second!
        default: rest![position - 2]
        }
    }

    /// Adds a capture after the others.
    public mutating func append(_ capture: ExtraCapture) {
        if first == nil {
            first = capture
        } else if second == nil {
            second = capture
        } else {
            rest = (rest ?? []) + [capture]
        }
    }

    /// The range of the first capture called `name`.
    public func range(named name: PatternName) -> ByteRange? {
        first { $0.name == name }?.range
    }
}
