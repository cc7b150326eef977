/// A key of a `FlatTable`: its bits mixed into one word, and a value for unused slots.
protocol FlatTableKey: Equatable {
    /// The key's bits folded into one word (the table spreads it with one multiply).
    var mixedBits: UInt64 { get }
    /// Fills unused slots.
    static var placeholder: Self { get }
}

extension GroupKey: FlatTableKey {
    @inline(__always)
    var mixedBits: UInt64 { b ^ (c &* 0x9e37_79b9_7f4a_7c15) ^ (a &* 0xc2b2_ae3d_27d4_eb4f) ^ UInt64(kind.rawValue) }
    static var placeholder: GroupKey { GroupKey(kind: .request, a: 0, b: 0, c: 0) }
}

extension PidKey: FlatTableKey {
    @inline(__always)
    var mixedBits: UInt64 { UInt64(bitPattern: Int64(pid)) ^ (UInt64(source) &* 0xc2b2_ae3d_27d4_eb4f) }
    static var placeholder: PidKey { PidKey(source: 0, pid: 0) }
}

/// The correlator's open groups and emitted memory, keyed by `GroupKey`.
typealias GroupKeyTable<Value> = FlatTable<GroupKey, Value>

/// An open-addressing hash map (linear probing, backward-shift deletion, power-of-two
/// capacity, at most half full).
///
/// Replaces `Dictionary` on the correlator's per-line and per-group paths: the keys are
/// already uniformly random bits (UUID and span-id halves) or small integers (pids), so one
/// multiply spreads them, and `Hasher`'s SipHash set-up and finalisation — a measured 6 % of a
/// replay — disappear.
struct FlatTable<Key: FlatTableKey, Value> {
    private var keys: [Key]
    private var values: [Value?]
    private var used: [Bool]
    private var mask: Int
    private var shift: UInt64
    /// Entries held.
    private(set) var count = 0

    init() {
        let capacity = 16
        keys = Array(repeating: Key.placeholder, count: capacity)
        values = Array(repeating: nil, count: capacity)
        used = Array(repeating: false, count: capacity)
        mask = capacity - 1
        shift = 64 - 4
    }

    /// Home slot of `key`: Fibonacci hashing of its mixed bits, top bits taken.
    @inline(__always)
    private func home(_ key: Key) -> Int {
        Int(truncatingIfNeeded: (key.mixedBits &* 0x9e37_79b9_7f4a_7c15) >> shift)
    }

    @inline(__always)
    private func slot(of key: Key) -> (index: Int, found: Bool) {
        var i = home(key)
        while used[i] {
            if keys[i] == key { return (i, true) }
            i = (i + 1) & mask
        }
        return (i, false)
    }

    /// The value for `key`, if any.
    func find(_ key: Key) -> Value? {
        let (i, found) = slot(of: key)
        return found ? values[i] : nil
    }

    /// Inserts or replaces the value for `key`.
    mutating func set(_ key: Key, _ value: Value) {
        let (i, found) = slot(of: key)
        if found {
            values[i] = value
            return
        }
        if (count + 1) * 2 > keys.count {
            grow()
            set(key, value)
            return
        }
        keys[i] = key
        values[i] = value
        used[i] = true
        count += 1
    }

    /// Removes `key`; returns its value when it was present.
    @discardableResult
    mutating func remove(_ key: Key) -> Value? {
        let (found, hit) = slot(of: key)
        guard hit else { return nil }
        let old = values[found]
        // Backward-shift: move later members of the probe run into the hole, so lookups never
        // need tombstones.
        var hole = found
        var i = (hole + 1) & mask
        while used[i] {
            let want = home(keys[i])
            // Entry `i` may fill the hole when its home does not lie in (hole, i] cyclically.
            let movable = hole <= i ? (want <= hole || want > i) : (want <= hole && want > i)
            if movable {
                keys[hole] = keys[i]
                values[hole] = values[i]
                hole = i
            }
            i = (i + 1) & mask
        }
        used[hole] = false
        values[hole] = nil
        count -= 1
        return old
    }

    /// Removes every entry, keeping the capacity.
    mutating func removeAll() {
        guard count > 0 else { return }
        for i in used.indices where used[i] {
            used[i] = false
            values[i] = nil
        }
        count = 0
    }

    /// Every entry, in table order.
    var entries: [(key: Key, value: Value)] {
        used.indices.filter { used[$0] }.map { (keys[$0], values[$0]!) }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let oldUsed = used
        let capacity = oldKeys.count * 2
        keys = Array(repeating: Key.placeholder, count: capacity)
        values = Array(repeating: nil, count: capacity)
        used = Array(repeating: false, count: capacity)
        mask = capacity - 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        count = 0
        for i in oldKeys.indices where oldUsed[i] { set(oldKeys[i], oldValues[i]!) }
    }
}
