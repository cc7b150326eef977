import Testing
import TraceTailCore

@testable import PatternParser

/// The word-at-a-time hex decoder against a plain per-character reference.
@Suite struct ByteScanTests {
    private func reference(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        return UInt64(String(decoding: bytes, as: UTF8.self), radix: 16)
    }

    private func word(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    @Test func everyByteAtEveryPosition() {
        let base = Array("0aF93bCd".utf8)
        for position in 0..<8 {
            for value in 0...255 {
                var bytes = base
                bytes[position] = UInt8(value)
                // `+`/`-` would be accepted by the String reference as a sign: not hex digits.
                let expected = (value == 0x2B || value == 0x2D) ? nil : reference(bytes)
                #expect(ByteScan.hex8(word(bytes)) == expected, "byte \(value) at \(position)")
            }
        }
    }

    @Test func uuidMatchesItsTextForm() {
        var rng = SplitMix64(seed: 7)
        let digits = Array("0123456789abcdefABCDEF".utf8)
        for _ in 0..<2_000 {
            var text: [UInt8] = []
            for i in 0..<36 {
                text.append([8, 13, 18, 23].contains(i) ? UInt8(ascii: "-") : digits.randomElement(using: &rng)!)
            }
            let hex = text.filter { $0 != UInt8(ascii: "-") }
            let high = reference(Array(hex[0..<16]))!
            let low = reference(Array(hex[16..<32]))!
            let parsed = text.withUnsafeBytes { ByteScan.uuid($0, 0..<36) }
            #expect(parsed == UUID128(high: high, low: low), "\(String(decoding: text, as: UTF8.self))")
        }
        let bad = Array("dd237280-5bc8-41cb-a035-26c8e64d49fg".utf8)
        #expect(bad.withUnsafeBytes { ByteScan.uuid($0, 0..<36) } == nil)
        let noDash = Array("dd237280-5bc8-41cb-a035x26c8e64d49fc".utf8)
        #expect(noDash.withUnsafeBytes { ByteScan.uuid($0, 0..<36) } == nil)
    }
}
