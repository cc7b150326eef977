import Foundation
import Testing
import TraceTailCore

/// Truncated and corrupt input, container edge cases (`superEncoder`, nested containers written
/// by hand) and misuse of containers.
@Suite struct BinaryCodingRobustnessTests {
    struct Record: Codable, Equatable {
        var name: String
        var numbers: [Int]
        var nested: [String: [Double]]
        var bytes: [UInt8]
    }

    static let record = Record(
        name: "span-Ω", numbers: [1, 300, -70_000, .max], nested: ["a": [1.5, .infinity], "b": []],
        bytes: [1, 2, 3])

    /// The offset a `dataCorrupted` error names, or nil for any other error.
    func corruptOffset(_ error: any Error) -> Int? {
        guard case DecodingError.dataCorrupted(let context) = error,
            let range = context.debugDescription.range(of: "at byte offset ")
        else { return nil }
        return Int(context.debugDescription[range.upperBound...].prefix { $0.isNumber })
    }

    @Test func everyTruncationThrowsNamingAnOffsetInsideTheInput() throws {
        let bytes = try BinaryEncoder().encode([Self.record, Self.record])
        for length in 0..<bytes.count {
            do {
                _ = try BinaryDecoder().decode([Record].self, from: Array(bytes[..<length]))
                Issue.record("a truncation to \(length) of \(bytes.count) bytes decoded")
            } catch {
                let offset = corruptOffset(error)
                #expect(offset != nil, "\(error)")
                #expect((offset ?? -1) <= length)
            }
        }
    }

