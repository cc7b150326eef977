import Testing
import TraceTailCore

/// `SpanAttributes` behaves like the dictionary it replaced, and keeps keys sorted.
@Test func spanAttributesActLikeADictionary() {
    var attributes = SpanAttributes()
    var model: [String: AttributeValue] = [:]
    let keys = ["pid", "run_id", "phase", "error.message", "line_count", "file", "http.url", "a", "zz"]
    for (i, key) in keys.enumerated() {
        attributes[key] = .int(i)
        model[key] = .int(i)
    }
    attributes["phase"] = .string("after_fix")
    model["phase"] = .string("after_fix")
    attributes["file"] = nil
    model["file"] = nil
    attributes["missing"] = nil
    #expect(attributes.count == model.count)
    #expect(attributes.keys == model.keys.sorted())
    for key in keys + ["missing"] { #expect(attributes[key] == model[key]) }
    #expect(attributes.map(\.key) == model.keys.sorted())
    #expect(attributes.dictionary == model)
    #expect(SpanAttributes(model) == attributes)
    let literal: SpanAttributes = ["b": .int(2), "a": .bool(true)]
    #expect(literal.keys == ["a", "b"])
}
