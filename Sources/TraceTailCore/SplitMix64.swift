/// The seeded pseudo-random generator of the simulator and of the randomized tests (SplitMix64,
/// Steele/Lea/Flood 2014).
///
/// Output must be identical byte for byte for a seed on every platform and Swift version, so
/// nothing here goes through the standard library's `random(in:using:)` (whose algorithm is not
/// promised) or libm (whose last bit may differ): only integer and basic IEEE arithmetic.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    private var state: UInt64

    /// A generator whose whole future is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform integer in `0..<bound` (multiply-shift; the bias is below 2⁻³² for our bounds).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A uniform integer in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A uniform integer in `range` (64-bit).
    public mutating func int64(in range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(below(Int(range.upperBound - range.lowerBound + 1)))
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// One element of a non-empty array.
    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// An index into `weights`, chosen with probability proportional to its weight.
    public mutating func weighted(_ weights: [Int]) -> Int {
        var roll = below(weights.reduce(0, +))
        for (index, weight) in weights.enumerated() {
            if roll < weight { return index }
            roll -= weight
        }
        return weights.count - 1
    }

    /// An exponentially distributed value with the given mean (inter-arrival gaps of a Poisson
    /// process): `-mean * ln(u)` with a portable logarithm.
    public mutating func exponential(mean: Double) -> Double {
        let u = 1.0 - unit()  // (0, 1]: never ln(0)
        return -mean * SplitMix64.naturalLog(u)
    }

    /// A random version-4 UUID (RFC 4122 version and variant bits set), as OpenStack makes them:
    /// a `global_request_id` is only trusted when it is `req-` + a UUID4 (ANCHORS §0.3).
    public mutating func uuid4() -> UUID128 {
        let high = (next() & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000
        let low = (next() & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000
        return UUID128(high: high, low: low)
    }

    /// 32 lowercase hex digits, the shape of a keystone user or project id.
    public mutating func hex32() -> String { Hex.string(next(), digits: 16) + Hex.string(next(), digits: 16) }

    /// `ln(x)` for x > 0 from exponent extraction and the atanh series, so results do not depend
    /// on the platform's libm.
    static func naturalLog(_ x: Double) -> Double {
        let ln2 = 0.693_147_180_559_945_3
        let exponent = Double(Int(x.exponent))
        let m = x.significand  // [1, 2)
        let y = (m - 1) / (m + 1)  // [0, 1/3)
        let y2 = y * y
        var term = y
        var sum = 0.0
        var k = 1.0
        while k < 60 {
            sum += term / k
            term *= y2
            k += 2
        }
        return exponent * ln2 + 2 * sum
    }
}
