/// Plans request bodies of the form `{"series":[<object>,…]}` that stay under a byte limit.
///
/// Each series object is its fixed part (metric, tags, …) plus a list of items (points) joined
/// by commas inside one array; sizes are measured from the JSON the writer produces, so the
/// plan is exact. A series too long for one body continues, with the rest of its items, in the
/// next one; an item too large for any body is left out.
struct JSONBodyPacker {
    /// One series object in a body: which series, and which of its items.
    struct Part: Equatable {
        var series: Int
        var items: Range<Int>
    }

    /// `{"series":[` and `]}`.
    static let envelopeBytes = 13

    let maxBodyBytes: Int
    private(set) var bodies: [[Part]] = []
    private var parts: [Part] = []
    private var size = envelopeBytes

    init(maxBodyBytes: Int) { self.maxBodyBytes = maxBodyBytes }

    /// Adds series number `series`, whose object without items takes `emptyBytes` and whose
    /// items take `itemBytes` each.
    mutating func add(series: Int, emptyBytes: Int, itemBytes: [Int]) {
        var start = 0
        while start < itemBytes.count {
            let base = size + (parts.isEmpty ? 0 : 1) + emptyBytes
            guard base + itemBytes[start] <= maxBodyBytes else {
                if parts.isEmpty {
                    start += 1  // too large even alone
                } else {
                    flush()
                }
                continue
            }
            var end = start + 1
            var objectEnd = base + itemBytes[start]
            while end < itemBytes.count, objectEnd + 1 + itemBytes[end] <= maxBodyBytes {
                objectEnd += 1 + itemBytes[end]
                end += 1
            }
            parts.append(Part(series: series, items: start..<end))
            size = objectEnd
            start = end
            if start < itemBytes.count { flush() }
        }
    }

    /// The bodies planned, the last one included.
    mutating func finish() -> [[Part]] {
        flush()
        return bodies
    }

    private mutating func flush() {
        guard !parts.isEmpty else { return }
        bodies.append(parts)
        parts = []
        size = Self.envelopeBytes
    }
}
