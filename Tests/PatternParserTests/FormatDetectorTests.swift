import PatternParser
import Testing
import TraceTailCore

@Suite("Format detection")
struct FormatDetectorTests {
    private static let oslo =
        "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829"
    private static let seed =
        #"{"LineId":1001,"Level":"INFO","Component":"nova.compute.manager","latency_ms":250,"status":200,"trace_id":1234567890,"span_id":1234567891}"#
    private static let cta =
        #"{"timestamp":"2026-11-27T10:00:05.250Z","type":"patch_applied","run_id":"run-1","adapter":"nova-config","confidence":0.92}"#
    private static let ctaUpper =
        #"{"Type":"canary_test","run_id":"r","timestamp":"2026-11-27T10:00:05Z","passed":true}"#
    private static let otherType = #"{"type":"request","message":"x"}"#
    private static let truncated = #"{"LineId":1002,"Level":"INFO","message":"cut he"#

    @Test(arguments: [
        ([oslo, oslo], LogFormat.oslo),
        ([], .oslo),
        (["", "  ", "\t"], .oslo),
        ([seed, seed], .json),
        (["", "   ", seed], .json),
        ([cta, cta], .ctaEvents),
        (["", cta], .ctaEvents),
        ([ctaUpper], .ctaEvents),
        ([otherType, seed], .json),
        ([cta, otherType, cta], .ctaEvents),
        ([oslo, oslo, seed], .oslo),
        ([oslo, seed, seed], .json),
        ([truncated, seed], .json),
        ([oslo, oslo, oslo, oslo, oslo, cta, cta, cta, cta, cta, cta], .oslo),  // only the first 5 count
        (["", "", "", "", "", "", seed], .json),  // blank lines do not use up the sample
        (["[1,2,3]", "\"text\""], .oslo),
        (["2017-05-16 00:00:00.008 25746 ERROR nova.compute.manager", "Traceback (most recent call last):"], .oslo),
    ])
    func detects(lines: [String], format: LogFormat) {
        #expect(FormatDetector.detect(firstLines: lines.map { jsonBytes($0) }) == format)
    }

    @Test func worksOnSlicesOfALargerBuffer() {
        let buffer = Array((Self.cta + "\n" + Self.cta + "\n").utf8)
        let newline = buffer.firstIndex(of: 0x0A)!
        let lines = [buffer[..<newline], buffer[(newline + 1)..<(buffer.count - 1)]]
        #expect(FormatDetector.detect(firstLines: lines) == .ctaEvents)
    }
}
