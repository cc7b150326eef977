import Foundation
import Testing
import TraceTailCore

/// Round trips through `BinaryEncoder`/`BinaryDecoder`, and what the bytes look like.
@Suite struct BinaryCodingTests {
    struct Inner: Codable, Equatable {
        var name: String
        var values: [Int64]
        var flag: Bool?
    }

    enum Shape: Codable, Equatable {
        case circle(radius: Double)
        case rectangle(Double, Double)
        case labelled(String, inner: Inner?)
        case empty
    }

    struct Outer: Codable, Equatable {
        var id: UInt64
        var inner: Inner
        var inners: [Inner]
        var shapes: [Shape]
        var byName: [String: Int]
        var byNumber: [Int: String]
        var byShape: [Double: [String]]
        var nested: [[Int8]]
        var bytes: [UInt8]
        var optionalBytes: [UInt8]?
        var missing: String?
        var present: Int16?
        var float: Float
    }

    func roundTrip<T: Codable & Equatable>(_ value: T) throws -> [UInt8] {
        let bytes = try BinaryEncoder().encode(value)
        #expect(try BinaryDecoder().decode(T.self, from: bytes) == value)
        // The streamed form is the same bytes, whatever the chunk size.
        for chunk in [1, 7, 4096] {
            var streamed: [UInt8] = []
            try BinaryEncoder().encode(value, chunkSize: chunk) { streamed.append(contentsOf: $0) }
            #expect(streamed == bytes, "chunk size \(chunk)")
        }
        return bytes
    }

    @Test func nestedStructsEnumsOptionalsAndDictionariesRoundTrip() throws {
        let inner = Inner(name: "a", values: [1, -1, 0, .max, .min], flag: nil)
        let value = Outer(
            id: .max, inner: inner,
            inners: [inner, Inner(name: "", values: [], flag: true), Inner(name: "ü", values: [300], flag: false)],
            shapes: [
                .circle(radius: 2.5), .rectangle(1, -1), .labelled("x", inner: inner), .labelled("y", inner: nil),
                .empty,
            ],
            byName: ["one": 1, "": 0, "ключ": -7], byNumber: [-5: "minus five", 0: "zero", .max: "max"],
            byShape: [1.5: ["a"], -0.0: []], nested: [[], [1, -128, 127], []], bytes: Array(0...255),
            optionalBytes: [], missing: nil, present: -300, float: .leastNonzeroMagnitude)
        _ = try roundTrip(value)
    }

    @Test func emptyContainersRoundTrip() throws {
        struct Empty: Codable, Equatable {}
        struct Holder: Codable, Equatable {
            var empty: Empty
            var list: [Empty]
            var none: [String]
            var dictionary: [String: [Int]]
            var text: String
        }
        _ = try roundTrip(Holder(empty: Empty(), list: [Empty(), Empty()], none: [], dictionary: [:], text: ""))
        _ = try roundTrip([[String: Int]]())
        _ = try roundTrip(Empty())
    }

    @Test func integerExtremesRoundTripInEveryWidth() throws {
        struct Extremes: Codable, Equatable {
            var a = Int64.min, b = Int64.max, c = UInt64.max, d = Int.min, e = UInt.max
            var f = Int8.min, g = Int16.min, h = Int32.min, i = UInt8.max, j = UInt16.max, k = UInt32.max
            var small: [Int] = [0, 1, 127, 128, -1, -127, -128, -129, 16383, 16384]
        }
        _ = try roundTrip(Extremes())
        _ = try roundTrip([UInt64.max, 0, 1 << 63])
        _ = try roundTrip(Int64.min)
    }

    @Test func integersTakeTheFewestBytes() throws {
        // One tag byte for 0…127; tag + varint above; the sign in the tag, not a zigzag bit.
        #expect(try BinaryEncoder().encode(5) == [0x85])
        #expect(try BinaryEncoder().encode(127) == [0xFF])
        #expect(try BinaryEncoder().encode(128) == [0x03, 0x80, 0x01])
        #expect(try BinaryEncoder().encode(-1) == [0x04, 0x00])
        #expect(try BinaryEncoder().encode(-129) == [0x04, 0x80, 0x01])
        #expect(try BinaryEncoder().encode(UInt64.max) == [0x03] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
        #expect(try BinaryEncoder().encode(Int64.min) == [0x04] + [UInt8](repeating: 0xFF, count: 8) + [0x7F])
    }

    @Test func doublesKeepEveryBitPattern() throws {
        let values: [Double] = [
            0, -0.0, 1.5, .pi, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .nan,
            Double(bitPattern: 0x7FF0_0000_0000_0001),
        ]
        let bytes = try BinaryEncoder().encode(values)
        let back = try BinaryDecoder().decode([Double].self, from: bytes)
        #expect(back.map(\.bitPattern) == values.map(\.bitPattern))
        let floats: [Float] = [.nan, .infinity, -1.25]
        let backFloats = try BinaryDecoder().decode([Float].self, from: try BinaryEncoder().encode(floats))
        #expect(backFloats.map(\.bitPattern) == floats.map(\.bitPattern))
        // Tag + 8 bytes, little-endian.
        #expect(try BinaryEncoder().encode(1.0) == [0x05, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
    }

    @Test func unicodeStringsRoundTrip() throws {
        let strings = ["", "ascii", "é", "日本語", "emoji 👩‍👩‍👧‍👦", "nul\u{0}inside", String(repeating: "ß", count: 10_000)]
        _ = try roundTrip(strings)
        #expect(try BinaryEncoder().encode("é") == [0x07, 0x02, 0xC3, 0xA9])
    }

