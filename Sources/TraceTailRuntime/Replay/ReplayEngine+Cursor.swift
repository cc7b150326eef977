import Foundation
import LogTailer
import PatternParser
import PhaseAggregator
import SpanCorrelator
import TraceTailCore

extension ReplayEngine {
    /// One file being read: its reader, its decoder and its next parsed line. Lines are parsed
    /// one at a time, when the merge asks for the file's head, so an event goes from the parser
    /// to the correlator while still in cache (a batch of parsed events is megabytes).
    final class Cursor {
        let source: ReplaySource
        let reader: LineReader
        var parser: SourceParser
        var batch = LineBatch()
        /// Next line of `batch` to parse.
        var nextLine = 0
        var head: ParsedItem?
        /// `head != nil`, kept apart: testing or switching over the optional enum copies the event.
        var hasHead = false
        var lastTime = Int64.min
        var exhausted = false

        init(source: ReplaySource, reader: LineReader, parser: SourceParser) {
            self.source = source
            self.reader = reader
            self.parser = parser
        }

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
                if nextLine == batch.count {
                    guard !exhausted else { return }
                    let more: Bool
                    do {
                        more = try reader.next(into: &batch)
                    } catch {
                        throw ReplayError("\(error)")
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
                guard let item = parser.parse(batch[i], line: batch.lines[i]) else { continue }
                if let t = item.time { lastTime = t.nanoseconds }
                head = item
                hasHead = true
            }
        }
    }
}
