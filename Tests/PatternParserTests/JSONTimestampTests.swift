import PatternParser
import Testing
import TraceTailCore

@Suite("JSON timestamps")
struct JSONTimestampTests {
    private static func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, _ ns: Int = 0) -> Int64 {
        CivilTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s, nanosecond: ns).eventTime.nanoseconds
    }

    @Test(arguments: [
        ("2026-11-27T10:00:05.250Z", utc(2026, 11, 27, 10, 0, 5, 250_000_000), true),
        ("2026-11-27t10:00:05.250z", utc(2026, 11, 27, 10, 0, 5, 250_000_000), true),
        ("2026-11-27 10:00:05.250", utc(2026, 11, 27, 10, 0, 5, 250_000_000), false),
        ("2017-05-16 00:00:00,008", utc(2017, 5, 16, 0, 0, 0, 8_000_000), false),  // Python logging asctime
        ("2026-11-27T10:00:05Z", utc(2026, 11, 27, 10, 0, 5), true),
        ("2026-11-27T10:00Z", utc(2026, 11, 27, 10, 0, 0), true),
        ("2026-11-27T12:00:05+02:00", utc(2026, 11, 27, 10, 0, 5), true),
        ("2026-11-27T08:30:05-0130", utc(2026, 11, 27, 10, 0, 5), true),
        ("2026-11-27T12:00:05+02", utc(2026, 11, 27, 10, 0, 5), true),
        ("2026-11-27T10:00:05.1Z", utc(2026, 11, 27, 10, 0, 5, 100_000_000), true),
        ("2026-11-27T10:00:05.123456789123Z", utc(2026, 11, 27, 10, 0, 5, 123_456_789), true),
        ("2024-02-29T23:59:59.999999Z", utc(2024, 2, 29, 23, 59, 59, 999_999_000), true),
        ("1970-01-01T00:30:00+01:00", -1_800_000_000_000, true),
    ])
    func parsesISO8601(text: String, nanoseconds: Int64, hasZone: Bool) throws {
        let parsed = try #require(JSONTimestamp.parseISO8601(text.utf8))
        #expect(parsed.time.nanoseconds == nanoseconds)
        #expect(parsed.hasZone == hasZone)
    }

    @Test(arguments: [
        "", "garbage", "2026-11-27", "2026-11-27T", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T10:60:00Z", "2026-11-27T10:00:60Z",
        "2026-11-27T10:00:05.Z", "2026-11-27T10:00:05+2", "2026-11-27T10:00:05+24:00", "2026-11-27T10:00:05Z junk",
        "2026/11/27 10:00:05", "26-11-27T10:00:05Z", "2026-11-27X10:00:05",
    ])
    func rejectsNonTimes(text: String) {
        #expect(JSONTimestamp.parseISO8601(text.utf8) == nil)
    }

    @Test(
        arguments: [
            ("1700000000", 1_700_000_000_000_000_000),
            ("1700000000.5", 1_700_000_000_500_000_000),
            ("1700000000.123456", 1_700_000_000_123_456_000),
            ("1700000000123", 1_700_000_000_123_000_000),
            ("1700000000123.5", 1_700_000_000_123_500_000),
            ("1700000000123456", 1_700_000_000_123_456_000),
            ("1700000000123456789", 1_700_000_000_123_456_789),
            ("1.7e9", 1_700_000_000_000_000_000),
            ("0", 0),
        ] as [(String, Int64)])
    func parsesEpochNumbersByMagnitude(text: String, nanoseconds: Int64) {
        #expect(JSONTimestamp.parseEpoch(number: text.utf8)?.nanoseconds == nanoseconds)
    }

    @Test(arguments: ["-5", "", "abc", "1e999", "99999999999999999999999", "12.x"])
    func rejectsBadEpochs(text: String) {
        #expect(JSONTimestamp.parseEpoch(number: text.utf8) == nil)
    }
}
