import LogTailer
import Testing

@Suite struct TailerRotationTests {
    @Test func t01RenameRotationDrainsOldFile() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...2))
        #expect(h.texts() == ["L1", "L2"])
        h.fs.append("/logs/a.log", lines(3...3))
        h.fs.rename("/logs/a.log", to: "/logs/a.log.1")
        h.fs.append("/logs/a.log", lines(4...4))
        let out = h.poll()
        #expect(out.map(\.description) == ["a.log#3:L3", "a.log#1:L4"])
        #expect(out[0].path == "/logs/a.log.1")
        #expect(out[0].source != out[1].source)
        #expect(h.counters.rotations == 1)
        // A writer still holding the old descriptor: read within rotateWait.
        h.fs.append("/logs/a.log.1", lines(5...5))
        #expect(h.poll().map(\.description) == ["a.log#4:L5"])
        #expect(h.fs.openHandleCount == 2)
        _ = h.poll(advance: 6_000_000_000)
        #expect(h.fs.openHandleCount == 1)
        #expect(h.counters.filesReleased == 1)
        #expect(h.counters.bytesMissed == 0)
        #expect(h.tailer.positions.map(\.path) == ["/logs/a.log"])
    }

    @Test func t02RotatedFileForcedOutCountsMissedBytes() {
        var h = TailerHarness(Tailer.Configuration(paths: ["/logs"], maxOpenFiles: 1))
        h.fs.append("/logs/a.log", lines(1...1))
        #expect(h.texts() == ["L1"])
        h.fs.append("/logs/a.log", lines(2...3))  // 6 bytes never read
        h.fs.rename("/logs/a.log", to: "/logs/a.log.1")
        h.fs.append("/logs/a.log", lines(4...4))
        // The rotated file holds the only descriptor; the new file needs it.
        #expect(h.texts() == ["L4"])
        #expect(h.counters.bytesMissed == 6)
        #expect(h.counters.filesReleased == 1)
        #expect(h.fs.openHandleCount == 1)
    }

    @Test func t03CopytruncateRestartsAtZero() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...3))
        #expect(h.texts() == ["L1", "L2", "L3"])
        h.fs.copy("/logs/a.log", to: "/logs/a.log.1")
        h.fs.truncate("/logs/a.log", to: 0)
        h.fs.append("/logs/a.log", lines(4...4))
        #expect(h.poll().map(\.description) == ["a.log#1:L4"])
        #expect(h.counters.truncations == 1)
        #expect(h.texts().isEmpty)
    }

    @Test func t04CopytruncateWithoutAppendSkipsNulHole() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...2))
        #expect(h.texts() == ["L1", "L2"])
        h.fs.copy("/logs/a.log", to: "/logs/a.log.1")
        h.fs.truncate("/logs/a.log", to: 0)
        h.fs.writeWithHole("/logs/a.log", at: 6, Array(lines(3...3).utf8))
        #expect(h.poll().map(\.description) == ["a.log#1:L3"])
        #expect(h.counters.nulBytesSkipped == 6)
        #expect(h.counters.truncations == 1)
    }

    @Test func t05CopytruncateCopyInsideGlobContinuesInCopy() {
        var h = TailerHarness(paths: ["/logs/a.log*"])
        h.fs.append("/logs/a.log", lines(1...2))
        #expect(h.texts() == ["L1", "L2"])
        h.fs.append("/logs/a.log", lines(3...3))  // written after the last read, before the copy
        h.fs.copy("/logs/a.log", to: "/logs/a.log.1")
        h.fs.truncate("/logs/a.log", to: 0)
        h.fs.append("/logs/a.log", lines(4...4))
        let out = h.poll()
        #expect(out.map(\.description) == ["a.log#1:L4", "a.log#3:L3"])
        #expect(out[1].path == "/logs/a.log.1")
        #expect(h.counters.bytesMissed == 0)
    }

    @Test func t05CopytruncateLossOutsideGlobIsMeasured() {
        var h = TailerHarness(Tailer.Configuration(paths: ["/logs"], maxReadBytesPerPoll: 3))
        h.fs.append("/logs/a.log", lines(1...3))
        #expect(h.texts() == ["L1"])  // saw 9 bytes, read 3
        h.fs.copy("/logs/a.log", to: "/logs/a.log.1")
        h.fs.truncate("/logs/a.log", to: 0)
        h.fs.append("/logs/a.log", lines(4...4))
        #expect(h.texts() == ["L4"])
        #expect(h.counters.bytesMissed == 6)
    }

    @Test func t06SameSizeRewriteRereadsFromZero() {
        var h = TailerHarness()
        h.fs.write("/logs/a.log", Array("AAAA\nBBBB\n".utf8))
        #expect(h.texts() == ["AAAA", "BBBB"])
        h.fs.write("/logs/a.log", Array("CCCC\nDDDD\n".utf8))
        #expect(h.poll().map(\.description) == ["a.log#1:CCCC", "a.log#2:DDDD"])
        #expect(h.counters.truncations == 1)
        #expect(h.texts().isEmpty)
    }

    @Test func t13IdenticalHeadsAreDistinctFiles() {
        var h = TailerHarness()
        let preamble = String(repeating: "# same header line\n", count: 60)  // > 1 KiB
        h.fs.append("/logs/a.log", preamble + "a-only\n")
        h.fs.append("/logs/b.log", preamble + "b-only\n")
        h.fs.write("/logs/c.log", [])
        h.fs.write("/logs/d.log", [])
        let out = h.poll()
        #expect(out.filter { $0.fileName == "a.log" }.count == 61)
        #expect(out.filter { $0.fileName == "b.log" }.count == 61)
        #expect(out.contains { $0.text == "a-only" } && out.contains { $0.text == "b-only" })
        #expect(Set(h.tailer.positions.map(\.source)).count == 4)
        h.fs.append("/logs/c.log", "c1\n")
        h.fs.append("/logs/d.log", "d1\n")
        #expect(h.texts() == ["c1", "d1"])
    }

    @Test func t14GrowingSmallFileStaysOneFile() {
        var h = TailerHarness()
        h.fs.write("/logs/a.log", [])
        #expect(h.texts().isEmpty)
        h.fs.append("/logs/a.log", "123456789\n")
        #expect(h.texts() == ["123456789"])
        h.fs.append("/logs/a.log", lines(1...600))
        let out = h.poll()
        #expect(out.count == 600)
        #expect(out.first?.number == 2 && out.last?.number == 601)
        #expect(h.counters.truncations == 0 && h.counters.filesOpened == 1)
        #expect(h.tailer.positions[0].fingerprint.count == 1024)
    }

    @Test func t20StaleHandleIsReopenedByPath() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...1))
        #expect(h.texts() == ["L1"])
        h.fs.injectStale("/logs/a.log")
        h.fs.append("/logs/a.log", lines(2...2))
        let out = h.texts() + h.texts()
        #expect(out == ["L2"])
        #expect(h.counters.readErrors == 1)
        #expect(h.fs.openHandleCount == 1)
    }

    @Test func t21DeletedWhileReadingIsDrainedThenClosed() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...1))
        #expect(h.texts() == ["L1"])
        h.fs.append("/logs/a.log", lines(2...2))
        h.fs.delete("/logs/a.log")
        #expect(h.texts() == ["L2"])
        h.fs.append("/logs/a.log", lines(1...1, prefix: "N"))
        #expect(h.poll().map(\.description) == ["a.log#1:N1"])
        _ = h.poll(advance: 6_000_000_000)
        #expect(h.fs.openHandleCount == 1)
        #expect(h.counters.filesReleased == 1)
    }

    @Test func t21SymlinkRetargetIsFollowed() {
        var h = TailerHarness(paths: ["/logs/current.log"])
        h.fs.append("/data/one.log", lines(1...1))
        h.fs.symlink("/logs/current.log", to: "/data/one.log")
        #expect(h.poll().map(\.description) == ["current.log#1:L1"])
        h.fs.append("/data/two.log", lines(2...2))
        h.fs.symlink("/logs/current.log", to: "../data/two.log")
        #expect(h.poll().map(\.description) == ["current.log#1:L2"])
        _ = h.poll(advance: 6_000_000_000)
        #expect(h.fs.openHandleCount == 1)
    }

    @Test func t21AtomicReplaceIsPickedUp() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...1))
        #expect(h.texts() == ["L1"])
        h.fs.write("/logs/a.log.tmp", Array(lines(1...2, prefix: "R").utf8))
        h.fs.rename("/logs/a.log.tmp", to: "/logs/a.log")
        #expect(h.poll().map(\.description) == ["a.log#1:R1", "a.log#2:R2"])
        #expect(h.counters.rotations == 1)
    }

    @Test func aliasesOfOneFileAreFollowedOnce() {
        var h = TailerHarness()
        h.fs.append("/logs/a.log", lines(1...1))
        h.fs.symlink("/logs/z.log", to: "a.log")
        #expect(h.poll().map(\.description) == ["a.log#1:L1"])
        #expect(h.tailer.positions.count == 1)
    }
}

@Suite struct TailerDiscoveryTests {
    @Test func globsMatchStarQuestionAndClasses() {
        var h = TailerHarness(paths: ["/logs/nova-[a-c]p?.log", "/other/*.jsonl"])
        for name in ["nova-api.log", "nova-bpx.log", "nova-dpi.log", "nova-api.log.1", "nova-ap.log"] {
            h.fs.append("/logs/" + name, name + "\n")
        }
        h.fs.append("/other/cta.jsonl", "cta\n")
        h.fs.append("/other/cta.log", "no\n")
        #expect(Set(h.texts()) == ["nova-api.log", "nova-bpx.log", "cta"])
    }

    @Test func directoriesMatchLogAndJsonlOnly() {
        var h = TailerHarness(paths: ["/logs"])
        h.fs.append("/logs/a.log", "a\n")
        h.fs.append("/logs/b.jsonl", "b\n")
        h.fs.append("/logs/c.txt", "c\n")
        h.fs.append("/logs/sub/d.log", "d\n")
        #expect(Set(h.texts()) == ["a", "b"])
    }
}
