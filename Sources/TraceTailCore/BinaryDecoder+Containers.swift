struct BinaryKeyedDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let state: BinaryDecodingState
    let codingPath: [any CodingKey]
    /// Every entry's key and the offset of its value, in stream order.
    private let entries: [(key: BinaryEntryKey, offset: Int)]
    /// For a large container (a dictionary), value offsets by key, so decoding each of n keys is
    /// not a scan of n entries; small ones (struct fields) are scanned.
    private let index: (names: [String: Int], ints: [Int: Int])?
    private static var indexFrom: Int { 16 }

    /// Indexes the keyed container at `offset` (one pass over its entries, skipping values).
    init(state: BinaryDecodingState, offset: Int, codingPath: [any CodingKey]) throws {
        self.state = state
        self.codingPath = codingPath
        let tag = try state.byte(at: offset)
        guard tag == BinaryTag.keyed else {
            throw DecodingError.typeMismatch(
                [String: Any].self,
                .init(
                    codingPath: codingPath,
                    debugDescription:
                        "expected a keyed container, found \(BinaryTag.name(tag)) at byte offset \(offset)"
                ))
        }
        var cursor = offset + 1
        var entries: [(key: BinaryEntryKey, offset: Int)] = []
        while try state.byte(at: cursor) != BinaryTag.end {
            let key = try state.key(&cursor, registering: false)
            entries.append((key, cursor))
            cursor = try state.skip(from: cursor, registeringKeys: false)
        }
        self.entries = entries
        if entries.count >= Self.indexFrom {
            var names: [String: Int] = [:]
            var ints: [Int: Int] = [:]
            for entry in entries.reversed() {  // the first of duplicate keys wins, as in a scan
                switch entry.key {
                case .id(let id): names[state.keyNames[id]] = entry.offset
                case .name(let name): names[name] = entry.offset
                case .int(let int): ints[int] = entry.offset
                }
            }
            index = (names, ints)
        } else {
            index = nil
        }
    }

    var allKeys: [Key] {
        entries.compactMap { entry in
            switch entry.key {
            case .id(let id): Key(stringValue: state.keyNames[id])
            case .name(let name): Key(stringValue: name)
            case .int(let int): Key(intValue: int) ?? Key(stringValue: String(int))
            }
        }
    }

    /// The offset of `key`'s value, or nil when the container lacks it. Keys are matched as
    /// written: an integer key (a dictionary's `Int` key) by its value, a name by its id.
    private func offset(of key: Key) -> Int? {
        if let index {
            if let int = key.intValue, Int(key.stringValue) == int { return index.ints[int] }
            return index.names[key.stringValue]
        }
        if let int = key.intValue, Int(key.stringValue) == int {
            for entry in entries {
                if case .int(let found) = entry.key, found == int { return entry.offset }
            }
            return nil
        }
        let name = key.stringValue
        if let id = state.keyIDs[name] {
            for entry in entries {
                if case .id(let found) = entry.key, found == id { return entry.offset }
            }
        }
        for entry in entries {
            if case .name(let found) = entry.key, found == name { return entry.offset }
        }
        return nil
    }

    private func require(_ key: Key) throws -> Int {
        guard let offset = offset(of: key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "no value for key \(key.stringValue)"))
        }
        return offset
    }

    func contains(_ key: Key) -> Bool { offset(of: key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        var offset = try require(key)
        return try state.decodeNil(&offset)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        var offset = try require(key)
        return try state.decodeBool(&offset) { codingPath + [key] }
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        var offset = try require(key)
        return try state.decodeString(&offset) { codingPath + [key] }
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        var offset = try require(key)
        return try state.decodeDouble(&offset) { codingPath + [key] }
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        var offset = try require(key)
        return try state.decodeFloat(&offset) { codingPath + [key] }
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

    private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
        var offset = try require(key)
        return try state.decodeInteger(&offset) { codingPath + [key] }
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try state.decodeValue(type, at: try require(key), codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(
            try BinaryKeyedDecoder<NestedKey>(state: state, offset: try require(key), codingPath: codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try BinaryUnkeyedDecoder(state: state, offset: try require(key), codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder {
        let key = BinarySuperKey()
        guard let offset = offset(named: key.stringValue) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no super value"))
        }
        return BinaryValueDecoder(state: state, offset: offset, codingPath: codingPath + [key])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        BinaryValueDecoder(state: state, offset: try require(key), codingPath: codingPath + [key])
    }

    /// The offset of the value of the key spelled `name` (for `super`, which is not a `Key`).
    private func offset(named name: String) -> Int? {
        if let index { return index.names[name] }
        let id = state.keyIDs[name]
        for entry in entries {
            switch entry.key {
            case .id(let found) where found == id: return entry.offset
            case .name(let found) where found == name: return entry.offset
            default: continue
            }
        }
        return nil
    }
}

struct BinaryUnkeyedDecoder: UnkeyedDecodingContainer {
    let state: BinaryDecodingState
    let codingPath: [any CodingKey]
    /// Offset of the first element.
    private let start: Int
    /// Offset of the next element (or of the closing `end`).
    private var cursor: Int
    private(set) var currentIndex = 0

    init(state: BinaryDecodingState, offset: Int, codingPath: [any CodingKey]) throws {
        self.state = state
        self.codingPath = codingPath
        let tag = try state.byte(at: offset)
        // A value that encoded nothing is written as an empty keyed container; it reads as empty.
        let emptyKeyed = try tag == BinaryTag.keyed && state.byte(at: offset + 1) == BinaryTag.end
        guard tag == BinaryTag.unkeyed || emptyKeyed else {
            throw DecodingError.typeMismatch(
                [Any].self,
                .init(
                    codingPath: codingPath,
                    debugDescription:
                        "expected an unkeyed container, found \(BinaryTag.name(tag)) at byte offset \(offset)"))
        }
        start = offset + 1
        cursor = start
    }

    /// Counted by walking the elements (the format stores no count, so it can be streamed).
    var count: Int? {
        var offset = start
        var n = 0
        while (try? state.byte(at: offset)) != BinaryTag.end {
            guard let next = try? state.skip(from: offset, registeringKeys: false) else { return nil }
            offset = next
            n += 1
        }
        return n
    }

    var isAtEnd: Bool { (try? state.byte(at: cursor)) == BinaryTag.end }

    private var path: [any CodingKey] { codingPath + [BinaryIndexKey(currentIndex)] }

    /// The offset of the next element; throws at the end of the container.
    private func next(_ type: Any.Type) throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: path, debugDescription: "unkeyed container is at its end"))
        }
        return cursor
    }

    mutating func decodeNil() throws -> Bool {
        var offset = try next(Never.self)
        guard try state.decodeNil(&offset) else { return false }
        cursor = offset
        currentIndex += 1
        return true
    }

    private mutating func scalar<T>(_ read: (inout Int, () -> [any CodingKey]) throws -> T) throws -> T {
        var offset = try next(T.self)
        let codingPath = codingPath
        let index = currentIndex
        let value = try read(&offset) { codingPath + [BinaryIndexKey(index)] }
        cursor = offset
        currentIndex += 1
        return value
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try scalar(state.decodeBool) }
    mutating func decode(_ type: String.Type) throws -> String { try scalar(state.decodeString) }
    mutating func decode(_ type: Double.Type) throws -> Double { try scalar(state.decodeDouble) }
    mutating func decode(_ type: Float.Type) throws -> Float { try scalar(state.decodeFloat) }
    mutating func decode(_ type: Int.Type) throws -> Int { try scalar(state.decodeInteger) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try scalar(state.decodeInteger) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try scalar(state.decodeInteger) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try scalar(state.decodeInteger) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try scalar(state.decodeInteger) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try scalar(state.decodeInteger) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(state.decodeInteger) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(state.decodeInteger) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(state.decodeInteger) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(state.decodeInteger) }

    /// Moves past the element at `offset` once it has been read.
    private mutating func advance(past offset: Int) throws {
        cursor = try state.skip(from: offset, registeringKeys: false)
        currentIndex += 1
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let offset = try next(T.self)
        let value = try state.decodeValue(type, at: offset, codingPath: path)
        try advance(past: offset)
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let offset = try next([String: Any].self)
        let container = try BinaryKeyedDecoder<NestedKey>(state: state, offset: offset, codingPath: path)
        try advance(past: offset)
        return KeyedDecodingContainer(container)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let offset = try next([Any].self)
        let container = try BinaryUnkeyedDecoder(state: state, offset: offset, codingPath: path)
        try advance(past: offset)
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let offset = try next(Any.self)
        let decoder = BinaryValueDecoder(state: state, offset: offset, codingPath: path)
        try advance(past: offset)
        return decoder
    }
}

