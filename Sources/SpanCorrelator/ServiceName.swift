/// The service-name rules of DESIGN §3 that work on names: a file name or Loghub's leading
/// file token becomes a service by dropping the directory and the log suffixes.
///
/// `nova-api.log` → `nova-api`; `nova-api.log.1` → `nova-api`;
/// `nova-api.log.1.2017-05-16_13:53:08` (Loghub token) → `nova-api`;
/// `events.jsonl` (or `.json`) → `events`; `glance.log.2.gz` → `glance`. A name without `.log`/`.jsonl`
/// loses trailing rotation suffixes (`.1`, `.gz`) only.
public enum ServiceName {
    /// The service a file name (or Loghub token) stands for.
    public static func derive(fromFileName name: String) -> String {
        String(decoding: derive(Array(name.utf8)[...]), as: UTF8.self)
    }

    /// Byte form of `derive(fromFileName:)`; allocates nothing.
    static func derive(_ name: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var base = name
        if let slash = base.lastIndex(of: UInt8(ascii: "/")) { base = base[(slash + 1)...] }
        let dot = UInt8(ascii: ".")
        // Cut at the first `.log` or `.jsonl` that ends the name or is followed by a dot.
        var i = base.startIndex
        while i < base.endIndex {
            if base[i] == dot {
                for suffix in suffixes {
                    let end = i + suffix.count
                    guard end <= base.endIndex, base[i..<end].elementsEqual(suffix) else { continue }
                    if end == base.endIndex || base[end] == dot {
                        return i == base.startIndex ? base : base[base.startIndex..<i]
                    }
                }
            }
            i += 1
        }
        // No log suffix: drop rotation suffixes (`.1`, `.gz`) from the end.
        while let last = base.lastIndex(of: dot), last > base.startIndex {
            let tail = base[(last + 1)...]
            let isRotation =
                (!tail.isEmpty && tail.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }) || tail.elementsEqual("gz".utf8)
            guard isRotation else { break }
            base = base[base.startIndex..<last]
        }
        return base
    }

    private static let suffixes: [[UInt8]] = [Array(".log".utf8), Array(".jsonl".utf8), Array(".json".utf8)]
}
