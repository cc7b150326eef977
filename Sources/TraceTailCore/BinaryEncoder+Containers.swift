/// The key `superEncoder()` and `superDecoder()` use, as JSONEncoder does.
struct BinarySuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { guard stringValue == "super" else { return nil } }
    init?(intValue: Int) { nil }
}

/// An index in an unkeyed container's coding path.
struct BinaryIndexKey: CodingKey {
    let index: Int
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { index = intValue }
}

/// Scalar writes shared by the three container kinds.
extension BinaryOutput {
    func bool(_ value: Bool) { byte(value ? BinaryTag.trueValue : BinaryTag.falseValue) }

    func double(_ value: Double) {
        byte(BinaryTag.double)
        littleEndian(value.bitPattern)
    }

    func float(_ value: Float) {
        byte(BinaryTag.float)
        littleEndian(value.bitPattern)
    }

    func taggedString(_ value: String) throws {
        byte(BinaryTag.string)
        try string(value)
    }
}

struct BinaryKeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: BinaryEncodingState
    /// Depth of this container (its values' slots are at this depth).
    let depth: Int
    let frame: Int
    let codingPath: [any CodingKey]

    private func begin(_ key: Key) throws {
        try state.prepare(depth: depth, frame: frame) { codingPath + [key] }
        state.writeKey(key)
    }

    mutating func encodeNil(forKey key: Key) throws {
        try begin(key)
        state.output.byte(BinaryTag.null)
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        try begin(key)
        state.output.bool(value)
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        try begin(key)
        try state.output.taggedString(value)
        try state.output.flushIfFull()
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        try begin(key)
        state.output.double(value)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        try begin(key)
        state.output.float(value)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { try signed(Int64(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try signed(Int64(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try signed(Int64(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try signed(Int64(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try signed(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try unsigned(value, key) }

    private func signed(_ value: Int64, _ key: Key) throws {
        try begin(key)
        state.output.signed(value)
    }
    private func unsigned(_ value: UInt64, _ key: Key) throws {
        try begin(key)
        state.output.unsigned(value)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try begin(key)
        try state.encodeValue(value, depth: depth, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        slotEncoder(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        slotEncoder(key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { superSlot(BinarySuperKey(), key: nil) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superSlot(key, key: key) }

    /// Writes `key` and returns the encoder of its value slot, for a nested container opened now.
    private func slotEncoder(_ key: Key) -> BinaryValueEncoder {
        do { try begin(key) } catch { state.deferredError = state.deferredError ?? error }
        return BinaryValueEncoder(state: state, depth: depth, slot: nil, codingPath: codingPath + [key])
    }

    /// Writes the key and returns an encoder for a value that may come later; if nothing is
    /// written to it before this container moves on, the slot holds an empty container.
    private func superSlot(_ name: any CodingKey, key: Key?) -> any Encoder {
        do {
            try state.prepare(depth: depth, frame: frame) { codingPath + [name] }
        } catch {
            state.deferredError = state.deferredError ?? error
        }
        if let key { state.writeKey(key) } else { state.writeKey(BinarySuperKey()) }
        let slot = state.openSlot(depth: depth)
        return BinaryValueEncoder(state: state, depth: depth, slot: slot, codingPath: codingPath + [name])
    }
}

struct BinaryUnkeyedEncoder: UnkeyedEncodingContainer {
    let state: BinaryEncodingState
    let depth: Int
    let frame: Int
    let codingPath: [any CodingKey]
    private(set) var count = 0

    init(state: BinaryEncodingState, depth: Int, frame: Int, codingPath: [any CodingKey]) {
        self.state = state
        self.depth = depth
        self.frame = frame
        self.codingPath = codingPath
    }

    private mutating func begin() throws {
        let index = count
        try state.prepare(depth: depth, frame: frame) { codingPath + [BinaryIndexKey(index)] }
        count += 1
    }

    mutating func encodeNil() throws {
        try begin()
        state.output.byte(BinaryTag.null)
    }
    mutating func encode(_ value: Bool) throws {
        try begin()
        state.output.bool(value)
    }
    mutating func encode(_ value: String) throws {
        try begin()
        try state.output.taggedString(value)
        try state.output.flushIfFull()
    }
    mutating func encode(_ value: Double) throws {
        try begin()
        state.output.double(value)
    }
    mutating func encode(_ value: Float) throws {
        try begin()
        state.output.float(value)
    }
    mutating func encode(_ value: Int) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int8) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int16) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int32) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int64) throws { try signed(value) }
    mutating func encode(_ value: UInt) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { try unsigned(value) }

    private mutating func signed(_ value: Int64) throws {
        try begin()
        state.output.signed(value)
        try state.output.flushIfFull()
    }
    private mutating func unsigned(_ value: UInt64) throws {
        try begin()
        state.output.unsigned(value)
        try state.output.flushIfFull()
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        try begin()
        try state.encodeValue(value, depth: depth, codingPath: codingPath + [BinaryIndexKey(index)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        slotEncoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        slotEncoder().unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let path = codingPath + [BinaryIndexKey(count)]
        do { try begin() } catch { state.deferredError = state.deferredError ?? error }
        let slot = state.openSlot(depth: depth)
        return BinaryValueEncoder(state: state, depth: depth, slot: slot, codingPath: path)
    }

    private mutating func slotEncoder() -> BinaryValueEncoder {
        let path = codingPath + [BinaryIndexKey(count)]
        do { try begin() } catch { state.deferredError = state.deferredError ?? error }
        return BinaryValueEncoder(state: state, depth: depth, slot: nil, codingPath: path)
    }
}

struct BinarySingleValueEncoder: SingleValueEncodingContainer {
    let state: BinaryEncodingState
    /// Depth of the container holding the slot.
    let depth: Int
    let slot: Int?
    let codingPath: [any CodingKey]
    private var used = false

    init(state: BinaryEncodingState, depth: Int, slot: Int?, codingPath: [any CodingKey]) {
        self.state = state
        self.depth = depth
        self.slot = slot
        self.codingPath = codingPath
    }

    /// One value per slot: a second would shift every later byte.
    private mutating func begin() throws {
        guard !used else {
            throw EncodingError.invalidValue(
                "", .init(codingPath: codingPath, debugDescription: "a single value container encoded twice"))
        }
        used = true
        if let slot, !state.isOpen(slot: slot) {
            throw EncodingError.invalidValue(
                "", .init(codingPath: codingPath, debugDescription: "superEncoder used after its container moved on"))
        }
        state.close(to: depth + 1)
        if state.frames.count > depth {
            throw EncodingError.invalidValue(
                "", .init(codingPath: codingPath, debugDescription: "a single value after a container for one value"))
        }
    }

    mutating func encodeNil() throws {
        try begin()
        state.output.byte(BinaryTag.null)
    }
    mutating func encode(_ value: Bool) throws {
        try begin()
        state.output.bool(value)
    }
    mutating func encode(_ value: String) throws {
        try begin()
        try state.output.taggedString(value)
    }
    mutating func encode(_ value: Double) throws {
        try begin()
        state.output.double(value)
    }
    mutating func encode(_ value: Float) throws {
        try begin()
        state.output.float(value)
    }
    mutating func encode(_ value: Int) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int8) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int16) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int32) throws { try signed(Int64(value)) }
    mutating func encode(_ value: Int64) throws { try signed(value) }
    mutating func encode(_ value: UInt) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try unsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { try unsigned(value) }

    private mutating func signed(_ value: Int64) throws {
        try begin()
        state.output.signed(value)
    }
    private mutating func unsigned(_ value: UInt64) throws {
        try begin()
        state.output.unsigned(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try begin()
        try state.encodeValue(value, depth: depth, codingPath: codingPath)
    }
}
