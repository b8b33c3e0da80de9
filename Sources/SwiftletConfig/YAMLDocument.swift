import Yams

/// Parses YAML text into a ``ConfigNode`` tree, turning Yams' errors into ``ConfigError``s.
enum YAMLDocument {
    /// The single document in `yaml`; an empty text or a syntax error throws.
    ///
    /// Scalars are typed by YAML 1.2's core schema: only `true`/`false` are booleans (a
    /// `yes`, `on` or `NO` stays a string) and dates stay strings. Aliases are resolved;
    /// merge keys (`<<`) are not supported and read as an unknown key.
    static func root(of yaml: String) throws(ConfigError) -> ConfigNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml, resolver())
        } catch let error as YamlError {
            throw configError(error)
        } catch {
            throw ConfigError(path: "", message: "not valid YAML: \(error)")
        }
        guard let node else { throw ConfigError(path: "", message: "the configuration is empty") }
        return ConfigNode(root: node)
    }

    private static func resolver() -> Resolver {
        // Yams' rules are compiled patterns; `true`/`false` only, as in YAML 1.2.
        let bool = try! Resolver.Rule(.bool, "^(?:true|True|TRUE|false|False|FALSE)$")
        return Resolver.default.removing(.timestamp).removing(.merge).removing(.value).replacing(bool)
    }

    private static func configError(_ error: YamlError) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return ConfigError(path: "", message: "not valid YAML: \(detail)", line: mark.line)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(path: "", message: "duplicate key \(duplicates.joined(separator: ", ")) in one mapping",
                               line: context.mark.line)
        default:
            return ConfigError(path: "", message: "not valid YAML: \(error)")
        }
    }
}
