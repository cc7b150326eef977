/// Placeholder until the one-pass matcher lands.
enum OnePassPlaceholder {}
