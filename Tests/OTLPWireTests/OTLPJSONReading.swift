import Foundation
import Testing

/// Reads bodies back with Foundation's `JSONSerialization`, independent of the writer under
/// test, into plain dictionaries the tests compare with values written out from the spec.
enum OTLPJSONReading {
    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(bytes))
        return try #require(parsed as? [String: Any])
    }

    static func array(_ value: Any?) throws -> [[String: Any]] {
        try #require(value as? [[String: Any]])
    }

    static func dictionary(_ value: Any?) throws -> [String: Any] {
        try #require(value as? [String: Any])
    }

    /// An OTLP `attributes` list as `[key: value object]`, after checking every element is
    /// exactly `{key, value}` and no key repeats.
    static func attributes(_ value: Any?) throws -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for element in try array(value) {
            #expect(Set(element.keys) == ["key", "value"])
            let key = try #require(element["key"] as? String)
            #expect(out[key] == nil, "attribute \(key) appears twice")
            out[key] = try dictionary(element["value"])
        }
        return out
    }

    /// The keys of an `attributes` list, in order.
    static func attributeKeys(_ value: Any?) throws -> [String] {
        try array(value).map { try #require($0["key"] as? String) }
    }

    /// `{"stringValue": s}` → s, checking it is the only member.
    static func stringValue(_ value: [String: Any]?) -> String? {
        guard let value, Array(value.keys) == ["stringValue"] else { return nil }
        return value["stringValue"] as? String
    }

    /// The string attributes of a resource, `[key: value]`.
    static func resourceAttributes(_ resourceEntry: [String: Any]) throws -> [String: String] {
        let resource = try dictionary(resourceEntry["resource"])
        return try attributes(resource["attributes"]).mapValues { try #require(stringValue($0)) }
    }

    /// The single scope entry of a resource entry under `scopeKey`, checked to be TraceTail's.
    static func onlyScope(_ resourceEntry: [String: Any], _ scopeKey: String, version: String) throws -> [String: Any] {
        let scopes = try array(resourceEntry[scopeKey])
        #expect(scopes.count == 1)
        let scope = try #require(scopes.first)
        let identity = try #require(scope["scope"] as? [String: String])
        #expect(identity == ["name": "tracetail", "version": version])
        return scope
    }
}

extension OTLPJSONReading {
    /// The first element, required (a function, so `#require` need not nest in `#require`).
    static func first<T>(_ items: [T]) throws -> T { try #require(items.first) }
}
