/// Finds the slot (an index into the caller's array) of a key, for the per-span lookups of the
/// aggregator.
///
/// Why: a span's series, comparison list and summary totals are looked up by strings (service,
/// run id). A `Dictionary` hashes them with SipHash on every span; but a run has a handful of
/// series and spans of the same few services alternate, and the strings come from the
/// correlator's interned names, so `==` is usually one word comparison. The few most recent keys
/// are scanned first; the dictionary is asked only on a miss.
struct SlotIndex<Key: Hashable & Sendable>: Sendable {
    private var recentKeys: [Key] = []
    private var recentSlots: [Int] = []
    private var index: [Key: Int] = [:]

    /// Keys scanned before the dictionary is asked.
    static var recentLimit: Int { 8 }

    /// Number of keys held.
    var count: Int { index.count }

    /// The slot of `key`, if it has one.
    mutating func slot(of key: Key) -> Int? {
        for i in recentKeys.indices where recentKeys[i] == key { return recentSlots[i] }
        guard let slot = index[key] else { return nil }
        remember(key, slot)
        return slot
    }

    /// Gives `key` the slot `slot` (a key not held yet).
    mutating func insert(_ key: Key, slot: Int) {
        index[key] = slot
        remember(key, slot)
    }

    /// Forgets every key.
    mutating func removeAll() {
        recentKeys.removeAll(keepingCapacity: true)
        recentSlots.removeAll(keepingCapacity: true)
        index.removeAll(keepingCapacity: true)
    }

    private mutating func remember(_ key: Key, _ slot: Int) {
        if recentKeys.count < Self.recentLimit {
            recentKeys.append(key)
            recentSlots.append(slot)
        } else {
            // Replace the oldest entry: a small ring, oldest at `recentNext`.
            recentKeys[recentNext] = key
            recentSlots[recentNext] = slot
            recentNext = (recentNext + 1) % Self.recentLimit
        }
    }

    private var recentNext = 0
}
