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
        var parser: LineParser?
        let cta = CTAEventDecoder()
        var batch = LineBatch()
        /// Next line of `batch` to parse.
        var nextLine = 0
        var head: Item?
        /// `head != nil`, kept apart: testing or switching over the optional enum copies the event.
        var hasHead = false
        var lastTime = Int64.min
        var exhausted = false

        enum Item {
            case log(LogEvent)
            case cta(CTAEvent)
            case problem(String)
        }

        init(source: ReplaySource, reader: LineReader, parser: LineParser?) {
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
        func pop() -> Item {
            var item: Item? = nil
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
                let line = batch.lines[i]
                let bytes = batch[i]
                // The head's time is noted here, while the event is at hand: lines without a
                // time (continuations, garbage) sort at the time of the line before them.
                if parser != nil {
                    let event = parser!.parse(bytes, source: source.id, lineID: line.number, truncated: line.truncated)
                    if let t = event.timestamp { lastTime = t.nanoseconds }
                    head = .log(event)
                } else {
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
                    switch cta.decode(bytes, origin: "\(source.path):\(line.number)") {
                    case .success(let e):
                        lastTime = e.timestamp.nanoseconds
                        head = .cta(e)
                    case .failure(let p): head = .problem(p.description)
                    }
                }
                hasHead = true
            }
        }
    }
}
