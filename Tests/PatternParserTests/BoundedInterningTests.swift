import PatternParser
import Testing
import TraceTailCore

/// A daemon fed arbitrary JSON must not grow the process-wide `PatternName` table: keys that no
/// rule defines stay bytes of their line.
@Suite struct BoundedInterningTests {
    @Test func aHundredThousandDistinctJSONKeysInternNothing() {
        let decoder = JSONLineDecoder()
        _ = decoder.decode(jsonBytes(#"{"LineId":1,"Level":"INFO","warm_up":"x"}"#), source: SourceID(0), lineID: 1)
        let before = PatternName.internedCount
        for i in 0..<100_000 {
            let line = #"{"LineId":\#(i),"Level":"INFO","key_\#(i)_x":"v\#(i)","zone_\#(i % 7)":\#(i)}"#
            let event = decoder.decode(jsonBytes(line), source: SourceID(0), lineID: i + 1)
            if i % 25_000 == 0 {
                // The names still read back as the line's keys.
                #expect(event.extra.map(\.name).contains("key_\(i)_x"))
                #expect(event.extra.first { $0.name == "key_\(i)_x" }.flatMap { event.text($0.range) } == "v\(i)")
            }
        }
        // Other tests running in parallel may intern a few fixed names; the keys above are 100 007.
        #expect(PatternName.internedCount - before < 100)
        #expect(PatternName.existing("key_99999_x") == nil)
    }

    @Test func aKeyThatARuleDefinesKeepsItsInternedName() {
        let name = PatternName("microversion")
        let event = JSONLineDecoder().decode(
            jsonBytes(#"{"LineId":1,"Level":"INFO","microversion":"2.79"}"#), source: SourceID(0), lineID: 1)
        #expect(event.text(event.extraCaptures.range(named: name)) == "2.79")
    }
}
