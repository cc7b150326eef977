import Testing

@testable import DatadogWire

/// Every expectation is the encoding the msgpack spec prescribes, written out by hand.
@Suite struct MessagePackWriterTests {
    private func bytes(_ write: (inout MessagePackWriter) -> Void) -> [UInt8] {
        var w = MessagePackWriter()
        write(&w)
        return w.bytes
    }

    @Test func nilAndBooleans() {
        #expect(bytes { $0.writeNil() } == [0xc0])
        #expect(bytes { $0.writeBool(false) } == [0xc2])
        #expect(bytes { $0.writeBool(true) } == [0xc3])
    }

    static let unsignedCases: [(UInt64, [UInt8])] = [
        (0, [0x00]),
        (0x7f, [0x7f]),
        (0x80, [0xcc, 0x80]),
        (0xff, [0xcc, 0xff]),
        (0x100, [0xcd, 0x01, 0x00]),
        (0xffff, [0xcd, 0xff, 0xff]),
        (0x1_0000, [0xce, 0x00, 0x01, 0x00, 0x00]),
        (0xffff_ffff, [0xce, 0xff, 0xff, 0xff, 0xff]),
        (0x1_0000_0000, [0xcf, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]),
        (UInt64.max, [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    ]

    @Test(arguments: unsignedCases)
    func unsignedUsesTheSmallestForm(value: UInt64, expected: [UInt8]) {
        #expect(bytes { $0.writeUInt(value) } == expected)
    }

    static let signedCases: [(Int64, [UInt8])] = [
        (0, [0x00]),
        (5, [0x05]),
        (0x7f, [0x7f]),
        (0x80, [0xcc, 0x80]),
        (200, [0xcc, 0xc8]),
        (0x1_0000, [0xce, 0x00, 0x01, 0x00, 0x00]),
        (Int64.max, [0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        (-1, [0xff]),
        (-32, [0xe0]),
        (-33, [0xd0, 0xdf]),
        (-128, [0xd0, 0x80]),
        (-129, [0xd1, 0xff, 0x7f]),
        (-32_768, [0xd1, 0x80, 0x00]),
        (-32_769, [0xd2, 0xff, 0xff, 0x7f, 0xff]),
        (-2_147_483_648, [0xd2, 0x80, 0x00, 0x00, 0x00]),
        (-2_147_483_649, [0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff]),
        (Int64.min, [0xd3, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
    ]

    @Test(arguments: signedCases)
    func signedUsesTheSmallestForm(value: Int64, expected: [UInt8]) {
        #expect(bytes { $0.writeInt(value) } == expected)
    }

    @Test func float64IsBigEndianIEEE754() {
        #expect(bytes { $0.writeDouble(1) } == [0xcb, 0x3f, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])
        #expect(bytes { $0.writeDouble(0.125) } == [0xcb, 0x3f, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])
        #expect(bytes { $0.writeDouble(-2.5) } == [0xcb, 0xc0, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])
    }

    static let stringCases: [(Int, [UInt8])] = [
        (0, [0xa0]),
        (1, [0xa1]),
        (31, [0xbf]),
        (32, [0xd9, 0x20]),
        (255, [0xd9, 0xff]),
        (256, [0xda, 0x01, 0x00]),
        (65_535, [0xda, 0xff, 0xff]),
        (65_536, [0xdb, 0x00, 0x01, 0x00, 0x00]),
    ]

    @Test(arguments: stringCases)
    func stringHeaderAtEachBoundary(length: Int, header: [UInt8]) {
        let text = String(repeating: "x", count: length)
        #expect(bytes { $0.writeString(text) } == header + Array(repeating: 0x78, count: length))
    }

    @Test func stringLengthCountsUTF8BytesNotCharacters() {
        // "é" is C3 A9: one character, two bytes.
        #expect(bytes { $0.writeString("é") } == [0xa2, 0xc3, 0xa9])
        // Eleven "€" (E2 82 AC) are 11 characters but 33 bytes: str8, not fixstr.
        let euros = String(repeating: "€", count: 11)
        #expect(
            bytes { $0.writeString(euros) } == [0xd9, 0x21]
                + Array(repeating: [0xe2, 0x82, 0xac], count: 11).flatMap { $0 })
        // 16 "é" are 32 bytes: just past fixstr.
        #expect(bytes { $0.writeString(String(repeating: "é", count: 16)) }.prefix(2) == [0xd9, 0x20])
        // A flag emoji is one Character of two scalars, eight bytes.
        #expect(bytes { $0.writeString("🇫🇷") } == [0xa8, 0xf0, 0x9f, 0x87, 0xab, 0xf0, 0x9f, 0x87, 0xb7])
    }

    static let containerCases: [(Int, [UInt8], [UInt8])] = [
        (0, [0x90], [0x80]),
        (15, [0x9f], [0x8f]),
        (16, [0xdc, 0x00, 0x10], [0xde, 0x00, 0x10]),
        (65_535, [0xdc, 0xff, 0xff], [0xde, 0xff, 0xff]),
        (65_536, [0xdd, 0x00, 0x01, 0x00, 0x00], [0xdf, 0x00, 0x01, 0x00, 0x00]),
    ]

    @Test(arguments: containerCases)
    func containerHeadersAtEachBoundary(count: Int, array: [UInt8], map: [UInt8]) {
        #expect(bytes { $0.writeArrayHeader(count) } == array)
        #expect(bytes { $0.writeMapHeader(count) } == map)
        #expect(MessagePackWriter.containerHeaderSize(count) == array.count)
    }

    @Test func valuesAppendInOrder() {
        let out = bytes {
            $0.writeMapHeader(1)
            $0.writeString("a")
            $0.writeArrayHeader(2)
            $0.writeInt(-1)
            $0.writeRaw([0xc0])
        }
        #expect(out == [0x81, 0xa1, 0x61, 0x92, 0xff, 0xc0])
    }
}
