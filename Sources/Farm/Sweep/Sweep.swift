import Foundation

/// A sweep expanded into tasks: every combination of parameter values that
/// passes `where`, times the replicates. Tasks are addressed by an index in
/// this expansion; a task's identity (its key) is its table, parameter values
/// and replicate, never its command line, so fixing a typo in the command
/// does not re-run finished work.
public struct Sweep: Sendable {
    public let spec: SweepSpec
    public let template: CommandTemplate
    public let constraint: Constraint?
    /// Parameter names in the order the spec gives them.
    public let names: [String]
    /// Combinations that pass `where`, each a value per name.
    public let combinations: [[ParameterValue]]
    /// Indices of `names` sorted by name, for keys that do not depend on order.
    private let sortedNameIndices: [Int]

    public init(_ spec: SweepSpec) throws(SweepError) {
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
        if let condition = spec.condition, !condition.trimmingCharacters(in: .whitespaces).isEmpty {
            constraint = try Constraint(condition, parameters: names)
        } else {
            constraint = nil
        }
        sortedNameIndices = names.indices.sorted { names[$0] < names[$1] }
        var total = 1
        for domain in spec.parameters {
            let (product, overflow) = total.multipliedReportingOverflow(by: domain.values.count)
            guard !overflow, product <= 50_000_000 else {
                throw SweepError("the sweep has more than 50,000,000 combinations; narrow a range or add a where condition")
            }
            total = product
        }
        var combinations: [[ParameterValue]] = []
        combinations.reserveCapacity(constraint == nil ? total : 0)
        var counters = [Int](repeating: 0, count: names.count)
        var current = spec.parameters.map { $0.values[0] }
        let domains = spec.parameters
        let lookupIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        for _ in 0..<total {
            if let constraint {
                let values = current
                if try constraint.accepts({ values[lookupIndex[$0]!] }) { combinations.append(current) }
            } else {
                combinations.append(current)
            }
            // Advance the last parameter fastest, like nested loops in the order written.
            var k = names.count - 1
            while k >= 0 {
                counters[k] += 1
                if counters[k] < domains[k].values.count { current[k] = domains[k].values[counters[k]]; break }
                counters[k] = 0
                current[k] = domains[k].values[0]
                k -= 1
            }
        }
        if combinations.isEmpty {
            throw SweepError(constraint != nil
                ? "where \"\(spec.condition ?? "")\" leaves no combination; loosen the condition"
                : "the sweep has no tasks")
        }
        self.combinations = combinations
    }

    public var taskCount: Int { combinations.count * spec.replicates }

    /// The combination and replicate (1-based) of task `index`.
    @inline(__always)
    public func address(of index: Int) -> (combination: Int, replicate: Int) {
        (index / spec.replicates, index % spec.replicates + 1)
    }

    /// A task's identity: its parameter values (sorted by name) and replicate.
    public func key(of index: Int) -> String {
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
    public func parametersJSON(of index: Int) -> String {
        let values = combinations[address(of: index).combination]
        return JSONValue.object(names.enumerated().map { ($1, values[$0].json) }).jsonText
    }

    /// The parameter values of task `index`, in spec order.
    public func parameters(of index: Int) -> [(name: String, value: ParameterValue)] {
        let values = combinations[address(of: index).combination]
        return names.enumerated().map { ($1, values[$0]) }
    }

    /// The argv of task `index` whose ledger id is `taskID`.
    public func argv(of index: Int, taskID: Int64) -> [String] {
        let (c, r) = address(of: index)
        let values = combinations[c]
        return template.render { name in
            switch name {
            case "replicate": return String(r)
            case "task": return String(taskID)
            default: return values[names.firstIndex(of: name)!].description
            }
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
