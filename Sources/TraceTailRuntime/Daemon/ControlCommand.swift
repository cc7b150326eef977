import PatternParser
import TraceTailCore

/// What the control API (or a signal) asks the running pipeline to do. Requests are validated
/// before they become commands, so applying one never fails.
public enum ControlCommand: Sendable {
    /// `POST /v1/phase`: switch phase for `runID` now.
    case phase(Phase, runID: String)
    /// `POST /v1/events`: a CTA workflow event, as if read from a CTA event file.
    case event(CTAEvent)
    /// `POST /v1/send/{call}`: records of a seed call, sent to the sinks as they are (they are
    /// the agent's own measurements, not derived from logs).
    case emit([OutputRecord])
}
