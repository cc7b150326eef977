import Testing

@testable import OnePass

@Test func placeholderModuleBuilds() {
    #expect(String(describing: OnePassPlaceholder.self) == "OnePassPlaceholder")
}
