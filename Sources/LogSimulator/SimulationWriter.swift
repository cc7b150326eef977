import TraceTailCore

#if canImport(Glibc)
    import Glibc
    // Module-qualified: the writer's own `open`/`write` methods would shadow the C functions.
    private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Glibc.open(path, flags, mode) }
    private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        Glibc.write(fd, bytes, count)
    }
#elseif canImport(Darwin)
    import Darwin
    // Module-qualified: the writer's own `open`/`write` methods would shadow the C functions.
    private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Darwin.open(path, flags, mode) }
    private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        Darwin.write(fd, bytes, count)
    }
#endif

/// Writes a simulated run into a directory: the only part of the simulator that touches files
/// or clocks. Files are replaced at the start of a run; in follow mode lines are appended with
/// one `write(2)` per batch, so a tailer never sees half a line.
public struct SimulationWriter: Sendable {
    /// The output directory (created when missing).
    public let directory: String

    /// A writer for `directory`.
    public init(directory: String) { self.directory = directory }

    /// Lines and bytes written per file.
    public struct Summary: Sendable, Equatable {
        public var lines: [SimulatedFile: Int] = [:]
        public var bytes: [SimulatedFile: Int] = [:]
        /// Total lines over all files.
        public var totalLines: Int { lines.values.reduce(0, +) }
        /// Total bytes over all files.
        public var totalBytes: Int { bytes.values.reduce(0, +) }
    }

    /// The full contents of every file of a run, as they are written (each line ends in `\n`).
    public static func render(_ configuration: SimulationConfiguration) -> [SimulatedFile: [UInt8]] {
        var contents: [SimulatedFile: [UInt8]] = [:]
        for file in SimulatedFile.allCases { contents[file] = [] }
        for line in LogSimulator.generate(configuration) {
            contents[line.file]!.append(contentsOf: line.text.utf8)
            contents[line.file]!.append(0x0a)
        }
        return contents
    }

    /// Generates the whole run and writes every file at once.
    @discardableResult
    public func writeAll(_ configuration: SimulationConfiguration) throws(SimulationWriteError) -> Summary {
        try makeDirectory()
        var summary = Summary()
        for (file, bytes) in SimulationWriter.render(configuration).sorted(by: { $0.key < $1.key }) {
            let fd = try open(file, truncate: true)
            defer { close(fd) }
            try write(fd, bytes, file: file)
            summary.bytes[file] = bytes.count
            summary.lines[file] = bytes.reduce(0) { $0 + ($1 == 0x0a ? 1 : 0) }
        }
        return summary
    }

    /// Writes the run in real time: event time `configuration.start` is mapped to the clock's
    /// `now` at the call, and each line is appended when the clock reaches its time. Returns at
    /// the end of the run (or throws `CancellationError` when the task is cancelled).
    @discardableResult
    public func follow<C: Clock>(_ configuration: SimulationConfiguration, clock: C) async throws -> Summary
    where C.Duration == Duration {
        try makeDirectory()
        var descriptors: [SimulatedFile: Int32] = [:]
        defer { for fd in descriptors.values { close(fd) } }
        for file in SimulatedFile.allCases { descriptors[file] = try open(file, truncate: true) }

        var simulator = LogSimulator(configuration: configuration)
        var summary = Summary()
        let origin = clock.now
        var chunkEnd = configuration.start
        while !simulator.isFinished {
            chunkEnd = chunkEnd + .seconds(1)
            let lines = simulator.lines(through: chunkEnd)
            var index = 0
            while index < lines.count {
                // All lines sharing one timestamp go out together, one write per file.
                let time = lines[index].time
                var group: [SimulatedFile: [UInt8]] = [:]
                while index < lines.count && lines[index].time == time {
                    group[lines[index].file, default: []].append(contentsOf: lines[index].text.utf8)
                    group[lines[index].file, default: []].append(0x0a)
                    summary.lines[lines[index].file, default: 0] += 1
                    index += 1
                }
                let offset = time - configuration.start
                try await clock.sleep(until: origin.advanced(by: .nanoseconds(offset.nanoseconds)), tolerance: nil)
                for (file, bytes) in group.sorted(by: { $0.key < $1.key }) {
                    try write(descriptors[file]!, bytes, file: file)
                    summary.bytes[file, default: 0] += bytes.count
                }
            }
            if lines.isEmpty {
                try Task.checkCancellation()
            }
        }
        return summary
    }

    private func path(_ file: SimulatedFile) -> String {
        directory.hasSuffix("/") ? directory + file.fileName : directory + "/" + file.fileName
    }

    private func makeDirectory() throws(SimulationWriteError) {
        var components: [Substring] = []
        var prefix = directory.hasPrefix("/") ? "/" : ""
        components = directory.split(separator: "/")
        for component in components {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw SimulationWriteError(path: prefix, operation: "mkdir", code: errno)
            }
            prefix += "/"
        }
    }

    private func open(_ file: SimulatedFile, truncate: Bool) throws(SimulationWriteError) -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_APPEND | (truncate ? O_TRUNC : 0)
        let fd = systemOpen(path(file), flags, 0o644)
        guard fd >= 0 else { throw SimulationWriteError(path: path(file), operation: "open", code: errno) }
        return fd
    }

    private func write(_ fd: Int32, _ bytes: [UInt8], file: SimulatedFile) throws(SimulationWriteError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw SimulationWriteError(path: path(file), operation: "write", code: errno)
            }
            offset += written
        }
    }
}

/// A file-system failure while writing a simulated run.
public struct SimulationWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path involved.
    public var path: String
    /// `mkdir`, `open` or `write`.
    public var operation: String
    /// `errno`.
    public var code: Int32

    public var description: String {
        let reason = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        return "cannot \(operation) \(path): \(reason)"
    }
}
