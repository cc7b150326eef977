import Testing

@testable import TraceTailCore

@Suite struct PatternNameTests {
    @Test func internsOnceAndRoundTrips() {
        let long = PatternName("a_rule_name_longer_than_fifteen_bytes")
        let again = PatternName("a_rule_name_longer_than_fifteen_bytes")
        let other = PatternName("oslo_bare")
        #expect(long == again)
        #expect(long.id == again.id)
        #expect(long != other)
        #expect(long.name == "a_rule_name_longer_than_fifteen_bytes")
        #expect(other.description == "oslo_bare")
    }

    @Test func eventExposesTheNameAsAString() {
        var event = LogEvent(source: SourceID(0), lineID: 1, storage: [])
        #expect(event.matchedRule == nil)
        event.matchedRule = "nova_wsgi_request"
        #expect(event.matchedRuleName == PatternName("nova_wsgi_request"))
        #expect(event.matchedRule == "nova_wsgi_request")
        event.matchedRule = nil
        #expect(event.matchedRuleName == nil)
    }
}

@Suite struct ExtraCapturesTests {
    @Test func keepsOrderAcrossInlineAndOverflowSlots() {
        var extras = ExtraCaptures()
        #expect(extras.isEmpty)
        let names = ["microversion", "event_id", "host", "zone"].map(PatternName.init)
        for (i, name) in names.enumerated() {
            extras.append(ExtraCapture(name: name, range: ByteRange(start: i * 10, end: i * 10 + 3)))
            #expect(extras.count == i + 1)
        }
        #expect(extras.map(\.name) == names)
        #expect(extras.map(\.range.start) == [0, 10, 20, 30])
        #expect(extras.range(named: PatternName("host")) == ByteRange(start: 20, end: 23))
        #expect(extras.range(named: PatternName("absent")) == nil)
    }

    @Test func eventExtraReadsAndWritesThroughNames() {
        var event = LogEvent(source: SourceID(0), lineID: 1, storage: ArraySlice(Array("2.79 abc".utf8)))
        event.extra = [(name: "microversion", range: ByteRange(start: 0, end: 4))]
        #expect(event.extra.count == 1)
        #expect(event.extra.first?.name == "microversion")
        #expect(event.text(event.extraCaptures.range(named: PatternName("microversion"))) == "2.79")
    }
}
