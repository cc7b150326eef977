import TraceTailCore

/// One trace laid out for display: spans in depth-first order, children by start time.
struct TraceTree {
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

    var traceID: TraceID
    var rows: [Row]
    var start: EventTime
    var end: EventTime
    var errorCount: Int

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
            .sorted { ($0.start, $0.traceID) < ($1.start, $1.traceID) }
    }

    /// Lays out one trace. Iterative, so a hostile chain of 100 000 parents cannot overflow the stack.
    init(traceID: TraceID, spans unsorted: [Span]) {
        let spans = unsorted.sorted { ($0.start, $0.spanID) < ($1.start, $1.spanID) }
        var ids = Set<SpanID>()
        for s in spans { ids.insert(s.spanID) }
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
        var visited = [Bool](repeating: false, count: spans.count)
        var rows: [Row] = []
        rows.reserveCapacity(spans.count)

        func walk(from top: Int, orphan: Bool) {
            // Stack of (index, depth, lastAtLevel, isLastSibling).
            var stack: [(Int, Int, [Bool])] = [(top, 0, [])]
            while let (i, depth, rails) = stack.popLast() {
                guard !visited[i] else { continue }
                visited[i] = true
                rows.append(Row(span: spans[i], depth: depth, isOrphan: depth == 0 && orphan, lastAtLevel: rails))
                let kids = (children[spans[i].spanID] ?? []).filter { !visited[$0] }
                for (k, child) in kids.enumerated().reversed() {
                    stack.append((child, depth + 1, rails + [k == kids.count - 1]))
                }
            }
        }
        for top in tops { walk(from: top.index, orphan: top.orphan) }
        // Spans caught in a parent cycle are reachable from no top; show them as orphans.
        for i in spans.indices where !visited[i] { walk(from: i, orphan: true) }

        self.traceID = traceID
        self.rows = rows
        self.start = spans.map(\.start).min() ?? EventTime(nanoseconds: 0)
        self.end = spans.map { max($0.start, $0.end) }.max() ?? start
        self.errorCount = spans.filter(\.error).count
    }
}
