import PatternParser
import Testing
import TraceTailCore

@Suite struct ParseRecordTests {
    @Test func jsonRecordHasExactlyTheContractKeysInOrder() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse(
            "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 \"GET /v2/x/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829",
            lineID: 1)
        #expect(
            e.parseRecordJSON
                == #"{"line_id":1,"timestamp":"2017-05-16T00:00:00.008Z","pid":25746,"level":"INFO","component":"nova.osapi_compute.wsgi.server","request_id":"req-38101a0b-2096-447d-96ea-a692162415ae","global_request_id":null,"user":"113d3a99c3da401fbd62cc2caa5b96d2","project":"54fadb412c4e40cdbaed9335e4c35a9e","instance_id":null,"message":"10.11.10.1 \"GET /v2/x/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829","http":{"method":"GET","path":"/v2/x/servers/detail","status":200,"bytes":1893,"latency_ms":247.7829},"trace_id":null,"span_id":null,"parent_id":null,"matched":"nova_wsgi_request"}"#
        )
    }

    @Test func unmatchedLineIsARecordWithNulls() throws {
        var parser = try Fixtures.osloParser()
        let e = parser.parse("2017-05-16 00:00:10.302 2931 garbage", lineID: 9)
        #expect(
            e.parseRecordJSON
                == #"{"line_id":9,"timestamp":null,"pid":null,"level":null,"component":null,"request_id":null,"global_request_id":null,"user":null,"project":null,"instance_id":null,"message":null,"http":null,"trace_id":null,"span_id":null,"parent_id":null,"matched":null}"#
        )
        #expect(e.parseRecordText.contains("UNMATCHED(no_rule)"))
    }

    @Test func textRecordIsAlignedAndReadable() throws {
        var parser = try Fixtures.osloParser()
        let a = parser.parse(
            "2017-05-16 00:00:10.302 2931 INFO nova.virt.libvirt.driver [-] Instance spawned.", lineID: 1)
        let b = parser.parse("2017-05-16 00:00:10.302 12 WARNING nova.x [-] Short.", lineID: 12345)
        let ta = a.parseRecordText
        let tb = b.parseRecordText
        #expect(ta.hasPrefix("     1 2017-05-16T00:00:10.302Z INFO        2931 nova.virt.libvirt.driver"))
        #expect(tb.hasPrefix(" 12345 2017-05-16T00:00:10.302Z WARNING       12 nova.x"))
        // The message column starts at the same place on both lines.
        #expect(
            ta.firstRange(of: "oslo")?.lowerBound.utf16Offset(in: ta)
                == tb.firstRange(of: "oslo")?.lowerBound.utf16Offset(in: tb))
        #expect(ta.hasSuffix("Instance spawned."))
    }
}
