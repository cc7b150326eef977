/// A span's attributes: a small map from key to value, kept sorted by key.
///
/// Spans carry about a dozen attributes and are made by the hundred thousand per second, so a
/// `Dictionary` (a hash table allocation, SipHash per insert, a rehash-free but full copy when
/// the aggregator adds `phase`) cost more than the span's own fields. A sorted array is built
/// by appending (the correlator adds keys in order), looked up by a short scan, and iterated
/// in the order the JSON writer needs. Reads and writes look like a dictionary's.
public struct SpanAttributes: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral,
    CustomStringConvertible
{
    public typealias Element = (key: String, value: AttributeValue)

    @usableFromInline
    struct Entry: Sendable, Hashable {
        @usableFromInline var key: String
        @usableFromInline var value: AttributeValue
        @inlinable init(key: String, value: AttributeValue) {
            self.key = key
            self.value = value
        }
    }

    /// Sorted by key (String `<`), keys unique.
    @usableFromInline var entries: [Entry]

    /// No attributes.
    @inlinable public init() { entries = [] }

    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        entries = []
        entries.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    /// The attributes of a dictionary.
    public init(_ dictionary: [String: AttributeValue]) {
        entries = dictionary.map { Entry(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }

    /// Number of attributes.
    @inlinable public var count: Int { entries.count }
    /// True when there are none.
    @inlinable public var isEmpty: Bool { entries.isEmpty }
    /// The keys, sorted.
    public var keys: [String] { entries.map(\.key) }
    /// The values, in key order.
    public var values: [AttributeValue] { entries.map(\.value) }

    /// Reserves room for `n` attributes.
    @inlinable public mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

    /// The value for `key`; setting nil removes it.
    public subscript(key: String) -> AttributeValue? {
        get {
            for entry in entries where entry.key == key { return entry.value }
            return nil
        }
        set {
            // Appending in key order (the common case) is one comparison.
            if let last = entries.last, last.key < key {
                if let newValue { entries.append(Entry(key: key, value: newValue)) }
                return
            }
            // From the end: keys are set roughly in order, so the place is near the end
            // (the aggregator's `phase` lands three from the end of a request span).
            var i = entries.count
            while i > 0, key < entries[i - 1].key { i -= 1 }
            if i > 0, entries[i - 1].key == key {
                if let newValue { entries[i - 1].value = newValue } else { entries.remove(at: i - 1) }
            } else if let newValue {
                insert(Entry(key: key, value: newValue), at: i)
            }
        }
    }

    /// Inserts `entry` at `i` by appending it and moving the entries after `i` up by one slot.
    /// `Array.insert` goes through the generic `replaceSubrange`, which cost more than building
    /// the entry (the aggregator inserts `phase` and `run_id` into every span).
    private mutating func insert(_ entry: Entry, at i: Int) {
        entries.append(entry)
        let last = entries.count - 1
        guard i < last else { return }
        entries.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            let moved = (base + last).move()
            (base + i + 1).moveInitialize(from: base + i, count: last - i)
            (base + i).initialize(to: moved)
        }
    }

    /// Appends an attribute whose key sorts after every key held (the caller builds attributes
    /// in key order, as the correlator does), without comparing keys.
    @inlinable
    public mutating func append(sortedKey key: String, _ value: AttributeValue) {
        assert(entries.last.map { $0.key < key } ?? true, "attribute keys out of order")
        entries.append(Entry(key: key, value: value))
    }

    /// The value for `key`, or `defaultValue`.
    public subscript(key: String, default defaultValue: @autoclosure () -> AttributeValue) -> AttributeValue {
        self[key] ?? defaultValue()
    }

    /// Iterates in key order.
    public func makeIterator() -> AnyIterator<Element> {
        var i = 0
        let entries = entries
        return AnyIterator {
            guard i < entries.count else { return nil }
            defer { i += 1 }
            return (entries[i].key, entries[i].value)
        }
    }

    /// The entries in key order, as a dictionary would print them (sorted).
    public var description: String {
        "[" + entries.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "]"
    }

    /// The attributes as a dictionary.
    public var dictionary: [String: AttributeValue] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.value) })
    }

    /// Calls `body` with every attribute in key order, without building tuples or iterators.
    @inlinable
    public func forEachSorted(_ body: (String, AttributeValue) throws -> Void) rethrows {
        for entry in entries { try body(entry.key, entry.value) }
    }
}
