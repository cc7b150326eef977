import PCRE2

/// Parses, expands and compiles pattern files, collecting every problem.
enum PatternCompiler {
    static func compile(_ sources: [PatternSource]) -> (PatternSet, [PatternError]) {
        var errors: [PatternError] = []
        var definitions: [String: GrokDefinition] = [:]
        var orderedDefinitions: [GrokDefinition] = []
        var declarations: [GrokRuleDeclaration] = []
        for source in sources {
            let (file, fileErrors) = GrokFileParser.parse(source)
            errors += fileErrors
            for definition in file.definitions {
                if let first = definitions[definition.name] {
                    errors.append(
                        PatternError(
                            .duplicateName, "\(definition.name) is already defined at \(first.nameLocation)",
                            at: definition.nameLocation))
                    continue
                }
                definitions[definition.name] = definition
                orderedDefinitions.append(definition)
            }
            declarations += file.rules
        }

        var expander = GrokExpander(definitions: definitions)
        // Compile each definition alone too, so a bad regex is reported once, at its
        // definition, instead of at every rule that uses it; a definition that fails only
        // because something it references failed is not reported again.
        var failures: [String: (PatternError, Set<String>)] = [:]
        for definition in orderedDefinitions {
            let expansion = expander.expandDefinition(definition.name)
            guard !expansion.broken else { continue }
            if case .failure(let error) = compileRegex(expansion, options: .duplicateNames) {
                failures[definition.name] = (error, expansion.references)
            }
        }
        let invalid = Set(failures.keys)
        for definition in orderedDefinitions {
            guard let (error, references) = failures[definition.name], references.isDisjoint(with: invalid) else {
                continue
            }
            errors.append(error)
        }

        var rules: [PatternRule] = []
        var ruleNames: [String: PatternLocation] = [:]
        for declaration in declarations {
            if let first = ruleNames[declaration.name] {
                errors.append(
                    PatternError(
                        .duplicateName, "rule \(declaration.name) is already declared at \(first)",
                        at: declaration.location))
                continue
            }
            ruleNames[declaration.name] = declaration.location
            let expansion = expander.expand(declaration.body)
            guard !expansion.broken, expansion.references.isDisjoint(with: invalid) else { continue }
            // Rules match from the start of their input; `.` may match any byte because lines
            // never contain `\n` (PCRE2 then skips newline checks on trailing `.*`).
            var options: CompiledRegex.Options = [.duplicateNames, .dotAll]
            if declaration.kind != .scan { options.insert(.anchored) }
            switch compileRegex(expansion, options: options) {
            case .failure(let error): errors.append(error)
            case .success(let regex):
                var captures: [PatternRule.Capture] = []
                for (name, type) in expansion.captures where !captures.contains(where: { $0.name == name }) {
                    captures.append(.init(name: name, type: type, groups: regex.groups(named: name)))
                }
                rules.append(
                    PatternRule(
                        kind: declaration.kind, name: declaration.name, formats: declaration.formats,
                        literal: declaration.literal, regex: regex, captures: captures,
                        location: declaration.location, examples: declaration.examples))
            }
        }
        errors += expander.errors
        let set = PatternSet(rules: rules, definitionCount: orderedDefinitions.count, fileCount: sources.count)
        return (set, errors)
    }

    private static func compileRegex(_ expansion: GrokExpander.Expansion, options: CompiledRegex.Options)
        -> Result<CompiledRegex, PatternError>
    {
        do {
            return .success(try CompiledRegex(String(decoding: expansion.text, as: UTF8.self), options: options))
        } catch {
            let (location, reference) = expansion.location(ofOffset: error.offset)
            let prefix = reference.map { "in the expansion of %{\($0)}: " } ?? ""
            return .failure(PatternError(.regex, prefix + error.message, at: location))
        }
    }
}