    @Test func byteArraysAreOneRunNotOneValuePerByte() throws {
        let payload = [UInt8](repeating: 0xAB, count: 1000)
        let bytes = try roundTrip(payload)
        #expect(bytes.count == 1 + 2 + 1000)
        // Longer than the chunk: handed to the sink directly, still the same stream.
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        _ = try roundTrip(["big": big])
    }

    @Test func keyNamesAreWrittenOncePerStream() throws {
        struct Point: Codable, Equatable { var longFieldName: Int }
        let points = (0..<100).map { Point(longFieldName: $0) }
        let bytes = try roundTrip(points)
        let name = Array("longFieldName".utf8)
        let occurrences = (0...(bytes.count - name.count)).filter { Array(bytes[$0..<($0 + name.count)]) == name }
        #expect(occurrences.count == 1)
        // unkeyed start, 100 × (keyed start, key id, small int, end), end.
        #expect(bytes.count == 1 + 100 * 4 + (1 + name.count) + 1)
    }

    /// Every key id from 0 to 300 is used again after its definition, so ids whose reference
    /// byte could be mistaken for a container's end (or any other tag) are exercised.
    @Test func manyInternedKeysAreReusedCorrectly() throws {
        struct Many: Codable, Equatable {
            var a0 = 0, a1 = 1, a2 = 2, a3 = 3, a4 = 4, a5 = 5, a6 = 6, a7 = 7, a8 = 8, a9 = 9, a10 = 10, a11 = 11
            var a12 = 12, a13 = 13, a14 = 14, a15 = 15, a16 = 16, a17 = 17, a18 = 18, a19 = 19, a20 = 20
            var tail: [Many] = []
        }
        _ = try roundTrip([Many(tail: [Many(), Many()]), Many(), Many()])
        // Interned names past one byte of reference: keys of a type's own, not a dictionary's.
        struct Wide: Codable, Equatable {
            var fields: [String: Int]
            struct Key: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init?(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }
            init(fields: [String: Int]) { self.fields = fields }
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: Key.self)
                fields = [:]
                for key in c.allKeys { fields[key.stringValue] = try c.decode(Int.self, forKey: key) }
            }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: Key.self)
                for (name, value) in fields { try c.encode(value, forKey: Key(stringValue: name)!) }
            }
        }
        let wide = Wide(fields: Dictionary(uniqueKeysWithValues: (0..<300).map { ("f\($0)", $0) }))
        _ = try roundTrip([wide, wide, wide])
    }

    @Test func manyDistinctDictionaryKeysStillRoundTrip() throws {
        let dictionary = Dictionary(uniqueKeysWithValues: (0..<6000).map { ("key-\($0)", $0) })
        struct Field: Codable, Equatable {
            var after: [String: Int]
            var tail: Int
        }
        _ = try roundTrip(Field(after: dictionary, tail: 9))
    }

    @Test func optionalsAndExplicitNils() throws {
        struct Explicit: Codable, Equatable {
            var value: Int?
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(value, forKey: .value)  // nil written as nil, not left out
            }
        }
        _ = try roundTrip(Explicit(value: nil))
        _ = try roundTrip(Explicit(value: 3))
        _ = try roundTrip([Int?.none, 1, nil])
        _ = try roundTrip([String?]([nil]))
        _ = try roundTrip(Int??.some(.some(3)))
    }

    @Test func aFieldAddedSinceTheBytesWereWrittenDecodesAsAbsent() throws {
        struct Old: Codable {
            var a: Int
            var b: String
        }
        struct New: Codable, Equatable {
            var b: String
            var added: [Int]?
            var a: Int
        }
        let bytes = try BinaryEncoder().encode([Old(a: 1, b: "x"), Old(a: 2, b: "y")])
        #expect(try BinaryDecoder().decode([New].self, from: bytes) == [New(b: "x", a: 1), New(b: "y", a: 2)])
        struct Fewer: Codable, Equatable { var b: String }
        #expect(try BinaryDecoder().decode([Fewer].self, from: bytes) == [Fewer(b: "x"), Fewer(b: "y")])
    }

    @Test func aRequiredFieldMissingIsKeyNotFound() throws {
        struct Old: Codable { var a: Int }
        struct New: Codable {
            var a: Int
            var required: Int
        }
        let bytes = try BinaryEncoder().encode(Old(a: 1))
        #expect {
            try BinaryDecoder().decode(New.self, from: bytes)
        } throws: { error in
            guard case DecodingError.keyNotFound(let key, _) = error else { return false }
            return key.stringValue == "required"
        }
    }

    @Test func aTypeMismatchNamesTheOffsetAndThePath() throws {
        struct Wrapper: Codable { var items: [Int] }
        struct Wrong: Codable { var items: [String] }
        let bytes = try BinaryEncoder().encode(Wrapper(items: [1, 2]))
        #expect {
            try BinaryDecoder().decode(Wrong.self, from: bytes)
        } throws: { error in
            guard case DecodingError.typeMismatch(_, let context) = error else { return false }
            return context.debugDescription.contains("byte offset") && context.codingPath.count == 2
        }
        #expect(throws: DecodingError.self) {
            try BinaryDecoder().decode(UInt8.self, from: try BinaryEncoder().encode(256))
        }
        #expect(throws: DecodingError.self) {
            try BinaryDecoder().decode(UInt.self, from: try BinaryEncoder().encode(-1))
        }
    }

    @Test func integersWidenAndNarrowWhenTheyFit() throws {
        #expect(try BinaryDecoder().decode(Int8.self, from: try BinaryEncoder().encode(Int64(-100))) == -100)
        #expect(try BinaryDecoder().decode(UInt64.self, from: try BinaryEncoder().encode(Int32(70000))) == 70000)
        #expect(try BinaryDecoder().decode(Double.self, from: try BinaryEncoder().encode(-3)) == -3)
    }
}
