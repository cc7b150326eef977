import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The `mallocs` measurement: how many heap allocations each command makes per input line.
///
/// Counting needs an interposer in the measured process. The product binary carries none (a
/// counting `malloc` would cost every user); instead the benchmark compiles a tiny `LD_PRELOAD`
/// library with the C compiler at hand (the Swift toolchain's `clang`) and runs each command
/// under it twice, on the input and on its first half: the difference over the difference in
/// lines is the steady-state count, free of start-up allocations (patterns, tables, buffers).
extension Bench {
    /// The interposer: counts `malloc`, `calloc`, `realloc` and the aligned allocators, and
    /// writes the total to `$TRACETAIL_MALLOC_COUNT` at exit.
    static let interposerSource = """
        #define _GNU_SOURCE
        #include <stdio.h>
        #include <stdlib.h>
        #include <stdatomic.h>
        extern void *__libc_malloc(size_t);
        extern void *__libc_calloc(size_t, size_t);
        extern void *__libc_realloc(void *, size_t);
        extern void *__libc_memalign(size_t, size_t);
        static atomic_ulong calls;
        #define COUNT() atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed)
        void *malloc(size_t n) { COUNT(); return __libc_malloc(n); }
        void *calloc(size_t a, size_t b) { COUNT(); return __libc_calloc(a, b); }
        void *realloc(void *p, size_t n) { COUNT(); return __libc_realloc(p, n); }
        void *memalign(size_t a, size_t n) { COUNT(); return __libc_memalign(a, n); }
        void *aligned_alloc(size_t a, size_t n) { COUNT(); return __libc_memalign(a, n); }
        int posix_memalign(void **p, size_t a, size_t n) {
            COUNT(); void *r = __libc_memalign(a, n); if (!r) return 12; *p = r; return 0;
        }
        __attribute__((destructor)) static void report(void) {
            unsigned long total = atomic_load(&calls);
            const char *path = getenv("TRACETAIL_MALLOC_COUNT");
            if (!path) return;
            FILE *out = fopen(path, "w");
            if (out) { fprintf(out, "%lu\\n", total); fclose(out); }
        }
        """

    /// Builds the interposer into `dir`; nil (with a message) when no C compiler is found.
    func buildInterposer() -> String? {
        let source = dir + "/malloc-count.c"
        let library = dir + "/malloc-count.so"
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        let compilers = ["cc", "clang", "gcc"].flatMap { name in path.map { "\($0)/\(name)" } }
        guard let compiler = compilers.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("mallocs: no C compiler (cc, clang, gcc) on PATH to build the counting interposer")
            return nil
        }
        do {
            try Self.interposerSource.write(toFile: source, atomically: true, encoding: .utf8)
        } catch {
            print("mallocs: cannot write \(source): \(error)")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: compiler)
        process.arguments = ["-O2", "-shared", "-fPIC", "-o", library, source]
        do { try process.run() } catch {
            print("mallocs: cannot run \(compiler): \(error)")
            return nil
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            print("mallocs: \(compiler) failed to build \(source)")
            return nil
        }
        return library
    }

    /// `dir/half/`: the first half of every input file's lines, the baseline of the difference.
    func writeHalfInput() throws -> String {
        let half = dir + "/half"
        try? FileManager.default.removeItem(atPath: half)
        try FileManager.default.createDirectory(atPath: half, withIntermediateDirectories: true)
        for path in allFiles() {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let newlines = data.indices.filter { data[$0] == 0x0A }
            let cut = newlines.isEmpty ? data.count : newlines[newlines.count / 2] + 1
            try data.prefix(cut).write(to: URL(fileURLWithPath: half + "/" + (path as NSString).lastPathComponent))
        }
        return half
    }

    /// Runs every command on the input and on its half under the interposer and prints the
    /// allocations per line.
    func measureMallocs(_ input: Input) throws {
        guard let library = buildInterposer() else { return }
        let half = try writeHalfInput()
        // The one-core row allocates what its unpinned twin does.
        let full = commandRows(dir, lines: input.lines, novaAPILines: Self.lineCount(dir + "/nova-api.log"))
            .filter(\.prefix.isEmpty)
        let halves = commandRows(
            half, lines: Self.totalLines(half), novaAPILines: Self.lineCount(half + "/nova-api.log")
        ).filter(\.prefix.isEmpty)
        let countFile = dir + "/malloc-count.out"
        func count(_ row: CommandRow) throws -> Int {
            try? FileManager.default.removeItem(atPath: countFile)
            let environment = ["LD_PRELOAD": library, "TRACETAIL_MALLOC_COUNT": countFile]
            guard let run = Self.spawn(row.arguments, environment: environment), run.status == 0 else {
                throw BenchError("tracetail \(row.label) failed under the malloc counter")
            }
            guard let text = try? String(contentsOfFile: countFile, encoding: .utf8),
                let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            else { throw BenchError("the malloc counter wrote no count for tracetail \(row.label)") }
            return n
        }
        print("")
        print("allocations (malloc, calloc, realloc, aligned; LD_PRELOAD counter, input vs its first half):")
        var table = [["command", "lines", "mallocs", "per line (all)", "per line (steady state)"]]
        for (a, b) in zip(full, halves) {
            let all = try count(a)
            let base = try count(b)
            let steady = Double(all - base) / Double(max(1, a.lines - b.lines))
            table.append([
                "tracetail " + a.label, String(a.lines), String(all), format(Double(all) / Double(max(1, a.lines)), 2),
                format(steady, 2),
            ])
        }
        printAligned(table)
    }

    static func totalLines(_ directory: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".log") }
            .reduce(0) { $0 + lineCount(directory + "/" + $1) }
    }
}
