import Foundation
import Yams

/// What a user asks for: a command template, parameters with their values, an
/// optional `where`, replicates, and per-task limits. Read from a YAML file or
/// from `farmrun` options; both forms give the same spec.
package struct SweepSpec: Sendable, Equatable {
    package var command: [String]
    package var table: String
    package var parameters: [ParameterDomain]
    package var condition: String?
    package var replicates: Int
    /// Per-task time limit in seconds (nil: none).
    package var timeout: Double?
    /// How many times a failed task is run again, per failure class.
    package var retries: RetryBudget
    /// How points are chosen: the grid, or `samples` points over the sampled parameters.
    package var method: SampleMethod = .grid
    package var samples: Int?
    /// The random method's seed (Sobol points need none).
    package var seed: UInt64 = 0
    /// The parameter that is a training budget: tasks differing only in it run as one job (see `FidelitySpec`).
    package var fidelity: FidelitySpec?
    package var metric: MetricSpec?
    package var earlyTerminate: EarlyTermination?
    /// Extra environment for every job (`env:`), each value a template like the command's arguments.
    package var environment: [String: String] = [:]
    /// What each task needs (`resources:`), so farm places it where that much is free.
    package var resources = ResourceSpec()
    /// The modules each slot's warm Python imports once (`preload:`); nil: every task starts cold.
    package var preload: PreloadSpec?

    package static let defaultTable = "results"

    package init(command: [String], table: String = SweepSpec.defaultTable, parameters: [ParameterDomain],
                condition: String? = nil, replicates: Int = 1, timeout: Double? = nil, retries: RetryBudget = 0) {
        self.command = command
        self.table = table
        self.parameters = parameters
        self.condition = condition
        self.replicates = replicates
        self.timeout = timeout
        self.retries = retries
    }

    static let knownKeys = ["command", "table", "parameters", "where", "replicates", "timeout", "retries", "method", "samples", "seed",
                            "fidelity", "metric", "early_terminate", "env", "resources", "preload", "preload_tasks"]

    /// Reads a sweep file.
    package static func load(path: String) throws(SweepError) -> SweepSpec {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read (\((error as NSError).localizedDescription))" : "no such file"
            throw SweepError("sweep file \(path): \(reason); check the path")
        }
        do {
            return try parse(yaml: text)
        } catch {
            throw SweepError("\(path): \(error.message)")
        }
    }

    /// Parses the YAML text of a sweep.
    package static func parse(yaml: String) throws(SweepError) -> SweepSpec {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw SweepError("not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard let root, let mapping = root.mapping else {
            throw SweepError("a sweep must be a YAML mapping with at least command: and parameters:")
        }
        var command: [String]?
        var spec = SweepSpec(command: [], parameters: [])
        var sawParameters = false
        var recycleAfter: Int?
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw SweepError("a top-level key is not a string") }
            switch key {
            case "command":
                command = try strings(value, what: "command", hint: "[python3, job.py, --epochs, \"{e}\"]")
            case "table":
                guard let s = value.scalar?.string, !s.isEmpty else { throw SweepError("table must be a name such as AlgorithmResult") }
                spec.table = s
            case "parameters":
                sawParameters = true
                guard let params = value.mapping else {
                    throw SweepError("parameters must be a mapping of name to values, e.g. parameters: {e: 25..400..25, a: [relu, linear]}")
                }
                for (nameNode, valuesNode) in params {
                    guard let name = nameNode.string else { throw SweepError("a parameter name is not a string") }
                    spec.parameters.append(try domain(name: name, node: valuesNode))
                }
            case "where":
                guard let s = value.scalar?.string else { throw SweepError("where must be a condition such as \"s < t\"") }
                spec.condition = s
            case "replicates":
                guard let s = value.scalar?.string, let n = Int(s), n >= 1 else {
                    throw SweepError("replicates must be a whole number of at least 1 (got \(describe(value)))")
                }
                spec.replicates = n
            case "timeout":
                guard let s = value.scalar?.string else { throw SweepError("timeout must be a duration such as 30m") }
                let seconds = try DurationText.seconds(s, what: "timeout")
                spec.timeout = seconds > 0 ? seconds : nil
            case "retries":
                spec.retries = try RetryBudget.parse(value)
            case "method":
                spec.method = try Self.method(value.scalar?.string ?? describe(value))
            case "samples":
                spec.samples = try Self.samples(value.scalar?.string ?? describe(value))
            case "seed":
                spec.seed = try Self.seed(value.scalar?.string ?? describe(value))
            case "fidelity":
                spec.fidelity = try Self.fidelity(value)
            case "metric":
                spec.metric = try Self.metric(value)
            case "early_terminate":
                spec.earlyTerminate = try Self.earlyTermination(value)
            case "env":
                spec.environment = try Self.environment(value)
            case "resources":
                spec.resources = try ResourceSpec.parse(value)
            case "preload":
                let modules = try PreloadSpec.modules(value)
                spec.preload = modules.isEmpty ? nil : PreloadSpec(modules: modules)
            case "preload_tasks":
                recycleAfter = try PreloadSpec.recycleAfter(value.scalar?.string ?? describe(value), what: "preload_tasks")
            default:
                throw SweepError("unknown key \"\(key)\"; a sweep has \(knownKeys.joined(separator: ", "))")
            }
        }
        guard let command else { throw SweepError("the sweep has no command; add e.g. command: [python3, job.py, \"{x}\"]") }
        guard sawParameters else { throw SweepError("the sweep has no parameters; add e.g. parameters: {x: [1, 2, 3]}") }
        spec.command = command
        if let recycleAfter {
            guard spec.preload != nil else {
                throw SweepError("preload_tasks is set but nothing is preloaded; add preload: [numpy, …] or remove preload_tasks")
            }
            spec.preload?.recycleAfterTasks = recycleAfter
        }
        return spec
    }

    static func describe(_ node: Node) -> String {
        if let s = node.scalar?.string { return "\"\(s)\"" }
        if node.sequence != nil { return "a list" }
        if node.mapping != nil { return "a mapping" }
        return "something else"
    }

    static func strings(_ node: Node, what: String, hint: String) throws(SweepError) -> [String] {
        guard let sequence = node.sequence else {
            throw SweepError("\(what) must be a list of arguments (argv, never a shell line), e.g. \(hint)")
        }
        var out: [String] = []
        for item in sequence {
            guard let s = item.scalar?.string else {
                throw SweepError("\(what) must be a list of strings; item \(out.count + 1) is \(describe(item))")
            }
            out.append(s)
        }
        return out
    }

    static func domain(name: String, node: Node) throws(SweepError) -> ParameterDomain {
        if let sequence = node.sequence {
            var values: [ParameterValue] = []
            for item in sequence {
                guard let scalar = item.scalar else {
                    throw SweepError("parameter \(name): values must be numbers or strings, not \(describe(item))")
                }
                values.append(value(scalar))
            }
            return try ParameterDomain(name: name, values: values)
        }
        guard let scalar = node.scalar else {
            throw SweepError("parameter \(name) must be a list [a, b], a range 1..10..1 or a distribution such as uniform(0, 1), not a mapping")
        }
        if let distribution = try Distribution.parse(scalar.string, parameter: name) {
            return try ParameterDomain(name: name, distribution: distribution)
        }
        if scalar.style == .plain, let range = try ParameterDomain.range(scalar.string, name: name) {
            return try ParameterDomain(name: name, values: range)
        }
        return try ParameterDomain(name: name, values: [value(scalar)])
    }

    static func value(_ scalar: Node.Scalar) -> ParameterValue {
        scalar.style == .plain ? ParameterValue(parsing: scalar.string) : .text(scalar.string)
    }

    static func method(_ text: String) throws(SweepError) -> SampleMethod {
        guard let method = SampleMethod(rawValue: text) else {
            throw SweepError("method \"\(text)\" is unknown; use \(SampleMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return method
    }

    static func samples(_ text: String) throws(SweepError) -> Int {
        guard let n = Int(text), n >= 1 else { throw SweepError("samples must be a whole number of at least 1 (got \(text))") }
        return n
    }

    static func seed(_ text: String) throws(SweepError) -> UInt64 {
        guard let n = UInt64(text) else { throw SweepError("seed must be a whole number of 0 or more (got \(text))") }
        return n
    }

    /// `env: {NAME: value, …}`: names as the shell allows them, not farm's own `FARM_…`.
    static func environment(_ node: Node) throws(SweepError) -> [String: String] {
        guard let mapping = node.mapping else {
            throw SweepError("env must be a mapping of variable names to values, e.g. env: {XLA_FLAGS: \"--xla_gpu_autotune_level=0\", WANDB_DIR: \"runs/{task}\"}")
        }
        var environment: [String: String] = [:]
        for (keyNode, value) in mapping {
            guard let name = keyNode.string else { throw SweepError("env: a variable name is not a string") }
            try checkEnvironmentName(name, what: "env")
            guard let text = value.scalar?.string else {
                throw SweepError("env \(name): the value must be a string or a number, not \(describe(value))")
            }
            environment[name] = text
        }
        return environment
    }

    /// A variable name: letters, digits and _, not starting with a digit, and not one of farm's own.
    static func checkEnvironmentName(_ name: String, what: String) throws(SweepError) {
        let valid = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
            && !(name.first?.isNumber ?? true)
        guard valid else { throw SweepError("\(what) \(name): a variable name has letters, digits and _, and does not start with a digit") }
        guard !name.hasPrefix("FARM_") else {
            throw SweepError("\(what) \(name): FARM_… variables are farm's own (FARM_TASK_ID, FARM_SEED, …); choose another name")
        }
    }

    /// The spec as JSON, as the ledger stores it.
    package var jsonText: String {
        var members: [(key: String, value: JSONValue)] = [
            ("command", .array(command.map { .string($0) })),
            ("table", .string(table)),
            ("parameters", .object(parameters.map { ($0.name, $0.distribution.map { .string($0.description) } ?? .array($0.values.map(\.json))) })),
            ("replicates", .integer(Int64(replicates))),
            ("retries", retries.json),
        ]
        if let condition { members.append(("where", .string(condition))) }
        if let timeout { members.append(("timeout", .real(timeout))) }
        if method != .grid {
            members.append(("method", .string(method.rawValue)))
            if let samples { members.append(("samples", .integer(Int64(samples)))) }
            members.append(("seed", .integer(Int64(bitPattern: seed))))
        }
        members += searchJSONMembers
        if !environment.isEmpty {
            members.append(("env", .object(environment.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        return JSONValue.object(members).jsonText
    }
}
