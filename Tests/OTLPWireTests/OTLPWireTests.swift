import Testing

@testable import OTLPWire

@Test func moduleLoads() {
    #expect(String(describing: OTLPWire.self) == "OTLPWire")
}
