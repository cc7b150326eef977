import Testing

@testable import TraceTailCore

@Suite struct IdentifierTests {
    @Test func fnv1aMatchesReferenceVectors() {
        // Values from an independent Python implementation of 64-bit FNV-1a.
        #expect(FNV1a.hash64("") == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash64("nova-compute/req-0f6a1c2e-8b3d-4c5e-9f1a-2b3c4d5e6f70") == 0x6d46_24f8_c062_e151)
    }

    @Test func requestIDParsesAndPrintsCanonically() throws {
        let id = try #require(RequestID("req-0F6A1C2E-8b3d-4c5e-9f1a-2b3c4d5e6f70"))
        #expect(id.uuid.high == 0x0f6a_1c2e_8b3d_4c5e)
        #expect(id.uuid.low == 0x9f1a_2b3c_4d5e_6f70)
        #expect(id.description == "req-0f6a1c2e-8b3d-4c5e-9f1a-2b3c4d5e6f70")
    }

    @Test(arguments: [
        "req-0f6a1c2e-8b3d-4c5e-9f1a-2b3c4d5e6f7", "req-0f6a1c2e-8b3d-4c5e-9f1a-2b3c4d5e6f7g",
        "req_0f6a1c2e-8b3d-4c5e-9f1a-2b3c4d5e6f70", "req-0f6a1c2e+8b3d-4c5e-9f1a-2b3c4d5e6f70", "None", "",
    ])
    func requestIDRejectsMalformed(_ text: String) {
        #expect(RequestID(text) == nil)
    }

    @Test func traceIDFromDecimalIsZeroExtended() throws {
        let id = try #require(TraceID(decimal: Array("1234567890".utf8)))
        #expect(id.description == "000000000000000000000000499602d2")
        #expect(TraceID(decimal: Array("0".utf8)) == nil)
        #expect(TraceID(decimal: Array("18446744073709551616".utf8)) == nil)  // 2^64 overflows
        #expect(TraceID(decimal: Array("18446744073709551615".utf8))?.low == .max)
    }

    @Test func traceIDFromHexAcceptsShortAndFullForms() throws {
        let full = try #require(TraceID(hex: Array("4BF92F3577B34DA6A3CE929D0E0E4736".utf8)))
        #expect(full.high == 0x4bf9_2f35_77b3_4da6)
        #expect(full.low == 0xa3ce_929d_0e0e_4736)
        #expect(TraceID(hex: Array("ff".utf8))?.description == "000000000000000000000000000000ff")
        #expect(TraceID(hex: Array(String(repeating: "0", count: 32).utf8)) == nil)
        #expect(TraceID(hex: Array(String(repeating: "1", count: 33).utf8)) == nil)
    }

    @Test func spanIDRendersSixteenDigits() throws {
        #expect(SpanID(0x1f).description == "000000000000001f")
        #expect(try #require(SpanID(decimal: Array("1234567891".utf8))).rawValue == 1_234_567_891)
        #expect(SpanID(hex: Array("zz".utf8)) == nil)
    }
}
