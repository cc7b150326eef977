import Testing
import TraceTailCore

@testable import OTLPWire

/// Settings and OTel SDK variables, as the OTel specification's "OTLP Exporter Configuration"
/// and "SDK Environment Variables" pages define them.
@Suite struct OTLPEnvironmentTests {
    static func urls(_ e: OTLPEnvironment) -> [String] { [e.traces.url, e.metrics.url, e.logs.url] }

    @Test func defaults() throws {
        let e = try OTLPEnvironment(environment: [:])
        #expect(
            Self.urls(e) == [
                "http://localhost:4318/v1/traces", "http://localhost:4318/v1/metrics", "http://localhost:4318/v1/logs",
            ])
        #expect(e.traces.headers.isEmpty)
        #expect(e.traces.compression == .none)
        #expect(e.serviceName == "tracetail")
        #expect(e.resourceAttributes.isEmpty)
        #expect(e.traces.requestHeaders.map(\.0) == ["Content-Type"])
        #expect(e.traces.requestHeaders.map(\.1) == ["application/json"])
    }

    @Test func genericEndpointGetsTheSignalPathsAppended() throws {
        let plain = try OTLPEnvironment(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "https://otel.example:4318"])
        #expect(
            Self.urls(plain) == [
                "https://otel.example:4318/v1/traces", "https://otel.example:4318/v1/metrics",
                "https://otel.example:4318/v1/logs",
            ])
        // The spec's own example: a base path with a trailing slash.
        let based = try OTLPEnvironment(environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/mycollector/"
        ])
        #expect(based.traces.url == "http://collector:4318/mycollector/v1/traces")
    }

    @Test func signalSpecificEndpointsAreUsedAsTheyAreAndWinOverTheGenericOne() throws {
        let e = try OTLPEnvironment(environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:4318/custom/path",
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "https://logs.example/",
        ])
        #expect(
            Self.urls(e) == [
                "http://traces:4318/custom/path", "http://generic:4318/v1/metrics", "https://logs.example/",
            ])
        #expect(e.destination(for: .traces) == e.traces)
        #expect(e.destination(for: .metrics) == e.metrics)
        #expect(e.destination(for: .logs) == e.logs)
    }

    @Test func theEndpointSettingWinsOverEveryVariable() throws {
        let e = try OTLPEnvironment(
            settings: ["endpoint": "http://from-config:4318/"],
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:4318/v1/traces",
            ])
        #expect(
            Self.urls(e) == [
                "http://from-config:4318/v1/traces", "http://from-config:4318/v1/metrics",
                "http://from-config:4318/v1/logs",
            ])
    }

    @Test func emptyValuesCountAsUnset() throws {
        let e = try OTLPEnvironment(
            settings: ["endpoint": " ", "service_name": ""],
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "", "OTEL_EXPORTER_OTLP_HEADERS": "  ", "OTEL_SERVICE_NAME": "",
                "OTEL_RESOURCE_ATTRIBUTES": "",
            ])
        #expect(e == (try OTLPEnvironment(environment: [:])))
    }

    @Test func headersAreParsedAndPercentDecoded() throws {
        let e = try OTLPEnvironment(environment: [
            "OTEL_EXPORTER_OTLP_HEADERS":
                " Authorization = Basic%20dXNlcjpwYXNz%3D%3D , x-scope-orgid=tenant%2C1,api-key=a=b+c,"
        ])
        #expect(e.traces.headers.names == ["Authorization", "x-scope-orgid", "api-key"])
        #expect(e.traces.headers.value(for: "authorization") == "Basic dXNlcjpwYXNz==")
        #expect(e.traces.headers.value(for: "X-Scope-OrgID") == "tenant,1")
        // Split at the first `=` only; `+` is not a space in percent-encoding.
        #expect(e.traces.headers.value(for: "api-key") == "a=b+c")
        #expect(e.metrics.headers == e.traces.headers)
        let request = e.logs.requestHeaders
        #expect(request.map(\.0) == ["Content-Type", "Authorization", "x-scope-orgid", "api-key"])
        #expect(request.map(\.1) == ["application/json", "Basic dXNlcjpwYXNz==", "tenant,1", "a=b+c"])
    }

    @Test func signalSpecificHeadersReplaceTheGenericOnesAndTheSettingReplacesBoth() throws {
        let environment = [
            "OTEL_EXPORTER_OTLP_HEADERS": "x-tenant=generic,x-only-generic=1",
            "OTEL_EXPORTER_OTLP_METRICS_HEADERS": "x-tenant=metrics",
        ]
        let e = try OTLPEnvironment(environment: environment)
        #expect(e.traces.headers.names == ["x-tenant", "x-only-generic"])
        #expect(e.metrics.headers.names == ["x-tenant"])
        #expect(e.metrics.headers.value(for: "x-tenant") == "metrics")

        let configured = try OTLPEnvironment(
            settings: ["headers": "authorization=Bearer%20t"], environment: environment)
        for signal in OTLPSignal.allCases {
            #expect(configured.destination(for: signal).headers.names == ["authorization"])
            #expect(configured.destination(for: signal).headers.value(for: "Authorization") == "Bearer t")
        }
    }

    @Test func aLaterHeaderOfTheSameNameReplacesTheEarlierOne() throws {
        let e = try OTLPEnvironment(environment: ["OTEL_EXPORTER_OTLP_HEADERS": "X-Key=1,x-key=2"])
        #expect(e.traces.headers.names == ["x-key"])
        #expect(e.traces.headers.value(for: "X-KEY") == "2")
    }

    @Test func compressionFromTheSettingOrTheVariables() throws {
        let e = try OTLPEnvironment(environment: [
            "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip", "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION": "none",
        ])
        #expect([e.traces.compression, e.metrics.compression, e.logs.compression] == [.gzip, .gzip, .none])
        #expect(e.traces.requestHeaders.map(\.0) == ["Content-Type", "Content-Encoding"])
        #expect(e.traces.requestHeaders.map(\.1) == ["application/json", "gzip"])

        let configured = try OTLPEnvironment(
            settings: ["compression": "GZIP", "headers": "content-type=text/plain,x-a=1"],
            environment: ["OTEL_EXPORTER_OTLP_COMPRESSION": "none"])
        #expect(configured.logs.compression == .gzip)
        // The body is JSON whatever a configured header claims.
        #expect(configured.logs.requestHeaders.map(\.0) == ["Content-Type", "Content-Encoding", "x-a"])
        #expect(configured.logs.requestHeaders.map(\.1) == ["application/json", "gzip", "1"])
    }

    @Test func resourceAttributesAndServiceName() throws {
        let environment = [
            "OTEL_RESOURCE_ATTRIBUTES":
                "service.name=from-resource,deployment.environment=staging,team=a%2Cb%3Dc,caf%C3%A9=cr%C3%A8me,host.name=env-host"
        ]
        let fromResource = try OTLPEnvironment(environment: environment)
        #expect(fromResource.serviceName == "from-resource")
        #expect(
            fromResource.resourceAttributes == [
                "deployment.environment": "staging", "team": "a,b=c", "café": "crème", "host.name": "env-host",
            ])

        var withServiceName = environment
        withServiceName["OTEL_SERVICE_NAME"] = "from-variable"
        #expect(try OTLPEnvironment(environment: withServiceName).serviceName == "from-variable")

        let configured = try OTLPEnvironment(
            settings: ["service_name": "from-config", "host_name": "node-3", "environment": "lab"],
            environment: withServiceName)
        #expect(configured.serviceName == "from-config")
        #expect(
            configured.resourceAttributes == [
                "deployment.environment": "lab", "team": "a,b=c", "café": "crème", "host.name": "node-3",
            ])
    }

    @Test func encoderOptionsFromTheEnvironmentReachTheBodies() throws {
        let e = try OTLPEnvironment(
            settings: ["service_name": "cta-lab", "host_name": "node-3"],
            environment: ["OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=lab"])
        let options = OTLPEncoderOptions(environment: e, maxBodyBytes: 1 << 20)
        #expect(options.maxBodyBytes == 1 << 20)
        let bodies = OTLPMetricsEncoder(options: options, interval: .seconds(10)).encode([
            MetricPoint(name: "cta.requests", type: .gauge, value: 1, timestamp: EventTime(seconds: 1), tags: [:])
        ])
        let top = try OTLPJSONReading.object(try #require(bodies.bodies.first).bytes)
        let resource = try #require(try OTLPJSONReading.array(top["resourceMetrics"]).first)
        #expect(
            try OTLPJSONReading.resourceAttributes(resource) == [
                "service.name": "cta-lab", "host.name": "node-3", "deployment.environment": "lab",
            ])
    }

    // MARK: - Errors

    @Test func malformedInputNamesTheKey() {
        #expect(
            throws: OTLPEnvironment.Problem.invalidEndpoint(key: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "localhost:4318")
        ) {
            try OTLPEnvironment(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "localhost:4318"])
        }
        #expect(
            throws: OTLPEnvironment.Problem.invalidEndpoint(
                key: "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", value: "http://")
        ) {
            try OTLPEnvironment(environment: ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://"])
        }
        #expect(throws: OTLPEnvironment.Problem.invalidEndpoint(key: "endpoint", value: "ftp://x")) {
            try OTLPEnvironment(settings: ["endpoint": "ftp://x"], environment: [:])
        }
        #expect(throws: OTLPEnvironment.Problem.malformedEntry(key: "OTEL_EXPORTER_OTLP_HEADERS", position: 2)) {
            try OTLPEnvironment(environment: ["OTEL_EXPORTER_OTLP_HEADERS": "a=1,Bearer xyz"])
        }
        #expect(throws: OTLPEnvironment.Problem.malformedEntry(key: "OTEL_RESOURCE_ATTRIBUTES", position: 1)) {
            try OTLPEnvironment(environment: ["OTEL_RESOURCE_ATTRIBUTES": "=value"])
        }
        #expect(throws: OTLPEnvironment.Problem.invalidHeaderName(key: "headers", position: 1)) {
            try OTLPEnvironment(settings: ["headers": "bad name=1"], environment: [:])
        }
        #expect(throws: OTLPEnvironment.Problem.malformedValue(key: "OTEL_EXPORTER_OTLP_TRACES_HEADERS", name: "auth"))
        {
            try OTLPEnvironment(environment: ["OTEL_EXPORTER_OTLP_TRACES_HEADERS": "auth=abc%2"])
        }
        #expect(throws: OTLPEnvironment.Problem.malformedValue(key: "OTEL_RESOURCE_ATTRIBUTES", name: "k")) {
            try OTLPEnvironment(environment: ["OTEL_RESOURCE_ATTRIBUTES": "k=%FF"])  // not UTF-8
        }
        #expect(
            throws: OTLPEnvironment.Problem.unknownCompression(key: "OTEL_EXPORTER_OTLP_COMPRESSION", value: "zstd")
        ) {
            try OTLPEnvironment(environment: ["OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"])
        }
        #expect(throws: OTLPEnvironment.Problem.unknownCompression(key: "compression", value: "br")) {
            try OTLPEnvironment(settings: ["compression": "br"], environment: [:])
        }
    }

    @Test func aHeaderValueCannotSmuggleALineBreak() {
        #expect(throws: OTLPEnvironment.Problem.malformedValue(key: "OTEL_EXPORTER_OTLP_HEADERS", name: "x")) {
            try OTLPEnvironment(environment: ["OTEL_EXPORTER_OTLP_HEADERS": "x=1%0D%0AHost: evil"])
        }
    }

    // MARK: - Redaction

    @Test func headerValuesNeverShowInDescriptionsOrErrors() throws {
        let secret = "s3cr3t-T0KEN"
        let e = try OTLPEnvironment(environment: [
            "OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20\(secret),x-api-key=\(secret)"
        ])
        let headers = e.traces.headers
        #expect(headers.description == "[authorization: <redacted>, x-api-key: <redacted>]")
        var dumped = ""
        dump(e, to: &dumped)
        let renderings = [
            "\(headers)", String(reflecting: headers), "\(e)", String(reflecting: e), "\(e.traces)", dumped,
        ]
        for text in renderings {
            #expect(!text.contains(secret), "\(text)")
        }
        #expect("\(e)".contains("authorization: <redacted>"))
        #expect(headers.value(for: "x-api-key") == secret)

        // Errors about a header name its key and entry, never the text around the secret.
        for variable in ["\(secret)", "a=\(secret)%zz", "bad name=\(secret)"] {
            do {
                _ = try OTLPEnvironment(environment: ["OTEL_EXPORTER_OTLP_HEADERS": variable])
                Issue.record("\(variable.count) bytes accepted")
            } catch {
                #expect(!error.description.contains(secret))
                #expect(error.description.hasPrefix("OTEL_EXPORTER_OTLP_HEADERS: "))
            }
        }
    }

    @Test func problemMessages() {
        #expect(
            OTLPEnvironment.Problem.invalidEndpoint(key: "endpoint", value: "x").description
                == "endpoint: \"x\" is not an http:// or https:// URL with a host")
        #expect(
            OTLPEnvironment.Problem.malformedEntry(key: "OTEL_RESOURCE_ATTRIBUTES", position: 3).description
                == "OTEL_RESOURCE_ATTRIBUTES: entry 3 is not name=value (entries are separated by commas)")
        #expect(
            OTLPEnvironment.Problem.unknownCompression(key: "compression", value: "br").description
                == "compression: \"br\" is not a compression (gzip or none)")
    }
}
