/// The product's version: `tracetail --version`, and the tracer version the trace agent sees
/// (`Datadog-Meta-Tracer-Version`).
public enum TraceTailVersion {
    public static let current = "0.9.0"
}
