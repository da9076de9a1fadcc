import Foundation

/// A sweep expanded into tasks: every combination of parameter values that
/// passes `where`, times the replicates. Tasks are addressed by an index in
/// this expansion; a task's identity (its key) is its table, parameter values
/// and replicate, never its command line, so fixing a typo in the command
/// does not re-run finished work.
package struct Sweep: Sendable {
    package let spec: SweepSpec
    package let template: CommandTemplate
    /// The `env:` values as templates, by variable name (sorted).
    let environmentTemplates: [(name: String, template: CommandTemplate?)]
    package let constraint: Constraint?
    /// Parameter names in the order the spec gives them.
    package let names: [String]
    /// Combinations that pass `where`, each a value per name.
    package let combinations: [[ParameterValue]]
    /// With `method: random` or `sobol`: the sampled parameters' values (in spec order) of each point.
    package let points: [[ParameterValue]]
    /// With `fidelity:`, how tasks group into trials and configurations.
    package let search: SearchPlan?
    /// What each task needs of the rank that runs it (`resources:`).
    package let demands: TaskDemands
    /// Indices of `names` sorted by name, for keys that do not depend on order.
    private let sortedNameIndices: [Int]

    package init(_ spec: SweepSpec) throws(SweepError) {
        try ResultsTable.validateForSweep(spec.table)
        guard spec.replicates >= 1 else { throw SweepError("replicates must be at least 1") }
        let names = spec.parameters.map(\.name)
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw SweepError("parameter \(name) is given twice; give each parameter once")
        }
        self.spec = spec
        self.names = names
        template = try CommandTemplate(spec.command, parameters: names)
        var environmentTemplates: [(name: String, template: CommandTemplate?)] = []
        for (name, value) in spec.environment.sorted(by: { $0.key < $1.key }) {
            // nil: the empty value (a template needs a program-like first piece).
            environmentTemplates.append((name, value.isEmpty ? nil : try CommandTemplate([value], parameters: names, context: "env \(name)")))
        }
        self.environmentTemplates = environmentTemplates
        if let condition = spec.condition, !condition.trimmingCharacters(in: .whitespaces).isEmpty {
            constraint = try Constraint(condition, parameters: names)
        } else {
            constraint = nil
        }
        sortedNameIndices = names.indices.sorted { names[$0] < names[$1] }
        // The grid's size first: a sweep too large is refused before any point is drawn.
        var gridSize = 1
        for domain in spec.parameters where domain.distribution == nil {
            let (product, overflow) = gridSize.multipliedReportingOverflow(by: domain.values.count)
            guard !overflow, product <= 50_000_000 else {
                throw SweepError("the sweep has more than 50,000,000 combinations; narrow a range, lower samples or add a where condition")
            }
            gridSize = product
        }
        if spec.method != .grid, let samples = spec.samples, samples > 50_000_000 / gridSize {
            throw SweepError("the sweep has more than 50,000,000 combinations (\(samples) samples × \(gridSize) grid combinations); lower samples, narrow a range or add a where condition")
        }
        points = try Sweep.samplePoints(spec)
        // Axes: each list or range parameter, in the order written, then the sampled points as one more
        // (the last advances fastest, like nested loops). A sampled parameter takes its point's value.
        let sampled = spec.parameters.indices.filter { spec.parameters[$0].distribution != nil }
        let grid = spec.parameters.indices.filter { spec.parameters[$0].distribution == nil }
        var sizes = grid.map { spec.parameters[$0].values.count }
        if !sampled.isEmpty { sizes.append(points.count) }
        var total = 1
        for size in sizes {
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= 50_000_000 else {
                throw SweepError("the sweep has more than 50,000,000 combinations; narrow a range, lower samples or add a where condition")
            }
            total = product
        }
        var combinations: [[ParameterValue]] = []
        combinations.reserveCapacity(constraint == nil ? total : 0)
        var counters = [Int](repeating: 0, count: sizes.count)
        var current = [ParameterValue](repeating: .integer(0), count: names.count)
        let points = self.points
        func fill(axis: Int) {
            if axis < grid.count {
                current[grid[axis]] = spec.parameters[grid[axis]].values[counters[axis]]
            } else {
                for (j, p) in sampled.enumerated() { current[p] = points[counters[axis]][j] }
            }
        }
        for axis in sizes.indices { fill(axis: axis) }
        let lookupIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        for _ in 0..<total {
            if let constraint {
                let values = current
                if try constraint.accepts({ values[lookupIndex[$0]!] }) { combinations.append(current) }
            } else {
                combinations.append(current)
            }
            var k = sizes.count - 1
            while k >= 0 {
                counters[k] += 1
                if counters[k] < sizes[k] { fill(axis: k); break }
                counters[k] = 0
                fill(axis: k)
                k -= 1
            }
        }
        if combinations.isEmpty {
            throw SweepError(constraint != nil
                ? "where \"\(spec.condition ?? "")\" leaves no combination; loosen the condition"
                : "the sweep has no tasks")
        }
        let (tasks, overflow) = combinations.count.multipliedReportingOverflow(by: spec.replicates)
        guard !overflow, tasks <= 50_000_000 else {
            throw SweepError("the sweep has more than 50,000,000 tasks (\(combinations.count) combinations × \(spec.replicates) replicates); lower replicates, narrow a range or add a where condition")
        }
        self.combinations = combinations
        demands = try TaskDemands(spec.resources, names: names, combinations: combinations)
        search = try SearchPlan.make(spec, names: names, combinations: combinations)
    }

    package var taskCount: Int { combinations.count * spec.replicates }

    /// The points of a sampled sweep, checking that method, samples and distributions agree.
    static func samplePoints(_ spec: SweepSpec) throws(SweepError) -> [[ParameterValue]] {
        let distributions = spec.parameters.compactMap { domain in domain.distribution.map { (domain.name, $0) } }
        switch spec.method {
        case .grid:
            if let (name, distribution) = distributions.first {
                throw SweepError("parameter \(name) is a distribution (\(distribution)), which the grid cannot enumerate; add method: sobol (or random) and samples: N")
            }
            return []
        case .random, .sobol:
            guard !distributions.isEmpty else {
                throw SweepError("method \(spec.method.rawValue) samples distributions, and no parameter is one; give one such as lr: loguniform(1e-4, 1e-1), or use method: grid")
            }
            guard let samples = spec.samples else {
                throw SweepError("method \(spec.method.rawValue) needs samples: N, the number of points to draw")
            }
            let unit = try SamplePoints.unitPoints(spec.method, dimensions: distributions.count, count: samples, seed: spec.seed)
            return unit.map { u in zip(distributions, u).map { $0.1.value(at: $1) } }
        }
    }

    /// The combination and replicate (1-based) of task `index`.
    @inline(__always)
    package func address(of index: Int) -> (combination: Int, replicate: Int) {
        (index / spec.replicates, index % spec.replicates + 1)
    }

    /// A task's identity: its parameter values (sorted by name) and replicate.
    package func key(of index: Int) -> String {
        let (c, r) = address(of: index)
        var text = "{"
        let values = combinations[c]
        for (n, i) in sortedNameIndices.enumerated() {
            if n > 0 { text += "," }
            JSONValue.writeQuoted(names[i], to: &text)
            text += ":"
            text += values[i].json.jsonText
        }
        text += "}#"
        text += String(r)
        return text
    }

    /// The parameter values of task `index` as a JSON object (for the ledger).
    package func parametersJSON(of index: Int) -> String {
        let values = combinations[address(of: index).combination]
        return JSONValue.object(names.enumerated().map { ($1, values[$0].json) }).jsonText
    }

    /// The parameter values of task `index`, in spec order.
    package func parameters(of index: Int) -> [(name: String, value: ParameterValue)] {
        let values = combinations[address(of: index).combination]
        return names.enumerated().map { ($1, values[$0]) }
    }

    /// The argv of task `index` whose ledger id is `taskID`.
    package func argv(of index: Int, taskID: Int64) -> [String] {
        let (c, r) = address(of: index)
        return template.render { placeholder($0, values: combinations[c], replicate: r, taskID: taskID) }
    }

    /// What task `index` needs of the rank that runs it.
    package func demand(of index: Int) -> TaskDemand {
        demands[address(of: index).combination]
    }

    /// Whether the sweep has `env:` variables of its own.
    package var hasEnvironment: Bool { !environmentTemplates.isEmpty }

    /// The `env:` variables of task `index`, filled like its argv.
    package func environment(of index: Int, taskID: Int64) -> [String: String] {
        let (c, r) = address(of: index)
        var environment: [String: String] = [:]
        for (name, template) in environmentTemplates {
            environment[name] = template?.render { placeholder($0, values: combinations[c], replicate: r, taskID: taskID) }.first ?? ""
        }
        return environment
    }

    /// The text of `{name}` for a task.
    private func placeholder(_ name: String, values: [ParameterValue], replicate: Int, taskID: Int64) -> String {
        switch name {
        case "replicate": return String(replicate)
        case "task": return String(taskID)
        default: return values[names.firstIndex(of: name)!].description
        }
    }
}

extension ResultsTable {
    static func validateForSweep(_ name: String) throws(SweepError) {
        do {
            try validate(tableName: name)
        } catch {
            throw SweepError("table: \(error.description)")
        }
    }
}
