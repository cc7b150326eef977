import Testing

@testable import TraceTailCore

@Suite struct TimeTests {
    @Test(arguments: [
        (CivilTime(year: 1970, month: 1, day: 1), Int64(0)),
        (CivilTime(year: 2017, month: 5, day: 16, nanosecond: 8_000_000), Int64(1_494_892_800_008_000_000)),
        (CivilTime(year: 2000, month: 2, day: 29, hour: 23, minute: 59, second: 59), Int64(951_868_799_000_000_000)),
        (CivilTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59), Int64(-1_000_000_000)),
    ])
    func civilTimeRoundTrips(_ civil: CivilTime, _ nanos: Int64) {
        #expect(civil.eventTime.nanoseconds == nanos)
        #expect(CivilTime(EventTime(nanoseconds: nanos)) == civil)
    }

    @Test func iso8601HasMillisecondsAndZ() {
        #expect(EventTime(nanoseconds: 1_494_892_800_008_999_999).iso8601 == "2017-05-16T00:00:00.008Z")
    }

    @Test func validityChecksLeapYears() {
        #expect(CivilTime(year: 2024, month: 2, day: 29).isValid)
        #expect(!CivilTime(year: 2023, month: 2, day: 29).isValid)
        #expect(!CivilTime(year: 1900, month: 2, day: 29).isValid)
        #expect(!CivilTime(year: 2023, month: 13, day: 1).isValid)
        #expect(!CivilTime(year: 2023, month: 1, day: 1, hour: 24).isValid)
    }

    @Test(arguments: [
        ("250ms", Int64(250_000_000)), ("30s", 30_000_000_000), ("5m", 300_000_000_000), ("1.5s", 1_500_000_000),
        ("1h", 3_600_000_000_000), ("10us", 10_000), ("7ns", 7),
    ])
    func durationsParse(_ text: String, _ nanos: Int64) {
        #expect(EventDuration(parsing: text)?.nanoseconds == nanos)
    }

    @Test(arguments: ["", "s", "5", "-5s", "5 s", "5sec", "abc"])
    func badDurationsAreRejected(_ text: String) {
        #expect(EventDuration(parsing: text) == nil)
    }
}
