import Testing

@testable import DatadogWire

@Suite struct DatadogEnvironmentTests {
    @Test func defaults() throws {
        let d = try DatadogEnvironment(environment: [:])
        #expect(d.agentHost == "localhost")
        #expect(d.traceAgentPort == 8126)
        #expect(d.dogstatsdPort == 8125)
        #expect(d.dogstatsdSocket == nil)
        #expect(d.env == nil && d.service == nil && d.version == nil)
        #expect(d.apiKey == nil)
        #expect(d.site == "datadoghq.com")
        #expect(d.apiBaseURL == "https://api.datadoghq.com")
    }

    @Test func environmentVariables() throws {
        let d = try DatadogEnvironment(environment: [
            "DD_AGENT_HOST": "agent.local", "DD_TRACE_AGENT_PORT": "9126", "DD_DOGSTATSD_PORT": "9125",
            "DD_DOGSTATSD_SOCKET": "/var/run/datadog/dsd.socket", "DD_ENV": "lab", "DD_SERVICE": "tracetail",
            "DD_VERSION": "1.2", "DD_API_KEY": "dd-key", "DD_SITE": "datadoghq.eu",
        ])
        #expect(d.agentHost == "agent.local")
        #expect(d.traceAgentPort == 9126)
        #expect(d.dogstatsdPort == 9125)
        #expect(d.dogstatsdSocket == "/var/run/datadog/dsd.socket")
        #expect(d.env == "lab")
        #expect(d.service == "tracetail")
        #expect(d.version == "1.2")
        #expect(d.apiKey?.value == "dd-key")
        #expect(d.site == "datadoghq.eu")
        #expect(d.apiBaseURL == "https://api.datadoghq.eu")
    }

    @Test func datadogPrefixedKeyAndSiteWinOverDDOnes() throws {
        let d = try DatadogEnvironment(environment: [
            "DATADOG_API_KEY": "first", "DD_API_KEY": "second", "DATADOG_SITE": "us3.datadoghq.com",
            "DD_SITE": "datadoghq.eu",
        ])
        #expect(d.apiKey?.value == "first")
        #expect(d.site == "us3.datadoghq.com")
        #expect(d.apiBaseURL == "https://api.us3.datadoghq.com")
    }

    @Test func settingsWinOverTheEnvironment() throws {
        let d = try DatadogEnvironment(
            settings: [
                "host": "10.0.0.5", "trace_port": "18126", "dogstatsd_port": "18125", "env": "prod", "service": "svc",
                "version": "2.0", "site": "ap1.datadoghq.com", "api_key": "from-config",
            ],
            environment: [
                "DD_AGENT_HOST": "agent.local", "DD_TRACE_AGENT_PORT": "9126", "DD_DOGSTATSD_PORT": "9125",
                "DD_DOGSTATSD_SOCKET": "/env.sock", "DD_ENV": "lab", "DD_SERVICE": "x", "DD_VERSION": "1",
                "DD_API_KEY": "from-env", "DD_SITE": "datadoghq.eu",
            ])
        #expect(d.agentHost == "10.0.0.5")
        #expect(d.traceAgentPort == 18126)
        #expect(d.dogstatsdPort == 18125)
        // An explicit UDP port in the config is not overridden by a socket from the environment.
        #expect(d.dogstatsdSocket == nil)
        #expect(d.env == "prod" && d.service == "svc" && d.version == "2.0")
        #expect(d.apiKey?.value == "from-config")
        #expect(d.apiBaseURL == "https://api.ap1.datadoghq.com")
    }

    @Test func socketSettingAndEnvironmentSocket() throws {
        let configured = try DatadogEnvironment(
            settings: ["dogstatsd_socket": "/cfg.sock"], environment: ["DD_DOGSTATSD_SOCKET": "/env.sock"])
        #expect(configured.dogstatsdSocket == "/cfg.sock")
        let fromEnvironment = try DatadogEnvironment(
            settings: ["host": "h"], environment: ["DD_DOGSTATSD_SOCKET": "/env.sock", "DD_DOGSTATSD_PORT": "1"])
        #expect(fromEnvironment.dogstatsdSocket == "/env.sock")
    }

    @Test func endpointReplacesTheSiteURL() throws {
        let d = try DatadogEnvironment(
            settings: ["endpoint": "http://127.0.0.1:8080/"], environment: ["DD_SITE": "datadoghq.eu"])
        #expect(d.apiBaseURL == "http://127.0.0.1:8080")
        #expect(d.site == "datadoghq.eu")
    }

    @Test func emptyValuesCountAsUnset() throws {
        let d = try DatadogEnvironment(
            settings: ["env": "", "host": "  "],
            environment: [
                "DD_ENV": "", "DD_AGENT_HOST": "", "DD_TRACE_AGENT_PORT": "", "DATADOG_API_KEY": "", "DD_API_KEY": "k",
            ])
        #expect(d.env == nil)
        #expect(d.agentHost == "localhost")
        #expect(d.traceAgentPort == 8126)
        #expect(d.apiKey?.value == "k")
    }

    static let badPorts: [([String: String], [String: String], String, String)] = [
        (["trace_port": "abc"], [:], "trace_port", "abc"),
        ([:], ["DD_TRACE_AGENT_PORT": "0"], "DD_TRACE_AGENT_PORT", "0"),
        ([:], ["DD_DOGSTATSD_PORT": "65536"], "DD_DOGSTATSD_PORT", "65536"),
        (["dogstatsd_port": "-1"], [:], "dogstatsd_port", "-1"),
        (["dogstatsd_port": "+80"], ["DD_DOGSTATSD_PORT": "80"], "dogstatsd_port", "+80"),
        (["trace_port": "80 80"], [:], "trace_port", "80 80"),
    ]

    @Test(arguments: badPorts)
    func invalidPortsNameTheKeyAndValue(
        settings: [String: String], environment: [String: String], key: String, value: String
    ) {
        #expect(throws: DatadogEnvironment.Problem.invalidPort(key: key, value: value)) {
            try DatadogEnvironment(settings: settings, environment: environment)
        }
    }

    @Test func problemDescriptionNamesKeyAndValue() {
        #expect(
            DatadogEnvironment.Problem.invalidPort(key: "DD_DOGSTATSD_PORT", value: "x1").description
                == "DD_DOGSTATSD_PORT: \"x1\" is not a port (an integer from 1 to 65535)")
    }

    // MARK: - The API key never prints

    @Test func apiKeyIsRedactedEverywhereItCouldBePrinted() throws {
        let secret = "0123456789abcdef-SECRET"
        let key = DatadogAPIKey(secret)
        #expect(key.value == secret)
        #expect(key.description == "<redacted>")
        #expect(key.debugDescription == "<redacted>")
        #expect("\(key)" == "<redacted>")
        #expect(String(reflecting: key) == "<redacted>")
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains(secret))

        let d = try DatadogEnvironment(settings: ["env": "lab"], environment: ["DATADOG_API_KEY": secret])
        var dumpedEnvironment = ""
        dump(d, to: &dumpedEnvironment)
        let renderings = [
            "\(d)", String(describing: d), String(reflecting: d), dumpedEnvironment, "\(d.apiKey as Any)",
            "\([d.apiKey])", String(describing: Optional(key)),
        ]
        for rendering in renderings {
            #expect(!rendering.contains(secret), "leaked in \(rendering)")
        }
        #expect("\(d)".contains("apiKey: <redacted>"))
        #expect("\(d)".contains("env: lab"))
    }
}
