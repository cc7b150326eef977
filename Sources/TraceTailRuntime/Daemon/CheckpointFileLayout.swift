import TraceTailCore

/// The frame around a binary checkpoint's body (`checkpoint.bin`):
///
///     header  8 bytes "TTAILCKP", UInt32 LE file format version, UInt32 LE 0 (reserved)
///     body    the `Checkpoint` as `BinaryEncoder` writes it
///     trailer UInt64 LE body length, UInt32 LE CRC-32 of the body, 4 bytes "CKPT"
///
/// The checksum and length come last because the body is streamed to the file as it is encoded
/// and neither is known before it ends; a torn file (a crash mid-write that somehow escaped the
/// rename protocol, a disk error, a truncation) then lacks a valid trailer or fails the check.
enum CheckpointFileLayout {
    /// The version of this frame and of the body's byte format; a file with another is refused.
    static let formatVersion: UInt32 = 1
    static let magic = Array("TTAILCKP".utf8)
    static let trailerMagic = Array("CKPT".utf8)
    static let headerSize = 16
    static let trailerSize = 16

    static func header() -> [UInt8] {
        var bytes = magic
        append(formatVersion, to: &bytes)
        append(UInt32(0), to: &bytes)
        return bytes
    }

    static func trailer(bodyLength: Int, crc: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        append(UInt64(bodyLength), to: &bytes)
        append(crc, to: &bytes)
        return bytes + trailerMagic
    }

    /// The body of a checkpoint file's bytes, checked against the frame.
    /// - Returns: the body's range within `file`, or why the file is not a sound checkpoint.
    static func body(of file: UnsafeRawBufferPointer) -> Result<Range<Int>, Problem> {
        guard file.count >= headerSize, Array(file[0..<8]) == magic else { return .failure(.notACheckpoint) }
        let version = UInt32(littleEndian: file.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version == formatVersion else { return .failure(.otherVersion(version)) }
        guard file.count >= headerSize + trailerSize,
            Array(file[(file.count - 4)...]) == trailerMagic
        else { return .failure(.torn(fileSize: file.count)) }
        let trailer = file.count - trailerSize
        let length = UInt64(littleEndian: file.loadUnaligned(fromByteOffset: trailer, as: UInt64.self))
        guard length == UInt64(trailer - headerSize) else { return .failure(.torn(fileSize: file.count)) }
        let stored = UInt32(littleEndian: file.loadUnaligned(fromByteOffset: trailer + 8, as: UInt32.self))
        var crc = CRC32()
        crc.update(UnsafeRawBufferPointer(rebasing: file[headerSize..<trailer]))
        guard crc.value == stored else { return .failure(.checksum(stored: stored, computed: crc.value)) }
        return .success(headerSize..<trailer)
    }

    /// Why a file is not a sound checkpoint.
    enum Problem: Error, CustomStringConvertible {
        case notACheckpoint
        case otherVersion(UInt32)
        case torn(fileSize: Int)
        case checksum(stored: UInt32, computed: UInt32)

        var description: String {
            switch self {
            case .notACheckpoint:
                "not a TraceTail binary checkpoint (no TTAILCKP header); move it away to start afresh"
            case .otherVersion(let version):
                "checkpoint file format \(version), this tracetail reads \(formatVersion)"
            case .torn(let size):
                "torn or truncated checkpoint (\(size) bytes, no valid trailer); move it away to start afresh"
            case .checksum(let stored, let computed):
                "corrupt checkpoint: CRC-32 \(hex(computed)) of the body, the trailer says \(hex(stored));"
                    + " move it away to start afresh"
            }
        }

        private func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16)
            return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
        }
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
