/// Streams encoded items into bodies no larger than `maxBodyBytes`, nesting each item in its
/// containers (a resource, then for metrics a metric), with exact sizes.
///
/// An OTLP body is `{"resourceSpans":[` resource `{…"spans":[` item, item `]}]}` … `]}`: every
/// container is a head written before its first child and a fixed tail after its last. The
/// builder keeps the current body open and, before each item, computes the body's length if
/// the item were added and everything closed; when that passes the limit it closes the body
/// and reopens the item's containers in a new one. So a resource (or metric) too large for one
/// body continues in the next, each body stands alone, and the sizes are exact, not estimated.
struct OTLPBodyBuilder {
    /// One container on an item's path: an identity (its index among its siblings) and its
    /// JSON before and after the children.
    struct Container {
        var id: Int
        var head: [UInt8]
        var tail: [UInt8]
    }

    let maxBodyBytes: Int
    /// `{"resourceSpans":[`, and its closing `]}`.
    private let envelopeHead: [UInt8]
    private let envelopeTail: [UInt8] = Array("]}".utf8)

    private var bodies: [OTLPBody] = []
    private var current: [UInt8] = []
    /// The containers open in `current`, outermost first.
    private var open: [Container] = []
    private var items = 0
    private var records = 0
    /// Input records left out because their item cannot fit in an empty body.
    private(set) var oversizedRecords = 0

    /// A builder of bodies whose top-level key is `envelopeKey` (`resourceSpans`, …).
    init(envelopeKey: String, maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        envelopeHead = Array("{\"\(envelopeKey)\":[".utf8)
    }

    /// Adds one item inside `path` (outermost container first). `records` is how many input
    /// records the item stands for. Items of one container must be added together.
    mutating func add(_ item: [UInt8], path: [Container], records: Int = 1) {
        // An item that cannot fit even alone is left out without closing the current body.
        guard length(adding: item, path: path, shared: 0, inEmptyBody: true) <= maxBodyBytes else {
            oversizedRecords += records
            return
        }
        var shared = commonDepth(path)
        if items > 0, length(adding: item, path: path, shared: shared, inEmptyBody: false) > maxBodyBytes {
            flush()
            shared = 0
        }
        if items == 0 { current = envelopeHead }
        for container in open[shared...].reversed() { current += container.tail }
        open.removeSubrange(shared...)
        // Every open container already holds a child, so whatever comes next follows a comma,
        // unless the body is empty.
        if items > 0 { current.append(UInt8(ascii: ",")) }
        for container in path[shared...] {
            current += container.head
            open.append(container)
        }
        current += item
        items += 1
        self.records += records
    }

    /// The bodies built, the last one closed.
    mutating func finish() -> [OTLPBody] {
        flush()
        return bodies
    }

    /// How many of `path`'s containers, from the outermost, are the ones open now.
    private func commonDepth(_ path: [Container]) -> Int {
        var depth = 0
        while depth < open.count, depth < path.count, open[depth].id == path[depth].id { depth += 1 }
        return depth
    }

    /// The length of the body once `item` is added within `path` and everything is closed:
    /// the current body, or a new one when `inEmptyBody`.
    private func length(adding item: [UInt8], path: [Container], shared: Int, inEmptyBody: Bool) -> Int {
        var total = envelopeHead.count
        if !inEmptyBody {
            total = current.count + 1  // the comma
            for container in open[shared...] { total += container.tail.count }
        }
        for container in path[shared...] { total += container.head.count }
        total += item.count
        for container in path { total += container.tail.count }
        return total + envelopeTail.count
    }

    private mutating func flush() {
        guard items > 0 else { return }
        for container in open.reversed() { current += container.tail }
        current += envelopeTail
        bodies.append(OTLPBody(bytes: current, itemCount: items, recordCount: records))
        current = []
        open = []
        items = 0
        records = 0
    }
}
