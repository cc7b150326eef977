/// What makes a file the same file: device + inode, and a fingerprint of its first bytes so inode
/// reuse and in-place rewrites are told apart.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64

    init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    init(_ status: FileStatus) { self.init(device: status.device, inode: status.inode) }

    /// True when two fingerprints can belong to one file: one is a prefix of the other (a file
    /// smaller than `fingerprintBytes` grows its fingerprint, T14). An empty fingerprint (a file
    /// that was empty) matches everything: it carries no evidence either way.
    static func fingerprintsAgree(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let n = min(a.count, b.count)
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                (0..<n).allSatisfy { a[$0] == b[$0] }
            }
        }
    }
}
