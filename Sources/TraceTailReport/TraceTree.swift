import TraceTailCore

/// One trace laid out for display: spans in depth-first order, children by start time.
///
/// A class: reports sort and filter hundreds of thousands of traces, and copying a reference is
/// one retain where copying the struct was one per field of every span.
final class TraceTree {
    /// One displayed span.
    struct Row {
        var span: Span
        /// 0 for roots and orphans.
        var depth: Int
        /// True when the span names a parent that is not in the output (or sits in a parent cycle).
        var isOrphan: Bool
        /// For each level 1…depth: whether the node on the path at that level is its parent's last child.
        /// Drawing the `│` rails needs exactly this.
        var lastAtLevel: [Bool]
    }

    let traceID: TraceID
    let rows: [Row]
    let start: EventTime
    let end: EventTime
    let errorCount: Int

    var spanCount: Int { rows.count }
    var durationNanoseconds: Int64 { end.nanoseconds - start.nanoseconds }
    var hasError: Bool { errorCount > 0 }
    /// The first top-level span: the entry span for a well-formed trace.
    var root: Span { rows[0].span }

    /// Groups spans by trace id and orders the traces by start (then id, for determinism).
    static func build(_ spans: [Span]) -> [TraceTree] {
        var groups: [TraceID: [Span]] = [:]
        for span in spans { groups[span.traceID, default: []].append(span) }
        return groups.map { TraceTree(traceID: $0.key, spans: $0.value) }
            .sorted { $0.start != $1.start ? $0.start < $1.start : $0.traceID < $1.traceID }
    }

    /// Lays out one trace. Iterative, so a hostile chain of 100 000 parents cannot overflow the stack.
    init(traceID: TraceID, spans unsorted: [Span]) {
        self.traceID = traceID
        // Most traces of a replay are one request line: skip the tree machinery for them.
        if unsorted.count == 1 {
            let s = unsorted[0]
            let orphan = s.parentID != nil && s.parentID != s.spanID
            rows = [Row(span: s, depth: 0, isOrphan: orphan, lastAtLevel: [])]
            start = s.start
            end = max(s.start, s.end)
            errorCount = s.error ? 1 : 0
            return
        }
        // Explicit comparisons, no tuples or key paths: this runs once per trace, and generic tuple
        // comparison dominates debug builds.
        let spans = unsorted.sorted { a, b in
            a.start != b.start ? a.start < b.start : a.spanID < b.spanID
        }
        var ids = Set<SpanID>(minimumCapacity: spans.count)
        var first = spans[0].start
        var last = spans[0].start
        var errors = 0
        for s in spans {
            ids.insert(s.spanID)
            first = min(first, s.start)
            last = max(last, s.end)
            if s.error { errors += 1 }
        }
        var children: [SpanID: [Int]] = [:]
        var tops: [(index: Int, orphan: Bool)] = []
        for (i, s) in spans.enumerated() {
            if let parent = s.parentID, parent != s.spanID {
                if ids.contains(parent) {
                    children[parent, default: []].append(i)
                } else {
                    tops.append((i, true))
                }
            } else {
                tops.append((i, false))
            }
        }
        // Spans caught in a parent cycle are reachable from no top; they are walked last, as orphans.
        var visited = [Bool](repeating: false, count: spans.count)
        var rows: [Row] = []
        rows.reserveCapacity(spans.count)
        var pending = tops.reversed().map { ($0.index, $0.orphan) }
        var nextUnvisited = 0
        while true {
            let top: (Int, Bool)
            if let t = pending.popLast() {
                top = t
            } else {
                while nextUnvisited < spans.count && visited[nextUnvisited] { nextUnvisited += 1 }
                guard nextUnvisited < spans.count else { break }
                top = (nextUnvisited, true)
            }
            // Depth-first from this top: (index, depth, lastAtLevel).
            var stack: [(Int, Int, [Bool])] = [(top.0, 0, [])]
            while let (i, depth, rails) = stack.popLast() {
                guard !visited[i] else { continue }
                visited[i] = true
                rows.append(Row(span: spans[i], depth: depth, isOrphan: depth == 0 && top.1, lastAtLevel: rails))
                let kids = (children[spans[i].spanID] ?? []).filter { !visited[$0] }
                for (k, child) in kids.enumerated().reversed() {
                    stack.append((child, depth + 1, rails + [k == kids.count - 1]))
                }
            }
        }
        self.rows = rows
        self.start = first
        self.end = last
        self.errorCount = errors
    }
}
