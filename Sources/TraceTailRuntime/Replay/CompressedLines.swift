/// Reads the lines of a gzip file for commands outside replay (`tracetail parse FILE.gz`),
/// with the same framing as replay: `\n` ends a line, a `\r` before it is dropped, over-long
/// lines are cut and flagged, concatenated members are read in turn.
public enum CompressedLines {
    /// True when `path` starts with gzip's magic bytes (`1f 8b`), whatever its name.
    public static func isGzip(_ path: String) -> Bool { ReplayFile.isGzip(path) }

    /// Calls `body` with every line of the gzip file at `path`, in order.
    /// - Parameters:
    ///   - body: receives the line's bytes (without its newline), its number from 1, and whether
    ///     it was cut at `maxLineBytes`.
    /// - Returns: why decoding stopped early (damaged data, naming the file and the lines read),
    ///   or nil when the whole file was read.
    /// - Throws: `ReplayError` naming the file when it cannot be opened or read; what `body` throws.
    public static func forEachLine(
        path: String, maxLineBytes: Int,
        _ body: (_ bytes: ArraySlice<UInt8>, _ number: Int, _ truncated: Bool) throws -> Void
    ) throws -> String? {
        let reader = try GzipLineReader(path: path, maxLineBytes: maxLineBytes)
        while try reader.next() {
            for line in reader.lines {
                try body(reader.chunk[line.range], line.number, line.truncated)
            }
        }
        return reader.problem
    }
}
