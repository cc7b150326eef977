/// One synchronous step of the pipeline. A stage never suspends, never reads a clock and
/// never does I/O: time arrives as the event-time watermark, so replays are deterministic.
public protocol Stage<Input, Output> {
    associatedtype Input
    associatedtype Output
    /// Consumes one input, appending zero or more outputs.
    mutating func consume(_ input: Input, into output: inout [Output])
    /// Event time has reached `watermark`; emit whatever is now complete or expired.
    mutating func advance(to watermark: EventTime, into output: inout [Output])
    /// Input has ended; emit everything still buffered. Called exactly once.
    mutating func finish(into output: inout [Output])
}
