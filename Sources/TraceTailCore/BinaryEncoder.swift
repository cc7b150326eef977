/// Encodes `Encodable` values into a compact, self-describing binary form (the format is
/// described at the top of `BinaryCodingFormat.swift`): varint integers, length-prefixed UTF-8,
/// 8-byte doubles, `[UInt8]` as one run of bytes, key names interned on first use.
///
/// Hand-written rather than a general-purpose library because it is the daemon's checkpoint
/// path, hot and memory-critical: it writes straight into one buffer, and with
/// `encode(_:chunkSize:to:)` it streams that buffer to a sink (a file descriptor) whenever it
/// fills, so encoding a state of any size holds one chunk, not a document tree.
public struct BinaryEncoder: Sendable {
    /// Handed to every `encode(to:)` as `Encoder.userInfo`.
    nonisolated(unsafe) public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// An encoder with no user info.
    public init() {}

    /// `value` as bytes, all in memory.
    /// - Throws: `EncodingError` when a value's `encode(to:)` throws or misuses its containers.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let output = BinaryOutput(chunkSize: Int.max, sink: nil)
        try encodeRoot(value, into: output)
        return output.buffer
    }

    /// Streams `value` to `sink` in pieces of about `chunkSize` bytes (the last one shorter),
    /// each valid only during the call. Memory use is the chunk plus the key-name table.
    /// - Throws: what `sink` throws (encoding stops there), or `EncodingError`.
    public func encode<T: Encodable>(
        _ value: T, chunkSize: Int = 64 * 1024, to sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try withoutActuallyEscaping(sink) { sink in
            let output = BinaryOutput(chunkSize: chunkSize, sink: sink)
            try encodeRoot(value, into: output)
            try output.flush()
        }
    }

    private func encodeRoot<T: Encodable>(_ value: T, into output: BinaryOutput) throws {
        let state = BinaryEncodingState(output: output, userInfo: userInfo)
        try state.encodeValue(value, depth: 0, codingPath: [])
        if let error = state.deferredError { throw error }
    }
}

/// What all containers of one `encode` share: the output, the key table and the stack of open
/// containers.
///
/// `Codable` never says when a container is finished, so containers are closed lazily: each
/// container knows its depth, and writing at depth d first writes the `end` of every container
/// deeper than d; returning from a value's `encode(to:)` closes what it opened. A container
/// written to after it was closed (which would put its bytes in the wrong place) is an error.
final class BinaryEncodingState {
    let output: BinaryOutput
    let userInfo: [CodingUserInfoKey: any Sendable]
    // Unchecked exclusivity for what is touched per value, as in `BinaryOutput` (and for the
    // same reason: no access to these overlaps another).
    @exclusivity(unchecked) private var keyIDs: [String: UInt64] = [:]
    /// Per key type: whether its names are interned (not for dictionary keys, which are data).
    @exclusivity(unchecked) private var internsKeys: [ObjectIdentifier: Bool] = [:]
    /// Open containers, outermost first: an id each, and whether it is keyed.
    @exclusivity(unchecked) private(set) var frames: [(id: Int, keyed: Bool)] = []
    @exclusivity(unchecked) private var nextFrameID = 0
    /// Value slots handed out by `superEncoder`, innermost last: the depth of the container
    /// holding the slot, the stream position after its key, and an id.
    @exclusivity(unchecked) private var slots: [(depth: Int, mark: Int, id: Int)] = []
    /// A misuse found where `Encoder` cannot throw (opening a container); thrown at the end.
    @exclusivity(unchecked) var deferredError: (any Error)?

    init(output: BinaryOutput, userInfo: [CodingUserInfoKey: any Sendable]) {
        self.output = output
        self.userInfo = userInfo
    }

    /// Closes every container deeper than `depth`; a `superEncoder` slot at or below it that
    /// got no value gets an empty container so the stream stays well-formed.
    func close(to depth: Int) {
        while frames.count > depth || (slots.last.map { $0.depth >= depth } ?? false) {
            if let slot = slots.last, slot.depth >= frames.count {
                slots.removeLast()
                if output.written == slot.mark {
                    output.byte(BinaryTag.keyed)
                    output.byte(BinaryTag.end)
                }
            } else {
                output.byte(BinaryTag.end)
                frames.removeLast()
            }
        }
    }

    /// Readies a write into the container `frame` at `depth`.
    /// - Throws: `EncodingError` when that container was already closed.
    func prepare(depth: Int, frame: Int, codingPath: () -> [any CodingKey]) throws {
        close(to: depth)
        guard frames.count == depth, frames[depth - 1].id == frame else {
            throw EncodingError.invalidValue(
                frame,
                .init(
                    codingPath: codingPath(),
                    debugDescription: "a container was written to after a later sibling value started"))
        }
    }

    /// Opens a container inside the value slot at `depth` (or returns the one that slot already
    /// opened, as JSONEncoder does when `container(keyedBy:)` is asked twice).
    func open(keyed: Bool, depth: Int, slot: Int?, codingPath: [any CodingKey]) -> Int {
        if let slot, !slots.contains(where: { $0.id == slot }) {
            deferError(
                EncodingError.invalidValue(
                    slot,
                    .init(codingPath: codingPath, debugDescription: "superEncoder used after its container moved on")
                ))
        }
        if frames.count > depth {
            let existing = frames[depth]
            if existing.keyed != keyed {
                deferError(
                    EncodingError.invalidValue(
                        keyed,
                        .init(codingPath: codingPath, debugDescription: "keyed and unkeyed containers for one value")))
            }
            return existing.id
        }
        output.byte(keyed ? BinaryTag.keyed : BinaryTag.unkeyed)
        nextFrameID += 1
        frames.append((nextFrameID, keyed))
        return nextFrameID
    }

