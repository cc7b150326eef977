import LogTailer
import Testing
import TraceTailCore

/// Random sequences of writes, partial writes, rename rotation, copytruncate (with and without
/// O_APPEND), truncation, deletion, restarts and polls against the tailer on the fake file system.
/// Oracle: every line is handed out at most once, in write order per stream, and every line not
/// destroyed before any poll could see it is handed out (complete) by the end.
@Suite struct TailerModelTests {
    private enum Op: CaseIterable {
        case writeLines, writePartial, rotate, copytruncate, copytruncateNoAppend, truncate, delete, restart, poll
    }

    /// The writer of one stream (`/logs/<name>.log`) and what the oracle knows about it.
    private struct Stream {
        var name: String
        /// Sequence numbers in the file at the live path, with the poll epoch each was completed in.
        var inFile: [(seq: Int, epoch: Int)] = []
        /// Same for the rotated copy `<name>.log.1`.
        var inRotated: [(seq: Int, epoch: Int)] = []
        /// A line whose first part is written but not its newline: (seq, first part).
        var partial: (seq: Int, head: String)?
        /// After copytruncate without O_APPEND, the writer's next write lands at this offset.
        var holeAt: Int64?
        /// The tailer has the live file open (it existed at a poll of the current tailer), so a
        /// rename or delete cannot hide its lines: they are drained from the descriptor.
        var held = false
        /// Same for the rotated file.
        var heldRotated = false
        /// Lines the tailer can read only through the descriptor it holds: of a deleted file, or of
        /// a renamed one that was truncated since the last poll (its checkpoint no longer matches
        /// its content). Read at the next poll; lost if the tailer restarts first.
        var lostOnRestart: [(seq: Int, epoch: Int)] = []
        var truncatedSincePoll = false
        /// The live file was empty at the last poll: its checkpoint has no fingerprint, so after a
        /// restart it cannot be recognised once renamed (an inode number alone may be reused).
        var emptyAtPoll = false
        var path: String { "/logs/\(name).log" }
        var rotatedPath: String { "/logs/\(name).log.1" }
    }

    private struct Run {
        var h = TailerHarness(
            Tailer.Configuration(paths: ["/logs"], rotateWait: 3_000_000_000, partialLineTimeout: Int64.max / 4))
        var rng: SplitMix64
        var streams = [Stream(name: "a"), Stream(name: "b")]
        var nextSeq = 0
        var epoch = 0
        var written: [Int: String] = [:]  // seq → stream
        var fullText: [Int: String] = [:]
        var mayBeLost = Set<Int>()
        var emitted: [Int: Int] = [:]
        var lastSeqPerStream: [String: Int] = [:]
        var log: [String] = []
        var failures: [String] = []
        var linesReadBefore = 0

        init(seed: UInt64) { rng = SplitMix64(seed: seed) }

        /// Writes and polls dominate, as in a real log directory; each destructive operation is rarer.
        static let weighted: [Op] =
            [Op](repeating: .writeLines, count: 6) + [Op](repeating: .poll, count: 6) + [.writePartial, .writePartial]
            + [.rotate, .copytruncate, .copytruncateNoAppend, .truncate, .delete, .restart]

        mutating func text(_ seq: Int, stream: String) -> String {
            let pad = String(repeating: "x", count: Int(rng.next() % 40))
            return "\(stream)-\(seq)-\(pad)"
        }

        mutating func write(_ s: Int, _ bytes: String) {
            if let at = streams[s].holeAt {
                let size = h.fs.contents(streams[s].path)?.count ?? 0
                h.fs.writeWithHole(streams[s].path, at: max(at, Int64(size)), Array(bytes.utf8))
                streams[s].holeAt = nil
            } else {
                h.fs.append(streams[s].path, bytes)
            }
        }

        mutating func completePartial(_ s: Int) {
            guard let (seq, head) = streams[s].partial else { return }
            let tail = "done"
            write(s, tail + "\n")
            fullText[seq] = head + tail
            streams[s].inFile.append((seq, epoch))
            streams[s].partial = nil
        }

        /// Lines of destroyed content that no poll could have read yet may be lost.
        mutating func destroy(_ lines: [(seq: Int, epoch: Int)]) {
            for line in lines where line.epoch == epoch { mayBeLost.insert(line.seq) }
        }

