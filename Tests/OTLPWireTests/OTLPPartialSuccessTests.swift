import Testing

@testable import OTLPWire

/// `partialSuccess` of `Export*ServiceResponse` bodies (ANCHORS §3.4).
@Suite struct OTLPPartialSuccessTests {
    @Test(arguments: [
        "", "{}", "  \n", "{\"partialSuccess\":{}}", "{\"partialSuccess\":null}", "<html>502 Bad Gateway</html>",
        "not json", "[1,2]", "{\"partialSuccess\":{\"rejectedSpans\":\"0\",\"errorMessage\":\"\"}}",
    ])
    func nothingRejected(body: String) {
        let result = OTLPPartialSuccess(responseBody: body)
        #expect(result == OTLPPartialSuccess(rejected: 0, errorMessage: ""))
        #expect(result.isEmpty)
    }

    @Test func countsAsNumbers() {
        let result = OTLPPartialSuccess(
            responseBody: #"{"partialSuccess":{"rejectedSpans":3,"errorMessage":"span name too long"}}"#)
        #expect(result.rejected == 3)
        #expect(result.errorMessage == "span name too long")
        #expect(!result.isEmpty)
        #expect(result.description == "rejected 3: span name too long")
    }

    @Test func countsAsDecimalStringsForEverySignal() {
        #expect(
            OTLPPartialSuccess(responseBody: #"{"partialSuccess":{"rejectedDataPoints":"12"}}"#)
                == OTLPPartialSuccess(rejected: 12))
        #expect(
            OTLPPartialSuccess(responseBody: #"{"partialSuccess":{"rejectedLogRecords":"9007199254740993"}}"#)
                == OTLPPartialSuccess(rejected: 9_007_199_254_740_993))
        #expect(
            OTLPPartialSuccess(responseBody: #"{ "partialSuccess" : { "errorMessage" : "x", "rejectedSpans" : 1e1 } }"#)
                == OTLPPartialSuccess(rejected: 10, errorMessage: "x"))
    }

    @Test func protoFieldNamesAndUnknownFieldsAroundThem() {
        let body = """
            {"unknown":{"a":[1,{"b":"}"}]},"partial_success":{"rejected_spans":"2","error_message":"bad","extra":true}}
            """
        #expect(OTLPPartialSuccess(responseBody: body) == OTLPPartialSuccess(rejected: 2, errorMessage: "bad"))
    }

    @Test func escapesInTheMessageAreDecoded() {
        let body = #"{"partialSuccess":{"rejectedSpans":1,"errorMessage":"caf\u00e9 \"q\" \ud83d\ude00\n\\ \/"}}"#
        #expect(OTLPPartialSuccess(responseBody: body).errorMessage == "café \"q\" 😀\n\\ /")
    }

    @Test func aBodyCutShortStillGivesWhatItHolds() {
        let full = #"{"partialSuccess":{"rejectedDataPoints":"7","errorMessage":"points out of order for series cta"#
        let result = OTLPPartialSuccess(responseBody: Array(full.utf8))
        #expect(result.rejected == 7)
        #expect(result.errorMessage == "points out of order for series cta")
        // Cut inside the count's string: the digits read so far.
        #expect(OTLPPartialSuccess(responseBody: #"{"partialSuccess":{"rejectedSpans":"4"#).rejected == 4)
    }

    @Test func negativeOrNonIntegralCountsAreIgnored() {
        #expect(OTLPPartialSuccess(responseBody: #"{"partialSuccess":{"rejectedSpans":-3}}"#).rejected == 0)
        #expect(OTLPPartialSuccess(responseBody: #"{"partialSuccess":{"rejectedSpans":"2.5"}}"#).rejected == 0)
        #expect(OTLPPartialSuccess(responseBody: #"{"partialSuccess":{"rejectedSpans":"lots"}}"#).rejected == 0)
    }

    @Test func deepNestingEndsTheReadingInsteadOfTheStack() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(OTLPPartialSuccess(responseBody: "{\"x\":" + deep).isEmpty)
    }
}
