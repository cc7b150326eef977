import NIOCore
import NIOPosix

/// Where DogStatsD datagrams go.
enum DatagramTarget: Sendable, Equatable, CustomStringConvertible {
    case udp(host: String, port: Int)
    /// `DD_DOGSTATSD_SOCKET`: a Unix datagram socket (the agent's `dsd.socket`).
    case unix(path: String)

    var description: String {
        switch self {
        case .udp(let host, let port): "udp://\(host):\(port)"
        case .unix(let path): "unix://\(path)"
        }
    }

    /// The Agent reads 8192-byte packets; off-host UDP stays below one 1500-byte MTU (datadog-go's
    /// `OptimalUDPPayloadSize`), a Unix socket has no MTU.
    var maxPacketBytes: Int {
        switch self {
        case .udp: 1432
        case .unix: 8192
        }
    }
}

/// A connected datagram channel (SwiftNIO), reopened after a failure: a restarted agent or a
/// refused port (ICMP) must not end DogStatsD output for good. Owned by one task.
final class DatagramConnection {
    let target: DatagramTarget
    private var channel: (any Channel)?

    init(target: DatagramTarget) { self.target = target }

    /// Sends one datagram.
    /// - Throws: when the socket cannot be opened or the kernel refuses the write; the next
    ///   send reopens it.
    func send(_ datagram: [UInt8]) async throws {
        let channel = try await open()
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: datagram))
        } catch {
            self.channel = nil
            try? await channel.close()
            throw error
        }
    }

    func close() async {
        if let channel { try? await channel.close() }
        channel = nil
    }

    private func open() async throws -> any Channel {
        if let channel, channel.isActive { return channel }
        let bootstrap = DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        let opened: any Channel
        switch target {
        case .udp(let host, let port):
            opened = try await bootstrap.connect(host: host, port: port).get()
        case .unix(let path):
            opened = try await bootstrap.connect(unixDomainSocketPath: path).get()
        }
        channel = opened
        return opened
    }
}
