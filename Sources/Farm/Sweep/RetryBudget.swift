import Foundation
import Yams

/// How many times a failed task is run again, per way of failing.
///
/// `retries: 2` gives every class two retries; a map gives each its own:
/// `retries: {timeout: 0, exit: 2, default: 1}`. A retry budget exists because
/// failures differ: a timeout rarely passes on a second try, a flaky exit
/// often does. Interruptions by farm's own shutdown never use up a retry.
///
/// `lost` is the exception: a run the farm lost (its worker rank or farmrun
/// died while the job ran) counts against the task only by its share of the
/// crash (1/k when k tasks were running), and its budget is 2 unless the map
/// names it, so that hard kills of a whole farm never fail innocent tasks
/// while a task that keeps killing its rank is quarantined after three crashes.
package struct RetryBudget: Sendable, Equatable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The budget of every class the map does not name.
    package var `default`: Int
    /// Budgets named per class.
    package var perClass: [TaskOutcome.Failure: Int]

    /// The budget of `lost` when the map does not name it.
    package static let defaultLost = 2
    /// The classes a map may name.
    package static let classes: [TaskOutcome.Failure] = [.timeout, .signal, .exit, .output, .spawn, .lost]

    package init(_ retries: Int = 0, perClass: [TaskOutcome.Failure: Int] = [:]) {
        self.default = retries
        self.perClass = perClass
    }

    package init(integerLiteral value: Int) {
        self.init(value)
    }

    /// The retries allowed after failures of `failure`'s class.
    package func budget(for failure: TaskOutcome.Failure) -> Int {
        if let n = perClass[failure] { return n }
        return failure == .lost ? RetryBudget.defaultLost : self.default
    }

    /// Whether a task whose failures of each class are `counts` may run again.
    package func allows(_ counts: FailureCounts) -> Bool {
        for (failure, n) in counts.counts where n > budget(for: failure) { return false }
        return counts.lostShare <= Double(budget(for: .lost)) + 1e-9
    }

    /// The same budget with every class raised to at least `minimum`.
    package func raised(to minimum: Int) -> RetryBudget {
        RetryBudget(max(self.default, minimum), perClass: perClass.mapValues { max($0, minimum) })
    }

    /// `2`, or `{timeout: 0, exit: 2, default: 1}` (the YAML a sweep file holds).
    package var description: String {
        guard !perClass.isEmpty else { return String(self.default) }
        let named = RetryBudget.classes.compactMap { c in perClass[c].map { "\(c.rawValue): \($0)" } }
        return "{" + (named + ["default: \(self.default)"]).joined(separator: ", ") + "}"
    }

    /// As the ledger stores it in the sweep's JSON: a number, or an object per class.
    var json: JSONValue {
        guard !perClass.isEmpty else { return .integer(Int64(self.default)) }
        let named = RetryBudget.classes.compactMap { c in perClass[c].map { (c.rawValue, JSONValue.integer(Int64($0))) } }
        return .object(named + [("default", .integer(Int64(self.default)))])
    }

    init?(json: JSONValue) {
        switch json {
        case .integer(let n): self.init(Int(n))
        case .object(let members):
            self.init()
            for (key, value) in members {
                guard case .integer(let n) = value else { continue }
                if key == "default" { self.default = Int(n) } else if let c = TaskOutcome.Failure(rawValue: key) { perClass[c] = Int(n) }
            }
        default: return nil
        }
    }

    /// Reads `--retries`: `2`, or `exit=2,timeout=0[,default=1]`.
    package init(parsing text: String) throws(SweepError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let n = Int(trimmed) {
            guard n >= 0 else { throw SweepError("--retries must be 0 or more (got \(text))") }
            self.init(n)
            return
        }
        self.init()
        for item in trimmed.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else {
                throw SweepError("--retries \(text): write a number, or class=number pairs such as exit=2,timeout=0,default=1")
            }
            try set(parts[0], parts[1], what: "--retries")
        }
    }

    /// Reads the `retries:` of a sweep file: a number or a mapping.
    static func parse(_ node: Node) throws(SweepError) -> RetryBudget {
        if let s = node.scalar?.string {
            guard let n = Int(s), n >= 0 else {
                throw SweepError("retries must be a whole number of 0 or more, or a map such as {exit: 2, timeout: 0} (got \"\(s)\")")
            }
            return RetryBudget(n)
        }
        guard let mapping = node.mapping else {
            throw SweepError("retries must be a whole number, or a map of failure class to number such as {exit: 2, timeout: 0, default: 1}")
        }
        var budget = RetryBudget()
        for (keyNode, valueNode) in mapping {
            try budget.set(keyNode.string ?? "", valueNode.scalar?.string ?? SweepSpec.describe(valueNode), what: "retries")
        }
        return budget
    }

    private mutating func set(_ key: String, _ value: String, what: String) throws(SweepError) {
        guard let n = Int(value), n >= 0 else {
            throw SweepError("\(what): \(key) must be a whole number of 0 or more (got \(value))")
        }
        if key == "default" {
            self.default = n
            return
        }
        if key == TaskOutcome.Failure.interrupted.rawValue {
            throw SweepError("\(what): interruptions by farm's own shutdown never use up a retry; leave \"interrupted\" out")
        }
        guard let failure = TaskOutcome.Failure(rawValue: key), RetryBudget.classes.contains(failure) else {
            let names = RetryBudget.classes.map(\.rawValue) + ["default"]
            throw SweepError("\(what): unknown failure class \"\(key)\"; use \(names.joined(separator: ", "))")
        }
        perClass[failure] = n
    }
}

/// A task's failures so far, per class, and its share of the crashes it was
/// lost in: what its retry budget is checked against.
package struct FailureCounts: Sendable, Equatable {
    package var counts: [TaskOutcome.Failure: Int] = [:]
    /// The sum of 1/k over the crashes it was lost in (k tasks were running each time).
    package var lostShare: Double = 0
    /// How many crashes it was lost in.
    package var lostRuns: Int = 0

    package init(counts: [TaskOutcome.Failure: Int] = [:], lostShare: Double = 0, lostRuns: Int = 0) {
        self.counts = counts
        self.lostShare = lostShare
        self.lostRuns = lostRuns
    }

    /// Failures of every class but `lost` (what FARM_ATTEMPT counts).
    package var total: Int { counts.values.reduce(0, +) }

    package var isEmpty: Bool { counts.isEmpty && lostRuns == 0 }

    /// The JSON the ledger keeps in farm_task.failure_counts: {"exit": 2, "timeout": 1}.
    var jsonText: String {
        JSONValue.object(counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, .integer(Int64($0.value))) }).jsonText
    }

    init(jsonText: String?, lostShare: Double, lostRuns: Int) {
        self.lostShare = lostShare
        self.lostRuns = lostRuns
        guard let jsonText, case .object(let members)? = try? JSONParser.parseOne(Array(jsonText.utf8)) else { return }
        for (key, value) in members {
            if let failure = TaskOutcome.Failure(rawValue: key), case .integer(let n) = value { counts[failure] = Int(n) }
        }
    }
}
