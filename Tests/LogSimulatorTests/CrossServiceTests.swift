import LogSimulator
import Testing
import TraceTailCore

@Suite struct CrossServiceTests {
    static let files = Fixtures.files(Fixtures.configuration).mapValues(Fixtures.parsed)

    /// request id → lines carrying it as `request_id`, per file.
    static func byRequest(_ file: SimulatedFile) -> [String: [OsloLine]] {
        Dictionary(grouping: Self.files[file]!.filter { $0.requestID != nil }, by: { $0.requestID! })
    }

    @Test func aBootIsLoggedByApiConductorSchedulerAndComputeUnderOneRequestID() {
        let boots = Self.files[.novaAPI]!.filter {
            NovaRequest($0).map { $0.method == "POST" && $0.path == "/v2.1/servers" && $0.status == 202 } ?? false
        }
        #expect(boots.count > 50)
        let conductor = Self.byRequest(.novaConductor)
        let scheduler = Self.byRequest(.novaScheduler)
        let compute = Self.byRequest(.novaCompute)
        for boot in boots {
            let id = boot.requestID!
            for (name, index) in [("conductor", conductor), ("scheduler", scheduler), ("compute", compute)] {
                let lines = index[id] ?? []
                #expect(!lines.isEmpty, "\(name) has no line for \(id)")
                // The API writes its request line last: every downstream line is earlier.
                #expect(lines.allSatisfy { $0.time <= boot.time }, "\(name) line after the API line of \(id)")
            }
        }
    }

    @Test func glanceAndNeutronCarryTheirCallersRequestIDAsGlobalID() {
        let novaIDs = Set(Self.files[.novaAPI]!.compactMap(\.requestID))
        let computeIDs = Set(Self.files[.novaCompute]!.compactMap(\.requestID))
        for file in [SimulatedFile.glanceAPI, .neutronServer] {
            let called = Self.files[file]!.filter { $0.globalRequestID != nil }
            #expect(called.count > 50, "\(file.fileName)")
            for line in called {
                let global = line.globalRequestID!
                #expect(novaIDs.contains(global) && computeIDs.contains(global), "\(global) unknown to nova")
                #expect(line.requestID != global, "the callee logs its own request id")
            }
            // The dashboard's own calls have no caller.
            #expect(Self.files[file]!.contains { $0.context?.first == "None" })
        }
    }

    @Test func everyBootReachesGlanceAndNeutron() {
        let glance = Set(Self.files[.glanceAPI]!.compactMap(\.globalRequestID))
        let neutron = Dictionary(grouping: Self.files[.neutronServer]!.compactMap(\.globalRequestID), by: { $0 })
        let boots = Self.files[.novaAPI]!.filter {
            NovaRequest($0)?.path == "/v2.1/servers" && NovaRequest($0)?.status == 202
        }
        for boot in boots {
            #expect(glance.contains(boot.requestID!))
            #expect((neutron[boot.requestID!]?.count ?? 0) >= 2)
        }
    }
}
