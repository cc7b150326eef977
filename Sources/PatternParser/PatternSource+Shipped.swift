extension PatternSource {
    /// The shipped pattern files (built into the binary), named `builtin:<file>` in diagnostics.
    public static var shipped: [PatternSource] {
        ShippedPatterns.files.map { PatternSource(name: "builtin:\($0.name)", text: $0.text + "\n") }
    }

    /// The shipped files with a directory's files laid over them: a file of the directory whose
    /// name matches a shipped file (`openstack.grok`) replaces it in place (rules keep their
    /// order); every other `*.grok` file adds its rules after the shipped ones, in file-name order.
    /// - Parameter directory: `patterns_dir`, or nil for the shipped files alone.
    /// - Throws: `PatternLoadError` when the directory or one of its files cannot be read.
    public static func shipped(overlaidWith directory: String?) throws(PatternLoadError) -> [PatternSource] {
        guard let directory else { return shipped }
        let overlay = try loadDirectory(directory)
        func fileName(_ source: PatternSource) -> Substring {
            source.name.split(separator: "/").last ?? Substring(source.name)
        }
        var byName: [Substring: PatternSource] = [:]
        for source in overlay { byName[fileName(source)] = source }
        var result: [PatternSource] = []
        for source in shipped {
            let name = source.name.dropFirst("builtin:".count)
            if let replacement = byName.removeValue(forKey: name) {
                result.append(replacement)
            } else {
                result.append(source)
            }
        }
        result += overlay.filter { byName[fileName($0)] != nil }
        return result
    }
}
