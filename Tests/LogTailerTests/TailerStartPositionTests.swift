import LogTailer
import Testing

/// `start_at` is a per-source setting: each `paths` entry can say where its files present at the
/// first start begin.
@Suite struct TailerStartPositionTests {
    @Test func eachPathEntryKeepsItsOwnStartPosition() {
        var configuration = Tailer.Configuration(paths: ["/a/*.log", "/b"], startAt: .end)
        configuration.startAtByPath["/a/*.log"] = .beginning
        var h = TailerHarness(configuration)
        h.fs.createDirectory("/a")
        h.fs.createDirectory("/b")
        h.fs.append("/a/api.log", "old a\n")
        h.fs.append("/b/cpu.log", "old b\n")
        #expect(h.texts() == ["old a"])
        h.fs.append("/a/api.log", "new a\n")
        h.fs.append("/b/cpu.log", "new b\n")
        #expect(h.texts().sorted() == ["new a", "new b"])
        // Files appearing later start at their beginning whatever the entry says.
        h.fs.append("/b/late.log", "first\n")
        #expect(h.texts() == ["first"])
    }
}
