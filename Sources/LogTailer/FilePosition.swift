/// Where the tailer is in one file: the checkpoint value `Tailer.positions` hands out and
/// `Tailer(restoring:)` takes back.
///
/// `offset` is the first byte not yet handed out as (part of) a line, so a restart never re-reads
/// a line and reads a held partial line once, complete.
public struct FilePosition: Codable, Sendable, Equatable {
    /// The file's path when the position was taken (after a rename, the new name).
    public var path: String
    /// The name the file was first seen under (the service derives from it).
    public var fileName: String
    /// `SourceID.rawValue` of the file.
    public var source: UInt32
    /// `st_dev`.
    public var device: UInt64
    /// `st_ino`.
    public var inode: UInt64
    /// The first bytes of the file (at most `fingerprintBytes`), to tell inode reuse and rewrites apart.
    public var fingerprint: [UInt8]
    /// First byte not yet handed out.
    public var offset: Int64
    /// Number of the line that starts at `offset`.
    public var nextLineNumber: Int
    /// True when `offset` lies inside an over-long line whose head was already handed out: the
    /// rest up to its newline is skipped after a restart too.
    public var skippingLongLine: Bool

    public init(
        path: String, fileName: String, source: UInt32, device: UInt64, inode: UInt64, fingerprint: [UInt8],
        offset: Int64, nextLineNumber: Int, skippingLongLine: Bool = false
    ) {
        self.path = path
        self.fileName = fileName
        self.source = source
        self.device = device
        self.inode = inode
        self.fingerprint = fingerprint
        self.offset = offset
        self.nextLineNumber = nextLineNumber
        self.skippingLongLine = skippingLongLine
    }

    private enum CodingKeys: String, CodingKey {
        case path, fileName, source, device, inode, fingerprint, offset, nextLineNumber, skippingLongLine
    }

    /// Decodes a position; `skippingLongLine` may be absent (false).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        fileName = try c.decode(String.self, forKey: .fileName)
        source = try c.decode(UInt32.self, forKey: .source)
        device = try c.decode(UInt64.self, forKey: .device)
        inode = try c.decode(UInt64.self, forKey: .inode)
        fingerprint = try c.decode([UInt8].self, forKey: .fingerprint)
        offset = try c.decode(Int64.self, forKey: .offset)
        nextLineNumber = try c.decode(Int.self, forKey: .nextLineNumber)
        skippingLongLine = try c.decodeIfPresent(Bool.self, forKey: .skippingLongLine) ?? false
    }
}
