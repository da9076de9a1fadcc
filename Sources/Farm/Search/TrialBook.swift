/// What a fidelity sweep's coordinator knows of its trials as it runs: which
/// tasks are settled, what each running trial reported, and (with early
/// stopping) the metrics at each rung and the decisions taken. A pure value:
/// the coordinator feeds it reports and trial ends and carries out what it
/// answers (rows to store, decisions to record, jobs to stop).
///
/// Replicates are decided together. A configuration's decision at a rung is
/// taken once each of its replicates has reported there or is not running
/// (pending, held back, or ended without reaching it), on the mean of the
/// reports at that moment; replicates that reach the rung later follow it.
/// Its place is counted among the configurations decided at that rung so far
/// (the asynchronous rule of ASHA): it goes on if it is among the best
/// max(1, ⌊n/eta⌋) of those n. A missing or non-numeric metric ranks worst.
package struct TrialBook: Sendable {
    package let plan: SearchPlan
    /// Per task: pending (any unsettled state), done, failed or pruned.
    package private(set) var states: [TaskState]
    /// Per trial running now: the largest fidelity value it reported in this run.
    private var lastValue: [Int32: Double] = [:]
    /// Per configuration and rung position: each replicate's metric (NaN: missing, ranks worst).
    private var reports: [Int32: [Int: [Int: Double]]] = [:]
    /// Per configuration: the rung positions decided, and whether it was pruned.
    private var decided: [Int32: [Int: Bool]] = [:]
    package private(set) var prunedConfigs: Set<Int32> = []
    /// Per rung position: the mean metrics of the configurations decided there (worst as ±infinity).
    private var competitors: [Int: [Double]] = [:]
    private let configByKey: [String: Int32]

    package init(plan: SearchPlan, states: [TaskState], reports: [RungReport] = [], decisions: [RungDecision] = []) {
        self.plan = plan
        self.states = states
        configByKey = Dictionary(plan.configKeys.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        for r in reports {
            guard let config = configByKey[r.config], let rung = rungPosition(of: r.rung) else { continue }
            self.reports[config, default: [:]][rung, default: [:]][r.replicate] = r.metric ?? .nan
        }
        for d in decisions {
            guard let config = configByKey[d.config], let rung = rungPosition(of: d.rung) else { continue }
            decided[config, default: [:]][rung] = d.prune
            competitors[rung, default: []].append(score(d.metric))
            if d.prune { prunedConfigs.insert(config) }
        }
    }

    // MARK: Trials

    /// The task a trial runs as: its unsettled task of the largest value (nil: nothing left, or pruned).
    package func representative(of trial: Int32) -> Int32? {
        guard !prunedConfigs.contains(plan.configOf[Int(trial)]) else { return nil }
        return plan.members[Int(trial)].last { states[Int($0)] == .pending }
    }

    /// The level a rerun continues from: the largest done one below every unsettled one.
    package func resumeFrom(_ trial: Int32) -> Int? {
        var best: Int?
        for task in plan.members[Int(trial)] {
            switch states[Int(task)] {
            case .done: best = Int(plan.levelOf[Int(task)])
            case .pending: return best
            default: continue
            }
        }
        return best
    }

    /// A trial's tasks still unsettled, up to `level`.
    package func unsettled(_ trial: Int32, upTo level: Int) -> [Int32] {
        plan.members[Int(trial)].filter { states[Int($0)] == .pending && Int(plan.levelOf[Int($0)]) <= level }
    }

    package mutating func started(_ trial: Int32) {
        lastValue[trial] = nil
    }

    package mutating func settle(_ task: Int32, as state: TaskState) {
        states[Int(task)] = state
    }

    /// What a report line of a running trial becomes.
    package enum Verdict: Equatable, Sendable {
        /// The row of this task (now done), at this level.
        case store(task: Int32, level: Int)
        /// Not a row: a value that is no budget, or already done (silent when `problem` is nil).
        case skip(problem: String?)
    }

    package mutating func accept(_ row: ResultRow, of trial: Int32) -> Verdict {
        let key = plan.fidelity.report
        guard !row.columns.isEmpty else { return .skip(problem: "a report line that is not a JSON object") }
        guard let at = row.columns.firstIndex(of: key), let value = row.values[at].number else {
            return .skip(problem: "a report whose \(key) is not a number")
        }
        if let last = lastValue[trial] {
            if value < last { return .skip(problem: "\(key) went down from \(plan.text(of: last)) to \(plan.text(of: value))") }
            if value == last { return .skip(problem: "\(key)=\(plan.text(of: value)) reported twice") }
        }
        lastValue[trial] = value
        guard let level = plan.level(of: value),
              let task = plan.members[Int(trial)].first(where: { Int(plan.levelOf[Int($0)]) == level }),
              states[Int(task)] == .pending else { return .skip(problem: nil) }
        states[Int(task)] = .done
        return .store(task: task, level: level)
    }

    /// The largest value a running trial reported, for messages.
    package func lastReported(_ trial: Int32) -> Double? { lastValue[trial] }

    // MARK: Early stopping

    package func rungPosition(of value: Double) -> Int? {
        guard let level = plan.level(of: value) else { return nil }
        return plan.rungs.firstIndex(of: level)
    }

    /// Notes a replicate's metric at a rung (the first report there stands).
    package mutating func record(config: Int32, rung: Int, replicate: Int, metric: Double?) {
        if reports[config]?[rung]?[replicate] == nil { reports[config, default: [:]][rung, default: [:]][replicate] = metric ?? .nan }
    }

    /// Every decision the configuration is ready for, in rung order; `isRunning` says whether a trial runs (or is held).
    package mutating func decide(_ config: Int32, isRunning: (Int32) -> Bool) -> [RungDecision] {
        guard let asha = plan.asha else { return [] }
        var made: [RungDecision] = []
        for rung in plan.rungs.indices {
            if let prune = decided[config]?[rung] {
                if prune { break }
                continue
            }
            guard let atRung = reports[config]?[rung], !atRung.isEmpty else { break }
            let trials = plan.trialsOf[Int(config)]
            guard trials.allSatisfy({ atRung[Int(plan.replicateOf[Int($0)])] != nil || !isRunning($0) }) else { break }
            let metrics = Array(atRung.values)
            let sum = metrics.reduce(0, +)
            let mean: Double? = sum.isFinite ? sum / Double(metrics.count) : nil
            let mine = score(mean)
            let others = competitors[rung] ?? []
            let place = 1 + others.filter { $0 < mine }.count
            let n = others.count + 1
            let prune = place > max(1, n / asha.eta)
            competitors[rung, default: []].append(mine)
            decided[config, default: [:]][rung] = prune
            made.append(RungDecision(config: plan.configKeys[Int(config)], rung: plan.values[plan.rungs[rung]], metric: mean,
                                     reports: metrics.count, place: place, competitors: n, prune: prune))
            if prune {
                prunedConfigs.insert(config)
                break
            }
        }
        return made
    }

    /// Configurations with reports that wait for a decision (at resume, when nothing runs yet).
    package var undecided: [Int32] {
        reports.keys.filter { config in
            reports[config]!.keys.contains { decided[config]?[$0] == nil } && !prunedConfigs.contains(config)
        }.sorted()
    }

    /// A metric as a number to sort ascending: better is smaller, missing is worst.
    private func score(_ metric: Double?) -> Double {
        guard let metric, metric.isFinite else { return .infinity }
        return plan.metric?.goal == .maximize ? -metric : metric
    }
}
