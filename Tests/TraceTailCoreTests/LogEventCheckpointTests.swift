import Foundation
import Testing
import TraceTailCore

@Suite struct LogEventCheckpointTests {
    @Test func keyedExtraNamesSurviveACheckpointWithoutBeingInterned() throws {
        let line = Array(#"{"some_key_only_this_test_uses":"v1","microversion":"2.79"}"#.utf8)
        // A slice in the middle of a larger buffer, as a read chunk would hold it.
        let chunk = [UInt8](repeating: 0x20, count: 100) + line + [UInt8](repeating: 0x20, count: 100)
        var event = LogEvent(source: SourceID(1), lineID: 3, storage: chunk[100..<(100 + line.count)])
        event.extraCaptures.append(
            ExtraCapture(key: ByteRange(start: 2, end: 30), range: ByteRange(start: 33, end: 35)))
        event.extraCaptures.append(
            ExtraCapture(name: PatternName("microversion"), range: ByteRange(start: 53, end: 57)))
        #expect(event.extra.map(\.name) == ["some_key_only_this_test_uses", "microversion"])
        let data = try JSONEncoder().encode(event.checkpoint)
        let back = LogEvent(checkpoint: try JSONDecoder().decode(LogEvent.Checkpoint.self, from: data))
        #expect(back.extra.map(\.name) == event.extra.map(\.name))
        #expect(back.extra.map { back.text($0.range) } == ["v1", "2.79"])
        #expect(back.extraCaptures[0].key != nil)
        #expect(PatternName.existing("some_key_only_this_test_uses") == nil)
    }
}