struct BinarySingleValueDecoder: SingleValueDecodingContainer {
    let state: BinaryDecodingState
    let offset: Int
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        var offset = offset
        return (try? state.decodeNil(&offset)) ?? false
    }

    private func scalar<T>(_ read: (inout Int, () -> [any CodingKey]) throws -> T) throws -> T {
        var offset = offset
        return try read(&offset, { codingPath })
    }

    func decode(_ type: Bool.Type) throws -> Bool { try scalar(state.decodeBool) }
    func decode(_ type: String.Type) throws -> String { try scalar(state.decodeString) }
    func decode(_ type: Double.Type) throws -> Double { try scalar(state.decodeDouble) }
    func decode(_ type: Float.Type) throws -> Float { try scalar(state.decodeFloat) }
    func decode(_ type: Int.Type) throws -> Int { try scalar(state.decodeInteger) }
    func decode(_ type: Int8.Type) throws -> Int8 { try scalar(state.decodeInteger) }
    func decode(_ type: Int16.Type) throws -> Int16 { try scalar(state.decodeInteger) }
    func decode(_ type: Int32.Type) throws -> Int32 { try scalar(state.decodeInteger) }
    func decode(_ type: Int64.Type) throws -> Int64 { try scalar(state.decodeInteger) }
    func decode(_ type: UInt.Type) throws -> UInt { try scalar(state.decodeInteger) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(state.decodeInteger) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(state.decodeInteger) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(state.decodeInteger) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(state.decodeInteger) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try state.decodeValue(type, at: offset, codingPath: codingPath)
    }
}