    /// Registers the value slot just written (its key, if any) in the container at `depth`.
    func openSlot(depth: Int) -> Int {
        nextFrameID += 1
        slots.append((depth, output.written, nextFrameID))
        return nextFrameID
    }

    /// Whether the `superEncoder` slot `id` still waits for its value.
    func isOpen(slot id: Int) -> Bool { slots.contains { $0.id == id } }

    private func deferError(_ error: any Error) {
        if deferredError == nil { deferredError = error }
    }

    /// Writes the key of a keyed container's next entry.
    func writeKey<Key: CodingKey>(_ key: Key) {
        if let int = key.intValue, Int(key.stringValue) == int {
            output.varint(BinaryTag.keyInteger)
            output.varint(ZigZag.encode(Int64(int)))
            return
        }
        let name = key.stringValue
        if let id = keyIDs[name] {
            output.varint(BinaryTag.keyFirstID + id)
        } else if keyIDs.count < BinaryTag.internLimit, interns(Key.self) {
            keyIDs[name] = UInt64(keyIDs.count)
            output.varint(BinaryTag.keyNewInterned)
            try? output.string(name)  // no sink call: the chunk size is never reached by a key
        } else {
            output.varint(BinaryTag.keyLiteral)
            try? output.string(name)
        }
    }

    /// Swift's dictionaries encode their keys with the standard library's `_DictionaryCodingKey`;
    /// those names are data, each seen once or a few times, so interning them would only grow
    /// the table.
    private func interns<Key: CodingKey>(_ type: Key.Type) -> Bool {
        let id = ObjectIdentifier(type)
        if let known = internsKeys[id] { return known }
        let result = !String(describing: type).contains("DictionaryCodingKey")
        internsKeys[id] = result
        return result
    }

    /// Writes `value` in the slot at `depth` (its key, if any, already written), then closes what
    /// it opened. A value that wrote nothing is written as an empty keyed container.
    func encodeValue<T: Encodable>(_ value: T, depth: Int, codingPath: @autoclosure () -> [any CodingKey]) throws {
        if try encodePrimitive(value) {
            try output.flushIfFull()
            return
        }
        let mark = output.written
        try value.encode(to: BinaryValueEncoder(state: self, depth: depth, slot: nil, codingPath: codingPath()))
        close(to: depth)
        if output.written == mark {
            output.byte(BinaryTag.keyed)
            output.byte(BinaryTag.end)
        }
        try output.flushIfFull()
    }
}

extension BinaryEncodingState {
    /// Writes `value` directly when it is a primitive or `[UInt8]`: the elements of arrays and
    /// dictionaries reach the encoder through the generic `encode<T>`, and going through
    /// `encode(to:)` and a single value container for each would cost an encoder, a container
    /// and a coding path per number. (The type tests compare metadata; `unsafeBitCast` is
    /// guarded by them.)
    @inline(__always)
    func encodePrimitive<T: Encodable>(_ value: T) throws -> Bool {
        if T.self == String.self {
            try output.taggedString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            output.signed(Int64(unsafeBitCast(value, to: Int.self)))
        } else if T.self == Int64.self {
            output.signed(unsafeBitCast(value, to: Int64.self))
        } else if T.self == UInt64.self {
            output.unsigned(unsafeBitCast(value, to: UInt64.self))
        } else if T.self == Int32.self {
            output.signed(Int64(unsafeBitCast(value, to: Int32.self)))
        } else if T.self == UInt32.self {
            output.unsigned(UInt64(unsafeBitCast(value, to: UInt32.self)))
        } else if T.self == Double.self {
            output.double(unsafeBitCast(value, to: Double.self))
        } else if T.self == Bool.self {
            output.bool(unsafeBitCast(value, to: Bool.self))
        } else if T.self == [UInt8].self {
            output.byte(BinaryTag.bytes)
            try unsafeBitCast(value, to: [UInt8].self).withUnsafeBytes { try output.counted($0) }
        } else {
            return false
        }
        return true
    }
}

/// The `Encoder` of one value slot.
struct BinaryValueEncoder: Encoder {
    let state: BinaryEncodingState
    /// Depth of the container holding the slot (0 for the root).
    let depth: Int
    /// For a `superEncoder` slot: its id, checked for staleness on use.
    let slot: Int?
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { state.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        state.close(to: depth + 1)
        let frame = state.open(keyed: true, depth: depth, slot: slot, codingPath: codingPath)
        return KeyedEncodingContainer(
            BinaryKeyedEncoder<Key>(state: state, depth: depth + 1, frame: frame, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        state.close(to: depth + 1)
        let frame = state.open(keyed: false, depth: depth, slot: slot, codingPath: codingPath)
        return BinaryUnkeyedEncoder(state: state, depth: depth + 1, frame: frame, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        BinarySingleValueEncoder(state: state, depth: depth, slot: slot, codingPath: codingPath)
    }
}
