/// A fidelity sweep's tasks grouped the way they run: tasks that differ only
/// in the fidelity parameter form one *trial* (one job, run to the largest
/// value still needed, whose reports become the tasks' rows), and trials that
/// differ only in their replicate form one *configuration* (what early stopping
/// ranks). Built once from the expanded sweep; indices are task indices of
/// `Sweep`.
package struct SearchPlan: Sendable {
    package let fidelity: FidelitySpec
    /// The fidelity parameter's index in `Sweep.names`.
    package let parameterIndex: Int
    /// Its values, ascending: a task's *level* is its value's position here; and each as the sweep writes it.
    package let values: [Double]
    package let texts: [String]
    package let metric: MetricSpec?
    package let asha: EarlyTermination?
    /// Levels that are rungs (ascending, never the last level).
    package let rungs: [Int]
    /// Per task: its trial and level.
    package let trialOf: [Int32]
    package let levelOf: [UInt16]
    /// Per trial: its tasks, by level ascending; its configuration and replicate.
    package let members: [[Int32]]
    package let configOf: [Int32]
    package let replicateOf: [Int32]
    /// Per configuration: its trials, and its key in the ledger (parameters but the fidelity, as JSON).
    package let trialsOf: [[Int32]]
    package let configKeys: [String]

    /// The plan of `sweep`, or nil without `fidelity:`; checks the search keys against the parameters.
    static func make(_ spec: SweepSpec, names: [String], combinations: [[ParameterValue]]) throws(SweepError) -> SearchPlan? {
        guard let fidelity = spec.fidelity else {
            if spec.earlyTerminate != nil {
                throw SweepError("early_terminate needs fidelity: the budget parameter it stops early over, e.g. fidelity: epochs")
            }
            return nil
        }
        let p = fidelity.parameter
        guard let index = names.firstIndex(of: p), let domain = spec.parameters.first(where: { $0.name == p }) else {
            throw SweepError("fidelity names \(p), which is not a parameter; name one of \(names.joined(separator: ", "))")
        }
        guard domain.distribution == nil else {
            throw SweepError("fidelity \(p) is sampled (\(domain.distribution!)); the budget must be a list or range such as 25..400..25")
        }
        var values: [Double] = []
        for value in domain.values {
            guard let number = value.number, number.isFinite else {
                throw SweepError("fidelity \(p) has the value \(value), not a number; the budget must be numeric (epochs, iterations)")
            }
            values.append(number)
        }
        guard values.count >= 2 else {
            throw SweepError("fidelity \(p) has one value; give the budgets the job reports at, e.g. \(p): 25..400..25")
        }
        if spec.earlyTerminate != nil, spec.metric == nil {
            throw SweepError("early_terminate needs metric: the result key it ranks by, e.g. metric: {name: val_loss, goal: minimize}")
        }
        let texts = zip(values, domain.values).sorted { $0.0 < $1.0 }.map { $0.1.description }
        values.sort()
        let rungs = try Self.rungs(spec.earlyTerminate, values: values, parameter: p)
        let level = Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1, UInt16($0)) })
        let replicates = spec.replicates
        var configIndex: [[ParameterValue]: Int32] = [:]
        var configKeys: [String] = []
        var trialsOf: [[Int32]] = []
        var trialOf = [Int32](repeating: 0, count: combinations.count * replicates)
        var levelOf = [UInt16](repeating: 0, count: trialOf.count)
        var members: [[(level: UInt16, task: Int32)]] = []
        var configOf: [Int32] = []
        var replicateOf: [Int32] = []
        let others = names.indices.filter { $0 != index }.sorted { names[$0] < names[$1] }
        for (c, combination) in combinations.enumerated() {
            var rest = combination
            rest.remove(at: index)
            let config: Int32
            if let known = configIndex[rest] {
                config = known
            } else {
                config = Int32(configKeys.count)
                configIndex[rest] = config
                configKeys.append(JSONValue.object(others.map { (names[$0], combination[$0].json) }).jsonText)
                trialsOf.append((0..<replicates).map { Int32(Int(config) * replicates + $0) })
                for r in 0..<replicates {
                    members.append([])
                    configOf.append(config)
                    replicateOf.append(Int32(r + 1))
                }
            }
            let l = level[combination[index].number!]!
            for r in 0..<replicates {
                let task = c * replicates + r
                let trial = Int(config) * replicates + r
                trialOf[task] = Int32(trial)
                levelOf[task] = l
                members[trial].append((l, Int32(task)))
            }
        }
        return SearchPlan(fidelity: fidelity, parameterIndex: index, values: values, texts: texts, metric: spec.metric, asha: spec.earlyTerminate,
                          rungs: rungs, trialOf: trialOf, levelOf: levelOf,
                          members: members.map { $0.sorted { $0.level < $1.level }.map(\.task) },
                          configOf: configOf, replicateOf: replicateOf, trialsOf: trialsOf, configKeys: configKeys)
    }

    /// Rungs at min·eta^k, each snapped to the smallest value at or above it; the last value is the end, not a rung.
    static func rungs(_ asha: EarlyTermination?, values: [Double], parameter: String) throws(SweepError) -> [Int] {
        guard let asha else { return [] }
        let first = asha.minimum ?? values[0]
        guard first < values[values.count - 1] else {
            throw SweepError("early_terminate min \(ParameterValue.shortest(first)) is not below \(parameter)'s largest value \(ParameterValue.shortest(values[values.count - 1])); lower it")
        }
        var rungs: [Int] = []
        var target = first
        while let level = values.firstIndex(where: { $0 >= target * (1 - 1e-12) }), level < values.count - 1 {
            if rungs.last != level { rungs.append(level) }
            target *= Double(asha.eta)
        }
        return rungs
    }

    package var trialCount: Int { members.count }

    /// The level of a reported fidelity value, if it is one of the parameter's values.
    package func level(of value: Double) -> Int? {
        var low = 0, high = values.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let v = values[mid]
            if abs(v - value) <= 1e-9 * max(1, abs(v)) { return mid }
            if v < value { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }

    /// A reported value as text: as the sweep writes it when it is one of the values, else the shortest form.
    package func text(of value: Double) -> String {
        if let level = level(of: value) { return texts[level] }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// Text for a fidelity value, as the parameter prints it.
    package func valueText(_ level: Int) -> String {
        "\(fidelity.parameter)=\(texts[level])"
    }
}
