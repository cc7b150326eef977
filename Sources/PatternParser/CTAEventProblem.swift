/// Why a CTA event line was rejected; its `description` names the origin (`file:line`).
public struct CTAEventProblem: Error, Sendable, CustomStringConvertible {
    /// A growable set of reasons (a struct, so new ones are not source-breaking).
    public struct Reason: Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// The line is not a JSON object.
        public static let notJSON = Reason("not_json")
        /// `type` is missing, not a string, or not one of `CTAEventType`.
        public static let unknownType = Reason("unknown_type")
        /// `run_id` is missing or empty.
        public static let missingRunID = Reason("missing_run_id")
        /// None of `timestamp`, `time`, `@timestamp`.
        public static let missingTimestamp = Reason("missing_timestamp")
        /// The time is not a real ISO 8601 time or epoch number.
        public static let badTimestamp = Reason("bad_timestamp")
        /// A known field has the wrong JSON type (`confidence` a string, `passed` a number, …).
        public static let wrongFieldType = Reason("wrong_field_type")

        public var description: String { rawValue }
    }

    /// Where the line came from, `file:line` (or e.g. `control API`), as the caller supplied it.
    public var origin: String
    public var reason: Reason
    /// Human explanation, without the origin.
    public var message: String

    public init(origin: String, reason: Reason, message: String) {
        self.origin = origin
        self.reason = reason
        self.message = message
    }

    /// `origin: message`.
    public var description: String { origin.isEmpty ? message : "\(origin): \(message)" }
}
