import TraceTailCore

/// The pieces of OTLP JSON every signal shares (ANCHORS §3.4): key-value attributes, any
/// values, unix-nano times and the resource/scope head of a body's container.
enum OTLPJSON {
    /// `"key":"<ns>"`: 64-bit integers are decimal strings in OTLP JSON, because nanosecond
    /// times pass 2^53 and JavaScript-style parsers would round them.
    static func writeUnixNano(_ w: inout JSONWriter, _ key: String, _ time: EventTime) {
        w.key(key)
        // fixed64 on the wire: a time before 1970 (a broken log clock) cannot be sent as it is.
        w.string(String(max(0, time.nanoseconds)))
    }

    /// `{"stringValue":…}`, `{"intValue":"…"}`, `{"doubleValue":…}` or `{"boolValue":…}`.
    static func writeAnyValue(_ w: inout JSONWriter, _ value: AttributeValue) {
        w.beginObject()
        switch value {
        case .string(let s):
            w.key("stringValue")
            w.string(s)
        case .int(let i):
            w.key("intValue")
            w.string(String(i))
        case .double(let d):
            w.key("doubleValue")
            // proto3 JSON spells the non-finite doubles as strings; JSON numbers cannot.
            if d.isNaN {
                w.string("NaN")
            } else if d.isInfinite {
                w.string(d > 0 ? "Infinity" : "-Infinity")
            } else {
                w.double(d)
            }
        case .bool(let b):
            w.key("boolValue")
            w.bool(b)
        }
        w.endObject()
    }

    /// One `{"key":…,"value":{…}}` element of an `attributes` array.
    static func writeAttribute(_ w: inout JSONWriter, _ key: String, _ value: AttributeValue) {
        w.beginObject()
        w.key("key")
        w.string(key)
        w.key("value")
        writeAnyValue(&w, value)
        w.endObject()
    }

    /// `"attributes":[…]` of string values, sorted by key; empty keys are left out (OTel
    /// requires a non-empty key).
    static func writeStringAttributes(_ w: inout JSONWriter, _ attributes: [String: String]) {
        w.key("attributes")
        w.beginArray()
        for key in attributes.keys.sorted() where !key.isEmpty {
            writeAttribute(&w, key, .string(attributes[key]!))
        }
        w.endArray()
    }

    /// The head of one resource's container up to its items' array, opened:
    /// `{"resource":{"attributes":[…]},"<scopeKey>":[{"scope":{…},"<itemsKey>":[`.
    ///
    /// `service.name` comes first, then the constant attributes sorted by key; a constant
    /// `service.name` is ignored, because each record's service is its own.
    static func resourceHead(
        service: String, constants: [String: String], scopeKey: String, itemsKey: String
    ) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("resource")
        w.beginObject()
        w.key("attributes")
        w.beginArray()
        writeAttribute(&w, "service.name", .string(service))
        for key in constants.keys.sorted() where !key.isEmpty && key != "service.name" {
            writeAttribute(&w, key, .string(constants[key]!))
        }
        w.endArray()
        w.endObject()
        w.key(scopeKey)
        w.beginArray()
        w.beginObject()
        w.key("scope")
        w.beginObject()
        w.key("name")
        w.string(OTLPWire.scopeName)
        w.key("version")
        w.string(OTLPWire.scopeVersion)
        w.endObject()
        w.key(itemsKey)
        w.beginArray()
        return w.bytes
    }

    /// Closes what `resourceHead` opened: the items' array, the scope entry, the scope array
    /// and the resource's object.
    static let resourceTail: [UInt8] = Array("]}]}".utf8)

    /// The container of one resource's items.
    static func resourceContainer(
        id: Int, service: String, constants: [String: String], scopeKey: String, itemsKey: String
    ) -> OTLPBodyBuilder.Container {
        OTLPBodyBuilder.Container(
            id: id,
            head: resourceHead(service: service, constants: constants, scopeKey: scopeKey, itemsKey: itemsKey),
            tail: resourceTail)
    }
}
