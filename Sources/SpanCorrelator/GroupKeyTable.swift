/// An open-addressing hash map from `GroupKey` to `Value` (linear probing, backward-shift
/// deletion, power-of-two capacity, at most half full).
///
/// Replaces `Dictionary` on the correlator's per-line and per-group paths: the keys are
/// already uniformly random bits (UUID and span-id halves), so one multiply spreads them, and
/// `Hasher`'s SipHash set-up and finalisation — a measured 6 % of a replay — disappear.
struct GroupKeyTable<Value> {
    private var keys: [GroupKey]
    private var values: [Value?]
    private var used: [Bool]
    private var mask: Int
    private var shift: UInt64
    /// Entries held.
    private(set) var count = 0

    init() {
        let capacity = 16
        keys = Array(repeating: GroupKey(kind: .request, a: 0, b: 0, c: 0), count: capacity)
        values = Array(repeating: nil, count: capacity)
        used = Array(repeating: false, count: capacity)
        mask = capacity - 1
        shift = 64 - 4
    }

    /// Home slot of `key`: Fibonacci hashing of its mixed bits, top bits taken.
    @inline(__always)
    private func home(_ key: GroupKey) -> Int {
        let mixed =
            key.b ^ (key.c &* 0x9e37_79b9_7f4a_7c15) ^ (key.a &* 0xc2b2_ae3d_27d4_eb4f) ^ UInt64(key.kind.rawValue)
        return Int(truncatingIfNeeded: (mixed &* 0x9e37_79b9_7f4a_7c15) >> shift)
    }

    @inline(__always)
    private func slot(of key: GroupKey) -> (index: Int, found: Bool) {
        var i = home(key)
        while used[i] {
            if keys[i] == key { return (i, true) }
            i = (i + 1) & mask
        }
        return (i, false)
    }

    /// The value for `key`, if any.
    func find(_ key: GroupKey) -> Value? {
        let (i, found) = slot(of: key)
        return found ? values[i] : nil
    }

    /// Inserts or replaces the value for `key`.
    mutating func set(_ key: GroupKey, _ value: Value) {
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
    mutating func remove(_ key: GroupKey) -> Value? {
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

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let oldUsed = used
        let capacity = oldKeys.count * 2
        keys = Array(repeating: GroupKey(kind: .request, a: 0, b: 0, c: 0), count: capacity)
        values = Array(repeating: nil, count: capacity)
        used = Array(repeating: false, count: capacity)
        mask = capacity - 1
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        count = 0
        for i in oldKeys.indices where oldUsed[i] { set(oldKeys[i], oldValues[i]!) }
    }
}
