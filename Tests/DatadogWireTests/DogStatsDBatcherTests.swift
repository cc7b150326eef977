import Testing
import TraceTailCore

@testable import DatadogWire

@Suite struct DogStatsDBatcherTests {
    static func line(_ text: String) -> [UInt8] { Array(text.utf8) }
    static func texts(_ datagrams: [[UInt8]]) -> [String] { datagrams.map { String(decoding: $0, as: UTF8.self) } }

    @Test func linesJoinUpToExactlyTheLimit() {
        var b = DogStatsDBatcher(maxPacketBytes: 10)
        b.append(Self.line("aaaa"))
        b.append(Self.line("bbbbb"))  // "aaaa\nbbbbb" is exactly 10
        b.append(Self.line("c"))
        #expect(Self.texts(b.finish()) == ["aaaa\nbbbbb", "c"])
        #expect(b.oversized == 0)
    }

    @Test func oneByteOverStartsANewDatagram() {
        var b = DogStatsDBatcher(maxPacketBytes: 10)
        b.append(Self.line("aaaa"))
        b.append(Self.line("bbbbbb"))  // "aaaa\nbbbbbb" would be 11
        #expect(Self.texts(b.finish()) == ["aaaa", "bbbbbb"])
    }

    @Test func lineOfExactlyTheLimitFitsAloneAndOneOverIsDroppedAndCounted() {
        var b = DogStatsDBatcher(maxPacketBytes: 10)
        b.append(Self.line("x"))
        b.append(Self.line("0123456789"))
        b.append(Self.line("0123456789A"))
        b.append(Self.line("y"))
        #expect(Self.texts(b.finish()) == ["x", "0123456789", "y"])
        #expect(b.oversized == 1)
    }

    @Test func finishEmptiesButKeepsTheOversizedCount() {
        var b = DogStatsDBatcher(maxPacketBytes: 4)
        b.append(Self.line("toolong"))
        b.append(Self.line("ok"))
        b.append([])
        #expect(Self.texts(b.finish()) == ["ok"])
        #expect(b.finish().isEmpty)
        #expect(b.oversized == 1)
    }

    @Test func generatedLinesAreNeitherLostNorSplit() throws {
        var rng = SplitMix64(seed: 7)
        for limit in [1, 2, 17, 100, 1432] {
            var b = DogStatsDBatcher(maxPacketBytes: limit)
            var kept: [String] = []
            var dropped = 0
            for i in 0..<2000 {
                let text = "m\(i):" + String(repeating: "9", count: rng.below(limit + 5)) + "|g"
                if text.utf8.count > limit { dropped += 1 } else { kept.append(text) }
                b.append(Self.line(text))
            }
            let datagrams = b.finish()
            #expect(datagrams.allSatisfy { $0.count <= limit && !$0.isEmpty })
            // Every kept line comes back whole, in order, exactly once.
            let lines = Self.texts(datagrams).flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false) }
            #expect(lines.map(String.init) == kept)
            #expect(b.oversized == dropped)
            // Nothing was left for the next datagram that would still have fitted in this one.
            for (d, next) in zip(datagrams, datagrams.dropFirst()) {
                let firstLine = next.split(separator: 0x0a, maxSplits: 1)[0]
                #expect(d.count + 1 + firstLine.count > limit)
            }
        }
    }

    @Test func formatterLinesBatchIntoParsableDatagrams() throws {
        let f = DogStatsDFormatter(options: .init(constantTags: [("env", "lab")]))
        var b = DogStatsDBatcher(maxPacketBytes: f.options.maxPacketBytes)
        var expected = 0
        for i in 0..<500 {
            let point = MetricPoint(
                name: "cta.requests", type: .gauge, value: Double(i), timestamp: EventTime(seconds: 1_717_000_000),
                tags: ["service": "nova-api", "i": String(i)])
            b.append(try #require(f.line(point)))
            expected += 1
        }
        b.append(
            f.eventLine(
                TelemetryEvent(name: "incident_detected", timestamp: EventTime(seconds: 1), tags: [:], text: "a\nb")))
        let datagrams = b.finish()
        #expect(datagrams.count > 1)
        var metrics = 0
        var events = 0
        for datagram in datagrams {
            #expect(datagram.count <= 1432)
            for message in datagram.split(separator: 0x0a) {
                if message.starts(with: Array("_e{".utf8)) {
                    _ = try DogStatsDGrammar.event(Array(message))
                    events += 1
                } else {
                    _ = try DogStatsDGrammar.metric(Array(message))
                    metrics += 1
                }
            }
        }
        #expect(metrics == expected)
        #expect(events == 1)
    }
}
