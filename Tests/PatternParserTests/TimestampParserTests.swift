import Testing
import TraceTailCore

@testable import PatternParser

/// The oslo timestamp reader keeps the last date's day number between lines; these make sure
/// the cache never lets a bad date or time through and never returns a stale day.
@Suite struct TimestampParserTests {
    private func parse(_ text: String, _ cache: inout TimestampParser.DateCache) -> EventTime? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { TimestampParser.parse($0, 0..<bytes.count, cache: &cache)?.time }
    }

    private func iso(_ text: String) -> EventTime? { ISO8601.parse(text) }

    @Test func cachedDateGivesTheSameTimesAsAFreshParse() {
        var cache = TimestampParser.DateCache()
        let lines = [
            "2017-05-16 00:00:00.008", "2017-05-16 23:59:59.999999", "2017-05-17 00:00:00",
            "2016-02-29 12:00:00.5", "2017-05-16 13:53:08.123",
        ]
        for line in lines {
            let cached = parse(line, &cache)
            var fresh = TimestampParser.DateCache()
            #expect(cached != nil)
            #expect(cached == parse(line, &fresh), "\(line)")
            #expect(cached == iso(String(line.map { $0 == " " ? "T" : $0 }) + "Z"), "\(line)")
        }
    }

    @Test func badDateAfterAGoodOneIsRejected() {
        var cache = TimestampParser.DateCache()
        #expect(parse("2017-02-28 10:00:00.000", &cache) != nil)
        #expect(parse("2017-02-30 10:00:00.000", &cache) == nil)
        #expect(parse("2017-02-29 10:00:00.000", &cache) == nil)
        #expect(parse("2017-13-01 10:00:00.000", &cache) == nil)
        // The cache still holds the last good date and keeps working.
        #expect(parse("2017-02-28 10:00:01.000", &cache) != nil)
    }

    @Test func badTimeOnACachedDateIsRejected() {
        var cache = TimestampParser.DateCache()
        #expect(parse("2017-05-16 10:00:00", &cache) != nil)
        #expect(parse("2017-05-16 24:00:00", &cache) == nil)
        #expect(parse("2017-05-16 10:60:00", &cache) == nil)
        #expect(parse("2017-05-16 10:00:60", &cache) == nil)
        #expect(parse("2017-05-16 1x:00:00", &cache) == nil)
        #expect(parse("2017-05-16X10:00:00", &cache) == nil)
        #expect(parse("2017-05-16 10:0x:00", &cache) == nil)
        // Not the oslo form, but a valid ISO 8601 time (no seconds, offset -00): the full reader
        // behind the fast path accepts it.
        #expect(parse("2017-05-16 10:00-00", &cache) == ISO8601.parse("2017-05-16T10:00:00Z"))
        #expect(parse("2017-05-16 10:0:000", &cache) == nil)
        #expect(parse("2017-05-16 10:00:0/", &cache) == nil)
        #expect(parse("2017-05-16 10:00:0:", &cache) == nil)
        #expect(parse("2017-05-16 09:08:07", &cache) == ISO8601.parse("2017-05-16T09:08:07Z"))
    }

    @Test func zoneOffsetsApply() {
        var cache = TimestampParser.DateCache()
        let utc = parse("2017-05-16 10:00:00Z", &cache)
        #expect(parse("2017-05-16 12:00:00+02:00", &cache) == utc)
        #expect(parse("2017-05-16 05:30:00-0430", &cache) == utc)
    }
}
