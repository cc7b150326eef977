import LogTailer
import Testing

/// Rotations that happen while the tailer is stopped and leave the checkpointed content in a
/// compressed or not-yet-seen generation (logrotate with `compress`, or several rotations during
/// an outage): read from the checkpoint's offset, newer generations whole, oldest first, before
/// the live file.
@Suite struct TailerGenerationTests {
    @Test func compressedWhileStoppedResumesAtTheOffsetInsideTheGzip() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...2))
        let first = h.poll()
        #expect(first.map(\.text) == ["L1", "L2"])
        h.tailer.close()
        // logrotate `compress` (no delaycompress): rename, compress, new live file.
        h.fs.append("/logs/a.log", lines(3...4))
        let rotated = h.fs.contents("/logs/a.log")!
        h.fs.delete("/logs/a.log")
        h.fs.writeGzip("/logs/a.log.1.gz", rotated)
        h.fs.append("/logs/a.log", lines(5...5))
        h.restart()
        let out = h.poll()
        #expect(out.map(\.description) == ["a.log#3:L3", "a.log#4:L4", "a.log#1:L5"])
        #expect(out[0].source == first[0].source, "the same file keeps its source id")
        #expect(out[0].path == "/logs/a.log.1.gz")
        #expect(h.counters.compressedGenerationsRead == 1)
        #expect(h.counters.staleCheckpoints == 0)
        #expect(h.texts().isEmpty)
    }

    @Test func theNewLiveFileTakingTheFreedInodeDoesNotHideTheCompressedGeneration() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...2))
        #expect(h.texts() == ["L1", "L2"])
        let inode = h.fs.status(path: "/logs/a.log")!.inode
        h.tailer.close()
        h.fs.append("/logs/a.log", lines(3...4))
        let rotated = h.fs.contents("/logs/a.log")!
        h.fs.delete("/logs/a.log")
        // The file system hands the freed inode number to the next file: the new live file.
        h.fs.append("/logs/a.log", lines(5...5, prefix: "N"))
        #expect(h.fs.status(path: "/logs/a.log")!.inode == inode)
        h.fs.writeGzip("/logs/a.log.1.gz", rotated)
        h.restart()
        #expect(h.poll().map(\.text) == ["L3", "L4", "N5"])
        #expect(h.counters.staleCheckpoints == 0)
        #expect(h.texts().isEmpty)
    }

    @Test func twoRotationsWhileStoppedReadTheUnseenGenerationBeforeTheLiveFile() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...1))
        #expect(h.texts() == ["L1"])
        h.tailer.close()
        h.fs.append("/logs/a.log", lines(2...2))
        // Day 1: a.log → a.log.1; day 2: a.log.1 → a.log.2.gz, a.log → a.log.1 (delaycompress).
        h.fs.rename("/logs/a.log", to: "/logs/a.log.1")
        h.fs.append("/logs/a.log", lines(3...4, prefix: "D"))
        let day1 = h.fs.contents("/logs/a.log.1")!
        h.fs.delete("/logs/a.log.1")
        h.fs.writeGzip("/logs/a.log.2.gz", day1)
        h.fs.rename("/logs/a.log", to: "/logs/a.log.1")
        h.fs.append("/logs/a.log", lines(5...5, prefix: "E"))
        h.restart()
        let out = h.poll()
        #expect(out.map(\.text) == ["L2", "D3", "D4", "E5"])
        #expect(out.map(\.path) == ["/logs/a.log.2.gz", "/logs/a.log.1", "/logs/a.log.1", "/logs/a.log"])
        #expect(Set(out.map(\.fileName)) == ["a.log"], "every generation keeps the live file's name (its service)")
        #expect(h.texts().isEmpty)
    }

    @Test func aGenerationWithOtherContentIsNotTakenForTheCheckpointedFile() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...2))
        #expect(h.texts() == ["L1", "L2"])
        h.tailer.close()
        h.fs.delete("/logs/a.log")
        h.fs.writeGzip("/logs/a.log.1.gz", Array(lines(1...3, prefix: "Z").utf8))
        h.fs.append("/logs/a.log", lines(4...4))
        h.restart()
        #expect(h.poll().map(\.text) == ["L4"])
        #expect(h.counters.staleCheckpoints == 1)
        #expect(h.counters.compressedGenerationsRead == 0)
    }

    @Test func aWideGlobNeverReadsGzipBytesAsLines() {
        var h = TailerHarness(paths: ["/logs/a.log*"])
        h.fs.writeGzip("/logs/a.log.3.gz", Array(lines(1...2, prefix: "G").utf8))
        h.fs.append("/logs/a.log", lines(1...1))
        #expect(h.texts() == ["L1"])
    }

    @Test func dateextGenerationsAreOrderedByDateAndOtherNamesIgnored() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...1))
        #expect(h.texts() == ["L1"])
        h.tailer.close()
        h.fs.append("/logs/a.log", lines(2...2))
        let day27 = h.fs.contents("/logs/a.log")!
        h.fs.delete("/logs/a.log")
        h.fs.writeGzip("/logs/a.log-20261127.gz", day27)
        // Older than the checkpointed content (already read before): never read again.
        h.fs.writeGzip("/logs/a.log-20261126.gz", Array(lines(1...1, prefix: "OLD").utf8))
        h.fs.append("/logs/a.log-20261128", lines(3...3, prefix: "D"))
        h.fs.append("/logs/a.log-20261129", lines(4...4, prefix: "E"))
        h.fs.append("/logs/a.log.bak", lines(1...1, prefix: "BAK"))
        h.fs.append("/logs/b.log.1", lines(1...1, prefix: "B"))
        h.fs.append("/logs/a.log", lines(5...5, prefix: "F"))
        h.restart()
        #expect(h.poll().map(\.text) == ["L2", "D3", "E4", "F5"])
        #expect(h.texts().isEmpty)
    }
}
