import Foundation
import LogTailer
import PatternParser
import PhaseAggregator
import SpanCorrelator
import TraceTailCore

extension ReplayEngine {
    /// What a cursor reads a file through.
    enum ReplayInput {
        case plain(LineReader)
        case gzip(GzipLineReader)

        /// Opens `path`: gzip data (by its magic bytes, whatever the name) is decompressed.
        static func open(_ path: String, maxLineBytes: Int) throws(ReplayError) -> ReplayInput {
            if ReplayFile.isGzip(path) { return .gzip(try GzipLineReader(path: path, maxLineBytes: maxLineBytes)) }
            do {
                return .plain(try LineReader(path: path, maxLineBytes: maxLineBytes))
            } catch {
                throw ReplayError("\(error)")
            }
        }
    }

    /// One file being read, as the merge sees it: the time of its next parsed line and the line.
    ///
    /// With more than one core, the file is parsed ahead on a thread of its own (`ParseAhead`)
    /// while the merge, correlator and aggregator run on the caller's: parsing is the one stage
    /// that needs no order across files. The items and their times are exactly the sequential
    /// cursor's, so the output does not depend on the thread count.
    final class Cursor {
        let source: ReplaySource
        private let inner: SequentialCursor
        private let ahead: ParseAhead?
        private var items: [ParsedItem] = []
        private var times: [Int64] = []
        private var index = 0

        init(source: ReplaySource, input: ReplayInput, parser: SourceParser, parseAhead: Bool = ParseAhead.useful) {
            self.source = source
            inner = SequentialCursor(source: source, input: input, parser: parser)
            ahead = parseAhead ? ParseAhead(inner) : nil
        }

        // Releases a worker still waiting to hand over parsed lines (a replay that stopped early).
        deinit { ahead?.cancel() }

        /// Event time of the head item, or nil at end of file.
        func headTime() throws(ReplayError) -> Int64? {
            guard let ahead else { return try inner.headTime() }
            if index == items.count {
                guard try ahead.next(items: &items, times: &times) else { return nil }
                index = 0
            }
            return times[index]
        }

        /// Moves the head out.
        func pop() -> ParsedItem {
            guard ahead != nil else { return inner.pop() }
            // Swapped out, not copied: a copy of the ~370-byte event would retain its buffers.
            var item = ParsedItem.problem("")
            swap(&item, &items[index])
            index += 1
            return item
        }

        /// Bytes of the file read so far (compressed bytes for gzip), for progress.
        var bytesRead: Int64 { ahead?.bytesRead ?? inner.bytesRead }

        /// The file's parser, once every line was handed out (its counters are final then).
        var parser: SourceParser {
            ahead?.waitUntilFinished()
            return inner.parser
        }

        /// The gzip reader, when the file is gzip data (its `problem` is final at the end).
        var gzip: GzipLineReader? {
            ahead?.waitUntilFinished()
            return inner.gzip
        }
    }

    /// One file being read: its reader, its decoder and its next parsed line. Lines are parsed
    /// one at a time, when the merge asks for the file's head, so an event goes from the parser
    /// to the correlator while still in cache (a batch of parsed events is megabytes).
    final class SequentialCursor {
        let source: ReplaySource
        /// The file's reader: `reader` for plain files, `gzip` for gzip data (exactly one is set).
        let reader: LineReader?
        let gzip: GzipLineReader?
        var parser: SourceParser
        var batch = LineBatch()
        /// Lines in the current batch (of `batch` or of `gzip`).
        var lineCount = 0
        /// Next line of the current batch to parse.
        var nextLine = 0
        var head: ParsedItem?
        /// `head != nil`, kept apart: testing or switching over the optional enum copies the event.
        var hasHead = false
        var lastTime = Int64.min
        var exhausted = false

        init(source: ReplaySource, input: ReplayInput, parser: SourceParser) {
            self.source = source
            switch input {
            case .plain(let reader):
                self.reader = reader
                self.gzip = nil
            case .gzip(let gzip):
                self.reader = nil
                self.gzip = gzip
            }
            self.parser = parser
        }

        /// Bytes of the file read so far (compressed bytes for gzip), for progress.
        var bytesRead: Int64 { reader?.nextOffset ?? gzip?.compressedOffset ?? 0 }

        /// Event time of the head item, or nil at end of file. Lines without a time (continuations,
        /// garbage) sort at the time of the line before them, so they stay next to it.
        func headTime() throws(ReplayError) -> Int64? {
            if !hasHead {
                try advance()
                if !hasHead { return nil }
            }
            return lastTime
        }

        /// Moves the head out (a `swap`, not `take()`, which copies the ~370-byte event and
        /// retains/releases its references on the way).
        func pop() -> ParsedItem {
            var item: ParsedItem? = nil
            swap(&item, &head)
            hasHead = false
            return item!
        }

        /// Parses the next line into `head`, reading a new batch when this one is used up.
        private func advance() throws(ReplayError) {
            while !hasHead {
                if nextLine == lineCount {
                    guard !exhausted else { return }
                    let more: Bool
                    if let gzip {
                        more = try gzip.next()
                        lineCount = gzip.lines.count
                    } else {
                        do {
                            more = try reader!.next(into: &batch)
                        } catch {
                            throw ReplayError("\(error)")
                        }
                        lineCount = batch.count
                    }
                    nextLine = 0
                    guard more else {
                        exhausted = true
                        return
                    }
                }
                let i = nextLine
                nextLine += 1
                // The head's time is noted here, while the item is at hand: lines without a
                // time (continuations, garbage) sort at the time of the line before them.
                let parsed: ParsedItem?
                if let gzip {
                    let line = gzip.lines[i]
                    parsed = parser.parse(gzip.chunk[line.range], number: line.number, truncated: line.truncated)
                } else {
                    parsed = parser.parse(batch[i], line: batch.lines[i])
                }
                guard let item = parsed else { continue }
                if let t = item.time { lastTime = t.nanoseconds }
                head = item
                hasHead = true
            }
        }
    }
}
