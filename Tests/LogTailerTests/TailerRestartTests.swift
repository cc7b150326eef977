import LogTailer
import Testing

@Suite struct TailerRestartTests {
    @Test func t07RestartResumesAfterLastLineWithStartAtEnd() {
        var h = TailerHarness(paths: ["/logs"], startAt: .end)
        h.fs.append("/logs/a.log", lines(0...0) + "half")
        #expect(h.texts().isEmpty)
        h.fs.append("/logs/a.log", "\n" + lines(1...1))
        #expect(h.poll().map(\.description) == ["a.log#2:half", "a.log#3:L1"])
        h.restart()
        h.fs.append("/logs/a.log", lines(2...3))
        #expect(h.poll().map(\.description) == ["a.log#4:L2", "a.log#5:L3"])
    }

    @Test func t08RotationWhileStoppedResumesRenamedFile() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...2))
        let first = h.poll()
        #expect(first.map(\.text) == ["L1", "L2"])
        h.tailer.close()
        h.fs.append("/logs/a.log", lines(3...3))
        h.fs.rename("/logs/a.log", to: "/logs/a.log.1")
        h.fs.append("/logs/a.log", lines(4...4))
        h.restart()
        let out = h.poll()
        #expect(out.map(\.description) == ["a.log#3:L3", "a.log#1:L4"])
        #expect(out[0].source == first[0].source)
        #expect(out[0].path == "/logs/a.log.1")
        #expect(h.texts().isEmpty)
    }

    @Test func t09RewriteWhileStoppedReadsNewContentFromZero() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...2))
        #expect(h.texts() == ["L1", "L2"])
        h.tailer.close()
        h.fs.write("/logs/a.log", Array(lines(1...3, prefix: "X").utf8))
        h.restart()
        #expect(h.poll().map(\.description) == ["a.log#1:X1", "a.log#2:X2", "a.log#3:X3"])
        #expect(h.counters.staleCheckpoints == 1)
    }

    @Test func t10UnacknowledgedLinesReplayOnceAfterKill() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...2))
        #expect(h.texts() == ["L1", "L2"])
        let checkpoint = h.tailer.positions
        h.fs.append("/logs/a.log", lines(3...3))
        #expect(h.texts() == ["L3"])
        h.restart(from: checkpoint)  // killed before the next checkpoint was written
        #expect(h.poll().map(\.description) == ["a.log#3:L3"])
        #expect(h.texts().isEmpty)
    }

    @Test func t11PartialLineCompletedOnceAcrossRestart() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", "L1\npart")
        #expect(h.texts() == ["L1"])
        #expect(h.tailer.positions[0].offset == 3)
        h.restart()
        h.fs.append("/logs/a.log", "ial\n")
        #expect(h.poll().map(\.description) == ["a.log#2:partial"])
        #expect(h.counters.partialLinesFlushed == 0)
    }

    @Test func t11PartialLineFlushedAfterTimeout() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", "abc")
        #expect(h.texts(advance: 1_000_000_000).isEmpty)
        #expect(h.texts(advance: 3_000_000_000).isEmpty)  // 3 s without growth
        #expect(h.poll(advance: 2_000_000_000).map(\.description) == ["a.log#1:abc[partial]"])
        #expect(h.counters.partialLinesFlushed == 1)
        #expect(h.tailer.positions[0].offset == 3)
        h.fs.append("/logs/a.log", "def\n")
        #expect(h.poll().map(\.description) == ["a.log#2:def"])
    }

    @Test func t12InodeReuseWithStaleCheckpointReadsFromZero() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...3))
        #expect(h.texts() == ["L1", "L2", "L3"])
        let inode = h.tailer.positions[0].inode
        h.tailer.close()
        h.fs.delete("/logs/a.log")
        h.fs.append("/logs/a.log", lines(1...1, prefix: "N"))
        #expect(h.fs.status(path: "/logs/a.log")?.inode == inode)
        h.restart()
        #expect(h.poll().map(\.description) == ["a.log#1:N1"])
        #expect(h.counters.staleCheckpoints == 1)
    }

    @Test func t12InodeReuseLongerThanOffsetIsToldByFingerprint() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...1))
        #expect(h.texts() == ["L1"])
        h.tailer.close()
        h.fs.delete("/logs/a.log")
        h.fs.append("/logs/a.log", lines(1...3, prefix: "N"))
        h.restart()
        #expect(h.texts() == ["N1", "N2", "N3"])
    }

    @Test func t15NewFilesFromBeginningAndUnreadableRetried() {
        var h = TailerHarness(paths: ["/logs"], startAt: .end)
        h.fs.append("/logs/a.log", "old\n")
        h.fs.append("/logs/c.log", "secret\n")
        h.fs.deny("/logs/c.log")
        #expect(h.texts().isEmpty)
        h.fs.append("/logs/b.log", "new1\n")
        #expect(h.texts() == ["new1"])
        #expect(h.counters.openErrors == 1)
        #expect(h.tailer.files.contains { $0.path == "/logs/c.log" && $0.state == .unreadable })
        h.fs.allow("/logs/c.log")
        // Not present-and-readable at the first poll: read from its beginning.
        #expect(h.texts() == ["secret"])
        #expect(h.counters.openErrors == 1)
        #expect(!h.tailer.files.contains { $0.state == .unreadable })
    }

    @Test func t16LongLineCutUtf8SafeAndNotReemitted() {
        var h = TailerHarness(Tailer.Configuration(paths: ["/logs"], maxLineBytes: 64))
        let long = String(repeating: "a", count: 63) + "é" + String(repeating: "b", count: 200)
        h.fs.append("/logs/a.log", "short\n" + long + "\nafter\n")
        let out = h.poll()
        #expect(out.map(\.text) == ["short", String(repeating: "a", count: 63), "after"])
        #expect(out.map(\.truncated) == [false, true, false])
        #expect(out.map(\.number) == [1, 2, 3])
        #expect(h.counters.truncatedLines == 1)
        // A long line still being written when the tailer stops: its rest is skipped after restart.
        h.fs.append("/logs/a.log", String(repeating: "x", count: 100))
        #expect(h.poll().map(\.description) == ["a.log#4:\(String(repeating: "x", count: 64))[cut]"])
        #expect(h.tailer.positions[0].skippingLongLine)
        h.restart()
        h.fs.append("/logs/a.log", String(repeating: "x", count: 50) + "\nnext\n")
        #expect(h.poll().map(\.description) == ["a.log#5:next"])
    }

    @Test func t19ManyShortLivedFilesStayBounded() {
        var h = TailerHarness()
        var seenSources = Set<UInt32>()
        for i in 0..<300 {
            h.fs.append("/logs/f\(i).log", "line\(i)\n")
            let out = h.poll()
            #expect(out.map(\.text) == ["line\(i)"])
            seenSources.formUnion(out.map(\.source))
            h.fs.delete("/logs/f\(i).log")
            _ = h.poll(advance: 3_000_000_000)
        }
        _ = h.poll(advance: 10_000_000_000)
        #expect(h.tailer.positions.isEmpty)
        #expect(h.fs.openHandleCount == 0)
        #expect(seenSources.count <= 3)
        #expect(h.counters.filesReleased == 300)
    }
}
