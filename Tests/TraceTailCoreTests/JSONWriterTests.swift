import Testing

@testable import TraceTailCore

@Suite struct JSONWriterTests {
    @Test func spanRendersTheDesignSchemaWithSortedAttributes() {
        let span = Span(
            traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), parentID: nil, service: "nova-api",
            name: "openstack.request", resource: "POST /v2.1/servers", start: EventTime(nanoseconds: 10),
            durationNanoseconds: 5, error: false,
            attributes: ["request_id": .string("req-x"), "http.status_code": .int(202), "ratio": .double(0.5)])
        #expect(
            OutputRecord.span(span).jsonLine
                == #"{"kind":"span","trace_id":"00000000000000010000000000000002","span_id":"0000000000000003","parent_id":null,"service":"nova-api","name":"openstack.request","resource":"POST /v2.1/servers","start_ns":10,"duration_ns":5,"error":false,"attributes":{"http.status_code":202,"ratio":0.5,"request_id":"req-x"}}"#
        )
    }

    @Test func metricAndEventRender() {
        let metric = MetricPoint(
            name: "cta.error_rate", type: .gauge, value: 0.25, timestamp: EventTime(nanoseconds: 7),
            tags: ["service": "nova-api", "phase": "before_fix", "run_id": "run-1"])
        #expect(
            OutputRecord.metric(metric).jsonLine
                == #"{"kind":"metric","name":"cta.error_rate","type":"gauge","value":0.25,"timestamp_ns":7,"tags":{"phase":"before_fix","run_id":"run-1","service":"nova-api"}}"#
        )
        let event = TelemetryEvent(
            name: "phase_changed", timestamp: EventTime(nanoseconds: 1), tags: [:], text: "a\"b\n")
        #expect(
            OutputRecord.event(event).jsonLine
                == #"{"kind":"event","name":"phase_changed","timestamp_ns":1,"tags":{},"text":"a\"b\n"}"#)
    }

    @Test func controlCharactersAreEscaped() {
        #expect(JSONWriter.quoted("\u{01}\t\\") == #""\u0001\t\\""#)
        #expect(JSONWriter.number(.nan) == "null")
        #expect(JSONWriter.number(3) == "3")
    }

    @Test func escapesInsideRunsOfMultiByteTextAndEveryControlByte() {
        #expect(JSONWriter.quoted("nova→api \"ok\"\u{1F}é") == #""nova→api \"ok\"\u001fé""#)
        #expect(JSONWriter.quoted("") == #""""#)
        #expect(JSONWriter.quoted("\r\n") == #""\r\n""#)
        for byte in 0..<0x20 where ![0x09, 0x0A, 0x0D].contains(byte) {
            let text = String(UnicodeScalar(UInt8(byte)))
            #expect(JSONWriter.quoted(text) == "\"\\u00\(byte < 16 ? "0" : "")\(String(byte, radix: 16))\"")
        }
    }

    @Test func integersHexIdsAndReuse() {
        var w = JSONWriter()
        w.beginArray()
        for v in [0, 9, 10, -1, Int64.max, Int64.min] { w.int(v) }
        w.int(UInt64.max)
        w.hex(0xab, digits: 16)
        w.hex(high: 1, low: 0xff)
        w.double(-2.0)
        w.double(1e300)
        w.endArray()
        #expect(
            w.output
                == #"[0,9,10,-1,9223372036854775807,-9223372036854775808,18446744073709551615,"00000000000000ab","000000000000000100000000000000ff",-2,1e+300]"#
        )
        w.reset()
        w.beginObject()
        w.key("a")
        w.beginObject()
        w.endObject()
        w.key("b")
        w.null()
        w.endObject()
        #expect(w.output == #"{"a":{},"b":null}"#)
    }

    @Test(arguments: [(0.876, "0.88"), (1.0, "1"), (0.5, "0.5"), (0.1 + 0.2, "0.3"), (-0.004, "0"), (-1.25, "-1.25")])
    func numericTagsRoundToTwoDecimals(_ value: Double, _ text: String) {
        #expect(TagValue.rounded(value) == text)
    }
}
