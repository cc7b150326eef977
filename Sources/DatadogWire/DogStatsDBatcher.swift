/// Packs DogStatsD lines into datagrams of at most `maxPacketBytes`, lines joined by `\n`
/// (ANCHORS §3.1: several messages per datagram), in order.
///
/// A line is never split: the Agent parses each datagram on its own, so half a line would be a
/// malformed message. A line longer than a datagram is dropped and counted in `oversized`.
public struct DogStatsDBatcher: Sendable {
    /// Longest datagram, in bytes.
    public let maxPacketBytes: Int
    /// Lines dropped because they alone exceed `maxPacketBytes`. Not reset by `finish`.
    public private(set) var oversized = 0
    private var datagrams: [[UInt8]] = []
    private var current: [UInt8] = []

    /// An empty batcher for datagrams of `maxPacketBytes` (1432 for UDP, 8192 for a Unix socket).
    public init(maxPacketBytes: Int) { self.maxPacketBytes = maxPacketBytes }

    /// Adds one line (without its newline). Empty lines are ignored: they are no message.
    public mutating func append(_ line: [UInt8]) {
        guard !line.isEmpty else { return }
        guard line.count <= maxPacketBytes else {
            oversized += 1
            return
        }
        if !current.isEmpty, current.count + 1 + line.count > maxPacketBytes {
            datagrams.append(current)
            current = []
        }
        if current.isEmpty {
            current.reserveCapacity(maxPacketBytes)
        } else {
            current.append(0x0a)
        }
        current += line
    }

    /// The datagrams so far, the last one included; the batcher starts empty again.
    public mutating func finish() -> [[UInt8]] {
        if !current.isEmpty { datagrams.append(current) }
        let out = datagrams
        datagrams = []
        current = []
        return out
    }
}
