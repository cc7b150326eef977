/// What an OTLP receiver says it dropped from a request it accepted (`partialSuccess` of an
/// `Export*ServiceResponse`, ANCHORS §3.4). A partial success is final: it is counted and
/// logged, never retried.
public struct OTLPPartialSuccess: Sendable, Hashable, CustomStringConvertible {
    /// Spans, data points or log records the receiver rejected (`rejectedSpans`,
    /// `rejectedDataPoints`, `rejectedLogRecords`, whichever the response has).
    public var rejected: Int64
    /// The receiver's explanation; empty when none.
    public var errorMessage: String

    /// A partial success of `rejected` items.
    public init(rejected: Int64 = 0, errorMessage: String = "") {
        self.rejected = rejected
        self.errorMessage = errorMessage
    }

    /// Reads a response body, tolerantly: an empty body, `{}`, an empty `partialSuccess`, a
    /// body that is not JSON or not OTLP (a proxy's HTML page) all give 0 and no message. The
    /// counts may be numbers or decimal strings (64-bit integers are strings in OTLP JSON);
    /// the proto field names (`partial_success`, `rejected_spans`, `error_message`) are read
    /// too, as proto3 JSON parsers do. A body cut short (senders keep only its first bytes)
    /// still gives whatever it holds, a message cut where the body ends included.
    public init(responseBody: some Collection<UInt8>) {
        self.init()
        guard case .object(let top)? = LenientJSON.parse(Array(responseBody)),
            case .object(let members)? = Self.member(top, "partialSuccess", "partial_success")
        else { return }
        let countKeys = [
            "rejectedSpans", "rejected_spans", "rejectedDataPoints", "rejected_data_points", "rejectedLogRecords",
            "rejected_log_records",
        ]
        for (key, value) in members where countKeys.contains(key) {
            if let count = Self.count(value) { rejected = count }
        }
        if case .string(let message)? = Self.member(members, "errorMessage", "error_message") {
            errorMessage = message
        }
    }

    /// Reads a response body given as text.
    public init(responseBody: String) { self.init(responseBody: Array(responseBody.utf8)) }

    /// True when nothing was rejected and nothing said: the ordinary full success.
    public var isEmpty: Bool { rejected == 0 && errorMessage.isEmpty }

    /// `rejected 3: <message>`, for logs.
    public var description: String {
        errorMessage.isEmpty ? "rejected \(rejected)" : "rejected \(rejected): \(errorMessage)"
    }

    private static func member(_ members: [(String, LenientJSON)], _ names: String...) -> LenientJSON? {
        members.first { names.contains($0.0) }?.1
    }

    /// A non-negative integer from a number or a decimal string.
    private static func count(_ value: LenientJSON) -> Int64? {
        let text: String
        switch value {
        case .number(let t), .string(let t): text = t
        default: return nil
        }
        if let exact = Int64(text) { return exact >= 0 ? exact : nil }
        // `3.0` or `1e2`: proto3 JSON parsers take integral numbers in any form.
        guard let double = Double(text), double >= 0, double.rounded() == double, double < 9.2e18 else { return nil }
        return Int64(double)
    }
}
