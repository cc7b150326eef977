import Testing

@testable import TraceTailCore

@Suite struct RuleNameTests {
    @Test func internsOnceAndRoundTrips() {
        let long = RuleName("a_rule_name_longer_than_fifteen_bytes")
        let again = RuleName("a_rule_name_longer_than_fifteen_bytes")
        let other = RuleName("oslo_bare")
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
        #expect(event.matchedRuleName == RuleName("nova_wsgi_request"))
        #expect(event.matchedRule == "nova_wsgi_request")
        event.matchedRule = nil
        #expect(event.matchedRuleName == nil)
    }
}
