import LogSimulator
import Testing
import TraceTailCore

@Suite struct LineShapeTests {
    static let files = Fixtures.files(Fixtures.configuration)
    static let uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    /// The full oslo.log line: context line, `[-]` line, or traceback line (ERROR, no bracket).
    static let osloPattern =
        "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} \\d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) [a-z_][a-z0-9_.]* ("
        + "\\[(None|req-\(uuid)) req-\(uuid) ([0-9a-f]{32} [0-9a-f]{32} - - default default|- - - - - -)\\] "
        + "(\\[instance: \(uuid)\\] )?\\S.*"
        + "|\\[-\\] (\\[instance: \(uuid)\\] )?\\S.*"
        + "|[^\\[].*)$"

    @Test(arguments: SimulatedFile.allCases.filter(\.isOsloLog))
    func everyLineHasTheOsloShape(file: SimulatedFile) throws {
        let regex = try Regex(Self.osloPattern)
        let lines = Self.files[file]!
        #expect(lines.count > 20)
        for line in lines {
            #expect(line.wholeMatch(of: regex) != nil, "\(file.fileName): \(line)")
            let parsed = OsloLine(line)
            #expect(parsed != nil, "\(file.fileName): \(line)")
            if let parsed, parsed.context == nil { #expect(parsed.level == "ERROR", "only tracebacks lack a bracket") }
        }
    }

    @Test(arguments: SimulatedFile.allCases.filter(\.isOsloLog))
    func linesAreInTimeOrder(file: SimulatedFile) {
        let times = Fixtures.parsed(Self.files[file]!).map(\.timestamp)
        #expect(times == times.sorted())
    }

    @Test func requestLinesHaveTheirServiceShapes() throws {
        let nova = try Regex(
            "^10\\.0\\.0\\.\\d+ \"(GET|POST|PUT|DELETE) /v2\\.1/\\S+\" status: \\d{3} len: \\d+ microversion: 2\\.\\d+ time: \\d+\\.\\d{6}$"
        )
        let neutron = try Regex(
            "^10\\.0\\.0\\.\\d+ \"(GET|POST|PUT|DELETE) /v2\\.0/\\S+ HTTP/1\\.1\" status: \\d{3}  len: \\d+ time: \\d+\\.\\d{7}$"
        )
        let glance = try Regex(
            "^10\\.0\\.0\\.\\d+ - - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4} \\d{2}:\\d{2}:\\d{2}\\] \"GET /v2/\\S+ HTTP/1\\.1\" \\d{3} \\d+ \\d+\\.\\d{6}$"
        )
        let checks: [(SimulatedFile, String, Regex<AnyRegexOutput>)] = [
            (.novaAPI, "nova.api.openstack.requestlog", nova), (.neutronServer, "neutron.wsgi", neutron),
            (.glanceAPI, "eventlet.wsgi.server", glance),
        ]
        for (file, logger, regex) in checks {
            let requests = Fixtures.parsed(Self.files[file]!).filter { $0.logger == logger }
            #expect(requests.count > 50, "\(file.fileName)")
            for line in requests {
                #expect(line.message.wholeMatch(of: regex) != nil, "\(file.fileName): \(line.message)")
                #expect(line.requestID != nil, "request lines carry a request id")
            }
        }
    }

    @Test func contextFormsAllOccur() {
        let all = SimulatedFile.allCases.filter(\.isOsloLog).flatMap { Fixtures.parsed(Self.files[$0]!) }
        #expect(all.contains { $0.context == ["-"] }, "[-] lines")
        #expect(all.contains { $0.context?.first == "None" && $0.context?[2] == "-" }, "[None req-… - - - - - -]")
        #expect(all.contains { $0.globalRequestID != nil }, "lines with a global request id")
        #expect(all.contains { $0.instance != nil && $0.context == ["-"] }, "[-] [instance: …] lines")
        #expect(all.contains { $0.context == nil }, "traceback lines")
        #expect(Set(all.map(\.level)).isSuperset(of: ["DEBUG", "INFO", "WARNING", "ERROR"]))
    }
}
