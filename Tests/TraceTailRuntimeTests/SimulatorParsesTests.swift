import Foundation
import LogSimulator
import PatternParser
import Testing
import TraceTailCore

@testable import TraceTailRuntime

/// The generator and the parser agree: every simulated line parses with the shipped patterns,
/// and every request line yields its HTTP fields (a line that merely "matched" is not enough).
@Suite struct SimulatorParsesTests {
    @Test(arguments: [UInt64(1), 7, 99])
    func everySimulatedLineParsesWithItsFields(seed: UInt64) throws {
        var config = SimulationConfiguration()
        config.duration = .minutes(6)
        config.seed = seed
        config.incident = IncidentWindow(start: .minutes(2), length: .minutes(3))
        config.fixAt = .minutes(4)
        let patterns = try Repo.patterns()
        var parsers: [LogFormat: LineParser] = [
            .oslo: try LineParser(format: .oslo, patterns: patterns)
        ]
        let cta = CTAEventDecoder()
        var counts: [String: Int] = [:]
        var requestLines = 0
        for (index, line) in LogSimulator.generate(config).enumerated() {
            let bytes = ArraySlice(Array(line.text.utf8))
            if line.file.fileName.hasSuffix(".jsonl") {
                if case .failure(let problem) = cta.decode(bytes, origin: "sim:\(index)") {
                    Issue.record("CTA event rejected: \(problem)")
                }
                continue
            }
            let event = parsers[.oslo]!.parse(bytes, source: SourceID(0), lineID: index + 1)
            counts[line.file.fileName, default: 0] += 1
            #expect(event.unmatched == nil, "unmatched: \(line.text)")
            #expect(event.timestamp != nil || event.isContinuation, "no time: \(line.text)")
            let isRequestLine = line.text.contains("\" status: ") || line.text.contains(" HTTP/1.1\" ")
            if isRequestLine {
                requestLines += 1
                #expect(event.http?.status != nil, "request line without HTTP fields: \(line.text)")
                #expect(event.http?.latencyMs != nil, "request line without latency: \(line.text)")
            }
            if line.text.contains("[None req-") || line.text.contains(" [req-") {
                #expect(event.requestID != nil, "request id missed: \(line.text)")
            }
        }
        #expect(counts.count == 6)
        #expect(requestLines > 100)
    }
}