        mutating func step() {
            let op = Self.weighted[Int(rng.next() % UInt64(Self.weighted.count))]
            let s = Int(rng.next() % UInt64(streams.count))
            log.append("\(op) \(streams[s].name) size=\(h.fs.contents(streams[s].path)?.count ?? -1)")
            switch op {
            case .writeLines:
                completePartial(s)
                var bytes = ""
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let seq = nextSeq
                    nextSeq += 1
                    let line = text(seq, stream: streams[s].name)
                    fullText[seq] = line
                    written[seq] = streams[s].name
                    streams[s].inFile.append((seq, epoch))
                    bytes += line + "\n"
                }
                write(s, bytes)
            case .writePartial:
                guard streams[s].partial == nil else { return }
                let seq = nextSeq
                nextSeq += 1
                let head = text(seq, stream: streams[s].name)
                written[seq] = streams[s].name
                streams[s].partial = (seq, head)
                write(s, head)
            case .rotate:
                completePartial(s)
                // An overwritten rotated file the tailer holds is still read through its descriptor.
                if streams[s].heldRotated {
                    streams[s].lostOnRestart += streams[s].inRotated
                } else {
                    destroy(streams[s].inRotated)
                }
                if !streams[s].held {
                    destroy(streams[s].inFile)
                } else if streams[s].truncatedSincePoll || streams[s].emptyAtPoll {
                    streams[s].lostOnRestart += streams[s].inFile
                }
                h.fs.rename(streams[s].path, to: streams[s].rotatedPath)
                streams[s].inRotated = streams[s].inFile
                streams[s].heldRotated = streams[s].held
                streams[s].inFile = []
                streams[s].held = false
                streams[s].holeAt = nil
            case .copytruncate, .copytruncateNoAppend:
                completePartial(s)
                // An overwritten rotated file the tailer holds is still read through its descriptor.
                if streams[s].heldRotated {
                    streams[s].lostOnRestart += streams[s].inRotated
                } else {
                    destroy(streams[s].inRotated)
                }
                destroy(streams[s].inFile)
                let size = h.fs.contents(streams[s].path)?.count ?? 0
                h.fs.copy(streams[s].path, to: streams[s].rotatedPath)
                h.fs.truncate(streams[s].path, to: 0)
                streams[s].inRotated = streams[s].inFile
                streams[s].heldRotated = false  // the copy is outside the watched paths
                streams[s].truncatedSincePoll = true
                streams[s].inFile = []
                if op == .copytruncateNoAppend { streams[s].holeAt = Int64(size) }
            case .truncate:
                completePartial(s)
                destroy(streams[s].inFile)
                h.fs.truncate(streams[s].path, to: 0)
                streams[s].inFile = []
                streams[s].truncatedSincePoll = true
            case .delete:
                completePartial(s)
                if streams[s].held {
                    streams[s].lostOnRestart += streams[s].inFile
                } else {
                    destroy(streams[s].inFile)
                }
                h.fs.delete(streams[s].path)
                streams[s].inFile = []
                streams[s].held = false
                streams[s].holeAt = nil
            case .restart:
                linesReadBefore += h.counters.linesRead  // counters are per tailer instance
                log.append(
                    "  positions \(h.tailer.positions.map { "\($0.path) ino=\($0.inode) off=\($0.offset) fp=\($0.fingerprint.count)" })"
                )
                h.restart()
                for i in streams.indices {
                    destroy(streams[i].lostOnRestart)
                    streams[i].lostOnRestart = []
                    streams[i].held = false
                    streams[i].heldRotated = false
                }
            case .poll:
                poll(advance: 1_000_000_000 * Int64(1 + rng.next() % 4))
            }
        }

        mutating func poll(advance: Int64) {
            let out = h.poll(advance: advance)
            log.append(
                "  inodes a=\(h.fs.status(path: "/logs/a.log")?.inode ?? 0) b=\(h.fs.status(path: "/logs/b.log")?.inode ?? 0) b1=\(h.fs.status(path: "/logs/b.log.1")?.inode ?? 0) \(h.tailer.files.map { "\($0.path) ino=\($0.inode) \($0.state)" })"
            )
            log.append("  -> \(out.map { "\($0.path)#\($0.number):\($0.text.prefix(12))\($0.partial ? "[p]" : "")" })")
            for line in out {
                let parts = line.text.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3, let seq = Int(parts[1]), let stream = written[seq] else {
                    failures.append("unexpected line \(line)")
                    continue
                }
                emitted[seq, default: 0] += 1
                if emitted[seq]! > 1 { failures.append("duplicate \(line)") }
                if line.partial || line.text != fullText[seq] {
                    if !mayBeLost.contains(seq) { failures.append("incomplete line \(line) for a line not destroyed") }
                }
                if let last = lastSeqPerStream[stream], last >= seq {
                    failures.append("out of order \(line) after \(last)")
                }
                lastSeqPerStream[stream] = seq
                if String(parts[0]) != stream { failures.append("wrong stream \(line)") }
            }
            epoch += 1
            for i in streams.indices {
                if h.fs.status(path: streams[i].path) != nil { streams[i].held = true }
                streams[i].lostOnRestart = []
                streams[i].truncatedSincePoll = false
                streams[i].emptyAtPoll = h.fs.contents(streams[i].path)?.isEmpty ?? true
            }
        }

        mutating func finish() {
            for s in streams.indices { completePartial(s) }
            for _ in 0..<4 { poll(advance: 4_000_000_000) }
            for seq in 0..<nextSeq where emitted[seq] == nil && !mayBeLost.contains(seq) {
                failures.append("lost line \(seq) (\(fullText[seq] ?? "?"))")
            }
            if linesReadBefore + h.counters.linesRead != emitted.values.reduce(0, +) {
                failures.append("linesRead \(h.counters.linesRead) != emitted \(emitted.values.reduce(0, +))")
            }
            if h.fs.openHandleCount != h.tailer.positions.count || h.tailer.positions.count > streams.count {
                failures.append("open \(h.fs.openHandleCount), positions \(h.tailer.positions.count)")
            }
        }
    }

    @Test func randomSequencesNeverDuplicateOrLoseLines() {
        var lost = 0
        var total = 0
        for seed in UInt64(1)...300 {
            var run = Run(seed: seed)
            for _ in 0..<60 { run.step() }
            run.finish()
            total += run.nextSeq
            lost += run.nextSeq - run.emitted.count
            if !run.failures.isEmpty {
                Issue.record("seed \(seed): \(run.failures.prefix(5))\nops:\n\(run.log.joined(separator: "\n"))")
                return
            }
        }
        // The destructive operations must not make the oracle vacuous.
        #expect(total > 3000)
        #expect(lost < total / 3)
    }
}
