/// OTLP/HTTP JSON, built as bytes from TraceTail's output records.
public enum OTLPWire {}
