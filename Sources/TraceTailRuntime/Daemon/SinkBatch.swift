import TraceTailCore

/// What the pipeline loop hands its sink: records to write, or a checkpoint to persist once
/// every record before it is written (so a checkpoint never claims output that was lost:
/// after a crash, only output since the last checkpoint can repeat).
public enum SinkBatch: Sendable {
    case records([OutputRecord])
    case checkpoint(Checkpoint)
}
