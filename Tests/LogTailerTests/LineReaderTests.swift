import LogTailer
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct LineReaderTests {
    /// Writes `bytes` to a fresh temp file and returns its path.
    private func tempFile(_ bytes: [UInt8]) -> String {
        var template = Array("/tmp/tracetail-linereader-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        precondition(fd >= 0)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            precondition(n > 0)
            offset += n
        }
        close(fd)
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func readAll(_ path: String, maxLineBytes: Int = 1 << 20, chunkSize: Int = 1 << 20, maxLines: Int = 4096)
        throws -> [(String, LineBatch.Line)]
    {
        let reader = try LineReader(path: path, maxLineBytes: maxLineBytes, chunkSize: chunkSize)
        var out: [(String, LineBatch.Line)] = []
        var batch = LineBatch()
        while try reader.next(into: &batch, maxLines: maxLines) {
            for i in 0..<batch.count { out.append((String(decoding: batch[i], as: UTF8.self), batch.lines[i])) }
        }
        return out
    }

    @Test func framesLinesStripsCRAndKeepsUnterminatedLastLine() throws {
        let path = tempFile(Array("one\r\ntwo\n\nthree\r\nlast".utf8))
        defer { unlink(path) }
        let lines = try readAll(path)
        #expect(lines.map(\.0) == ["one", "two", "", "three", "last"])
        #expect(lines.map(\.1.number) == [1, 2, 3, 4, 5])
        #expect(lines.map(\.1.offset) == [0, 5, 9, 10, 17])
        #expect(lines.allSatisfy { !$0.1.truncated })
    }

    @Test(arguments: [1, 2, 3, 4096])
    func smallBatchesAndChunksGiveTheSameLines(maxLines: Int) throws {
        var text = ""
        for i in 0..<5_000 { text += "line \(i) " + String(repeating: "x", count: i % 97) + "\n" }
        let path = tempFile(Array(text.utf8))
        defer { unlink(path) }
        let lines = try readAll(path, chunkSize: 4096, maxLines: maxLines)
        #expect(lines.count == 5_000)
        #expect(lines[4_999].0 == "line 4999 " + String(repeating: "x", count: 4_999 % 97))
        #expect(lines.map(\.1.number) == Array(1...5_000))
    }

    @Test func tenMegabyteLineIsCutAndItsRestSkipped() throws {
        var bytes = Array("before\n".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "y"), count: 10 * 1024 * 1024)
        bytes += Array("\nafter\n".utf8)
        let path = tempFile(bytes)
        defer { unlink(path) }
        let reader = try LineReader(path: path, maxLineBytes: 1 << 20)
        var all: [(count: Int, line: LineBatch.Line, first: UInt8?)] = []
        var batch = LineBatch()
        while try reader.next(into: &batch) {
            for i in 0..<batch.count { all.append((batch[i].count, batch.lines[i], batch[i].first)) }
        }
        #expect(all.count == 3)
        #expect(all.map(\.count) == [6, 1 << 20, 5])
        #expect(all.map(\.line.truncated) == [false, true, false])
        #expect(all.map(\.line.number) == [1, 2, 3])
        #expect(all[1].first == UInt8(ascii: "y"))
        #expect(all[2].line.offset == Int64(7 + 10 * 1024 * 1024 + 1))
        #expect(reader.truncatedLines == 1)
    }

    @Test func overlongUnterminatedLastLineIsCutOnce() throws {
        let path = tempFile([UInt8](repeating: UInt8(ascii: "z"), count: 300_000))
        defer { unlink(path) }
        let lines = try readAll(path, maxLineBytes: 100_000, chunkSize: 65_536)
        #expect(lines.count == 1)
        #expect(lines.first?.0.utf8.count == 100_000)
        #expect(lines.first?.1.truncated == true)
    }

    @Test func nulAndInvalidUTF8PassThroughUnchanged() throws {
        let raw: [UInt8] = [0x61, 0x00, 0xff, 0xfe, 0x0A, 0xc3, 0x28, 0x0A]
        let path = tempFile(raw)
        defer { unlink(path) }
        let reader = try LineReader(path: path)
        var batch = LineBatch()
        #expect(try reader.next(into: &batch))
        #expect(Array(batch[0]) == [0x61, 0x00, 0xff, 0xfe])
        #expect(Array(batch[1]) == [0xc3, 0x28])
        #expect(try reader.next(into: &batch) == false)
    }

    @Test func startOffsetResumesAtACheckpoint() throws {
        let path = tempFile(Array("a\nbb\nccc\n".utf8))
        defer { unlink(path) }
        let first = try LineReader(path: path)
        var batch = LineBatch()
        _ = try first.next(into: &batch, maxLines: 2)
        #expect(first.nextOffset == 5)
        let resumed = try LineReader(path: path, startOffset: first.nextOffset, firstLineNumber: first.nextLineNumber)
        _ = try resumed.next(into: &batch)
        #expect(batch.count == 1)
        #expect(Array(batch[0]) == Array("ccc".utf8))
        #expect(batch.lines[0].number == 3)
        #expect(batch.lines[0].offset == 5)
    }

    @Test func partialLastLineCanWaitForItsNewline() throws {
        let path = tempFile(Array("done\npartial".utf8))
        defer { unlink(path) }
        let reader = try LineReader(path: path)
        reader.emitsUnterminatedLastLine = false
        var batch = LineBatch()
        #expect(try reader.next(into: &batch))
        #expect(batch.count == 1)
        #expect(try reader.next(into: &batch) == false)
        #expect(reader.nextOffset == 5)
    }

    @Test func missingFileThrowsWithItsPath() {
        #expect(throws: LineReaderError.self) { try LineReader(path: "/nonexistent/tracetail.log") }
        do {
            _ = try LineReader(path: "/nonexistent/tracetail.log")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/tracetail.log: "))
        }
    }
}