    @Test func trailingBytesAreRefusedWithTheirOffset() throws {
        let bytes = try BinaryEncoder().encode(Self.record)
        #expect {
            try BinaryDecoder().decode(Record.self, from: bytes + [0x80])
        } throws: { corruptOffset($0) == bytes.count }
    }

    @Test func flippedBytesNeverCrash() throws {
        // Every byte replaced by every value that is a tag or a varint edge: either a value comes
        // back or an error does; the process never traps.
        let bytes = try BinaryEncoder().encode(Self.record)
        var decoded = 0
        var refused = 0
        for index in bytes.indices {
            for replacement: UInt8 in [0x00, 0x03, 0x04, 0x05, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x7F, 0x80, 0xFF] {
                var corrupt = bytes
                corrupt[index] = replacement
                if (try? BinaryDecoder().decode(Record.self, from: corrupt)) != nil {
                    decoded += 1
                } else {
                    refused += 1
                }
            }
        }
        #expect(refused > 0)
        #expect(decoded + refused == bytes.count * 13)
    }

    @Test func specificCorruptionsAreNamed() throws {
        func message(_ bytes: [UInt8]) -> String {
            do {
                _ = try BinaryDecoder().decode([Int].self, from: bytes)
                return "decoded"
            } catch DecodingError.dataCorrupted(let context) {
                return context.debugDescription
            } catch {
                return "\(error)"
            }
        }
        #expect(message([0x0A, 0x0C, 0x0B]) == "at byte offset 1: unknown tag 0xc")
        #expect(message([0x0A, 0x03]) == "at byte offset 2: input ends inside a value")
        #expect(
            message([0x0A, 0x03] + [UInt8](repeating: 0xFF, count: 10) + [0x0B]).hasPrefix(
                "at byte offset 2: integer larger"))
        #expect(
            message([0x0A, 0x07, 0x05, 0x61]) == "at byte offset 2: a length of 5 bytes runs past the end of the input")
        #expect(message([0x0B]) == "at byte offset 0: end of a container where a value belongs")
        #expect(message([]) == "at byte offset 0: input ends inside a value")
        // A key id that was never defined.
        #expect(
            (try? BinaryDecoder().decode([String: Int].self, from: [0x09, 0x09, 0x80, 0x0B])) == nil)
        let deep = [UInt8](repeating: 0x0A, count: 10_000) + [UInt8](repeating: 0x0B, count: 10_000)
        #expect(message(deep).hasPrefix("at byte offset 256: containers nested deeper"))
        // Invalid UTF-8 in a string.
        #expect {
            try BinaryDecoder().decode(String.self, from: [0x07, 0x01, 0xFF])
        } throws: { corruptOffset($0) == 0 }
    }

    class Animal: Codable {
        var legs: Int
        init(legs: Int) { self.legs = legs }
    }

    final class Dog: Animal {
        var name: String
        init(name: String, legs: Int) {
            self.name = name
            super.init(legs: legs)
        }
        enum CodingKeys: String, CodingKey { case name }
        required init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            try super.init(from: c.superDecoder())
        }
        override func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try super.encode(to: c.superEncoder())
        }
    }

    @Test func superEncoderAndSuperDecoderRoundTrip() throws {
        let bytes = try BinaryEncoder().encode([Dog(name: "rex", legs: 4), Dog(name: "tripod", legs: 3)])
        let back = try BinaryDecoder().decode([Dog].self, from: bytes)
        #expect(back.map(\.name) == ["rex", "tripod"])
        #expect(back.map(\.legs) == [4, 3])
    }

    /// Written by hand with nested containers, an unused superEncoder and keys by int value.
    struct HandWritten: Codable, Equatable {
        var a: [Int]
        var b: [String: Bool]
        var c: Int

        enum Keys: String, CodingKey { case a, b, c, unused }

        init(a: [Int], b: [String: Bool], c: Int) {
            self.a = a
            self.b = b
            self.c = c
        }

        func encode(to encoder: any Encoder) throws {
            var top = encoder.container(keyedBy: Keys.self)
            var list = top.nestedUnkeyedContainer(forKey: .a)
            for value in a { try list.encode(value) }
            var map = top.nestedContainer(keyedBy: AnyKey.self, forKey: .b)
            for (key, value) in b.sorted(by: { $0.key < $1.key }) { try map.encode(value, forKey: AnyKey(key)) }
            _ = top.superEncoder(forKey: .unused)  // never written: an empty slot, not a torn stream
            try top.encode(c, forKey: .c)
        }

        init(from decoder: any Decoder) throws {
            let top = try decoder.container(keyedBy: Keys.self)
            // Decoded out of order on purpose.
            c = try top.decode(Int.self, forKey: .c)
            let map = try top.nestedContainer(keyedBy: AnyKey.self, forKey: .b)
            b = [:]
            for key in map.allKeys { b[key.stringValue] = try map.decode(Bool.self, forKey: key) }
            var list = try top.nestedUnkeyedContainer(forKey: .a)
            a = []
            while !list.isAtEnd { a.append(try list.decode(Int.self)) }
            #expect(top.contains(.unused))
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    @Test func nestedContainersAndOutOfOrderDecoding() throws {
        let value = HandWritten(a: [3, 1, 2], b: ["x": true, "y": false], c: -9)
        let bytes = try BinaryEncoder().encode([value, HandWritten(a: [], b: [:], c: 0)])
        #expect(
            try BinaryDecoder().decode([HandWritten].self, from: bytes) == [value, HandWritten(a: [], b: [:], c: 0)])
    }

    @Test func unkeyedCountIsTheNumberOfElements() throws {
        struct Counted: Decodable {
            var count: Int?
            init(from decoder: any Decoder) throws { count = try decoder.unkeyedContainer().count }
        }
        let bytes = try BinaryEncoder().encode([[1], [], [2, 3]])
        #expect(try BinaryDecoder().decode(Counted.self, from: bytes).count == 3)
    }

    @Test func writingToAClosedContainerIsAnErrorNotATornStream() throws {
        struct Misuse: Encodable {
            func encode(to encoder: any Encoder) throws {
                var top = encoder.unkeyedContainer()
                var first = top.nestedUnkeyedContainer()
                try first.encode(1)
                try top.encode(2)  // closes `first`
                try first.encode(3)  // too late
            }
        }
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode(Misuse()) }
    }

    @Test func aSinkErrorStopsTheEncoding() throws {
        struct Full: Error {}
        let big = [String](repeating: String(repeating: "x", count: 100), count: 1000)
        var calls = 0
        #expect(throws: Full.self) {
            try BinaryEncoder().encode(big, chunkSize: 1024) { _ in
                calls += 1
                throw Full()
            }
        }
        #expect(calls == 1)
    }

    @Test func streamingHoldsAboutOneChunk() throws {
        // Every chunk but the last is handed over once it reaches the chunk size, a little over at
        // most (a value is not split): memory does not grow with the document.
        let strings = (0..<50_000).map { "value number \($0)" }
        var sizes: [Int] = []
        try BinaryEncoder().encode(strings, chunkSize: 4096) { sizes.append($0.count) }
        #expect(sizes.count > 100)
        #expect(sizes.dropLast().allSatisfy { $0 >= 4096 && $0 < 4096 + 64 })
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        var crc = CRC32()
        crc.update(Array("123456789".utf8))
        #expect(crc.value == 0xCBF4_3926)
        // Fed in pieces of every split, the same.
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var whole = CRC32()
        whole.update(data)
        for split in [0, 1, 5, 8, 9, 500, 999] {
            var parts = CRC32()
            parts.update(Array(data[..<split]))
            parts.update(Array(data[split...]))
            #expect(parts.value == whole.value)
        }
        #expect(CRC32().value == 0)
    }
}
