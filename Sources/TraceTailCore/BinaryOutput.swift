/// The byte buffer `BinaryEncoder` writes into. In streaming mode it hands the buffer to a
/// sink whenever it reaches the chunk size and starts over, so the memory the encoder holds is
/// the chunk, not the document.
///
/// Its mutable properties are `@exclusivity(unchecked)`: they are touched for every value
/// written, and the runtime's dynamic exclusivity checks (`swift_beginAccess`) were a quarter of
/// a checkpoint's encoding time. No two accesses overlap: one thread, and no closure called
/// while the buffer is accessed (the sink) reaches the buffer.
final class BinaryOutput {
    @exclusivity(unchecked) private(set) var buffer: [UInt8]
    private let chunkSize: Int
    private let sink: ((UnsafeRawBufferPointer) throws -> Void)?
    @exclusivity(unchecked) private var flushed = 0

    /// Buffering up to `chunkSize` bytes before each call of `sink`; with no sink, everything
    /// stays in `buffer`.
    init(chunkSize: Int, sink: ((UnsafeRawBufferPointer) throws -> Void)?) {
        self.chunkSize = max(64, chunkSize)
        self.sink = sink
        buffer = []
        buffer.reserveCapacity(sink == nil ? 1024 : self.chunkSize + 64)
    }

    /// Bytes written so far, flushed or not (a position in the stream).
    var written: Int { flushed + buffer.count }

    @inline(__always)
    func byte(_ value: UInt8) { buffer.append(value) }

    /// LEB128: seven bits a byte, low first, high bit set on all but the last.
    @inline(__always)
    func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.append(UInt8(truncatingIfNeeded: value))
    }

    /// A non-negative integer with the smallest tag that holds it.
    @inline(__always)
    func unsigned(_ value: UInt64) {
        if value < 0x80 {
            buffer.append(BinaryTag.smallInteger | UInt8(truncatingIfNeeded: value))
        } else {
            buffer.append(BinaryTag.unsigned)
            varint(value)
        }
    }

    @inline(__always)
    func signed(_ value: Int64) {
        if value >= 0 {
            unsigned(UInt64(value))
        } else {
            buffer.append(BinaryTag.negative)
            varint(UInt64(bitPattern: ~value))
        }
    }

    func littleEndian<T: FixedWidthInteger>(_ value: T) {
        var value = value.littleEndian
        withUnsafeBytes(of: &value) { buffer.append(contentsOf: $0) }
    }

    /// A count and the bytes; a run longer than the chunk goes to the sink directly instead of
    /// through the buffer.
    func counted(_ bytes: UnsafeRawBufferPointer) throws {
        varint(UInt64(bytes.count))
        if let sink, bytes.count >= chunkSize {
            try flush()
            try sink(bytes)
            flushed += bytes.count
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    func string(_ value: String) throws {
        var value = value
        try value.withUTF8 { try counted(UnsafeRawBufferPointer($0)) }
    }

    /// Hands a full buffer to the sink; called between values, where errors can be thrown.
    @inline(__always)
    func flushIfFull() throws {
        if sink != nil, buffer.count >= chunkSize { try flush() }
    }

    /// Hands everything buffered to the sink.
    func flush() throws {
        guard let sink, !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try sink($0) }
        flushed += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}
