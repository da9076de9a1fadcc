import Foundation
import GRDB

/// `farmrun status` for a fidelity sweep: early stopping's decisions per rung,
/// the best configurations so far (their metric at the highest value they
/// reached) and the compute spent against what the full grid costs. Read
/// from the ledger and the results table; a model first, rendered as text.
package struct SearchStatus: Sendable {
    package struct Rung: Sendable, Equatable {
        package var value: String
        package var continued: Int
        package var pruned: Int
    }

    package struct Configuration: Sendable, Equatable {
        /// The parameters but the fidelity, as JSON.
        package var parameters: String
        package var reached: String
        package var metric: Double
        package var replicates: Int
    }

    package let fidelity: String
    package let metric: MetricSpec?
    package let rungs: [Rung]
    package let running: Int
    /// Report lines that could not be stored, and the tasks that printed them.
    package let badReports: Int
    package let tasksWithBadReports: Int
    package let best: [Configuration]
    /// The sum over trials of the largest value reported, every trial run to the largest value, and the grid run as separate jobs.
    package let spent: Double
    package let fullFidelity: Double
    package let grid: Double

    package init(sweep id: Int64, table: String, spec: SweepSpec, in db: Database, top: Int = 5) throws {
        let sweep = try Sweep(spec)
        guard let plan = sweep.search else { throw LedgerError("sweep \(table) has no fidelity") }
        fidelity = plan.fidelity.parameter
        metric = plan.metric
        var rungs: [Rung] = []
        if try db.tableExists("farm_decision") {
            var byRung: [Double: Rung] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT rung, decision, count(*) FROM farm_decision WHERE sweep_id = ? GROUP BY rung, decision", arguments: [id]) {
                let value: Double = row[0]
                var rung = byRung[value] ?? Rung(value: plan.text(of: value), continued: 0, pruned: 0)
                if (row[1] as String) == "prune" { rung.pruned = row[2] } else { rung.continued = row[2] }
                byRung[value] = rung
            }
            rungs = byRung.sorted { $0.key < $1.key }.map(\.value)
        }
        self.rungs = rungs
        running = try Int.fetchOne(db, sql: "SELECT count(*) FROM farm_task WHERE sweep_id = ? AND state = \(TaskState.running.sql)", arguments: [id]) ?? 0
        if try db.columns(in: "farm_task").contains(where: { $0.name == "bad_reports" }),
           let row = try Row.fetchOne(db, sql: "SELECT coalesce(sum(bad_reports), 0), count(*) FROM farm_task WHERE sweep_id = ? AND bad_reports > 0", arguments: [id]) {
            badReports = row[0]
            tasksWithBadReports = row[1]
        } else {
            badReports = 0
            tasksWithBadReports = 0
        }
        // What each trial and configuration reached, from the done tasks and their rows.
        let results = try ResultsTable(name: table, in: db)
        let metricColumn = plan.metric.flatMap { results.column(for: $0.name) }
        let path = "$.\"\(plan.fidelity.parameter)\""
        let metricSQL = metricColumn.map { "r.\(Identifier.quoted($0))" } ?? "NULL"
        let join = results.columns != nil && results.column(for: "task_id") != nil
        let sql = join
            ? "SELECT t.params, t.replicate, json_extract(t.params, ?), \(metricSQL) FROM farm_task t LEFT JOIN \(Identifier.quoted(results.name)) r ON r.task_id = t.id WHERE t.sweep_id = ? AND t.state = \(TaskState.done.sql)"
            : "SELECT t.params, t.replicate, json_extract(t.params, ?), NULL FROM farm_task t WHERE t.sweep_id = ? AND t.state = \(TaskState.done.sql)"
        var trialReach: [String: Double] = [:]
        var configs: [String: (reached: Double, metrics: [Double])] = [:]
        for row in try Row.fetchAll(db, sql: sql, arguments: [path, id]) {
            guard let value = SQLValue(row[2] as DatabaseValue).number else { continue }
            let config = Self.withoutMember(plan.fidelity.parameter, of: row[0])
            let trial = "\(config)#\(row[1] as Int)"
            trialReach[trial] = max(trialReach[trial] ?? 0, value)
            let metric = SQLValue(row[3] as DatabaseValue).number
            var entry = configs[config] ?? (value, [])
            if value > entry.reached { entry = (value, []) }
            if value == entry.reached, let metric { entry.metrics.append(metric) }
            configs[config] = entry
        }
        spent = trialReach.values.reduce(0, +)
        fullFidelity = Double(plan.trialCount) * plan.values[plan.values.count - 1]
        grid = plan.levelOf.reduce(0) { $0 + plan.values[Int($1)] }
        let goal = plan.metric?.goal ?? .minimize
        best = configs.compactMap { key, entry in
            entry.metrics.isEmpty ? nil : Configuration(parameters: key, reached: plan.text(of: entry.reached),
                                                        metric: entry.metrics.reduce(0, +) / Double(entry.metrics.count), replicates: entry.metrics.count)
        }.sorted { a, b in
            let (x, y) = (configs[a.parameters]!.reached, configs[b.parameters]!.reached)
            if x != y { return x > y }
            return goal == .minimize ? a.metric < b.metric : a.metric > b.metric
        }.prefix(metricColumn == nil ? 0 : top).map { $0 }
    }

    static func withoutMember(_ name: String, of params: String) -> String {
        guard case .object(let members)? = try? JSONParser.parseOne(Array(params.utf8)) else { return params }
        return JSONValue.object(members.filter { $0.key != name }).jsonText
    }

    package var text: String {
        var text = ""
        if !rungs.isEmpty {
            text += "  early stopping by \(fidelity): configurations continued / pruned at each rung (\(running) trial\(running == 1 ? "" : "s") running)\n"
            for rung in rungs { text += "    \(fidelity)=\(rung.value): \(rung.continued) continued, \(rung.pruned) pruned\n" }
        }
        if let metric, !best.isEmpty {
            text += "  best so far (\(metric.name), \(metric.goal == .minimize ? "lowest" : "highest") at the highest \(fidelity) reached, mean of replicates):\n"
            for c in best { text += "    \(String(format: "%.6g", c.metric)) at \(fidelity)=\(c.reached) (\(c.replicates)×): \(c.parameters)\n" }
        }
        if badReports > 0 {
            text += "  bad reports: \(badReports) report line\(badReports == 1 ? "" : "s") of \(tasksWithBadReports) trial\(tasksWithBadReports == 1 ? "" : "s") not stored "
                + "(not a JSON object, \(fidelity) not a number, going down or repeated); farmrun's log names each\n"
        }
        let share = fullFidelity > 0 ? spent / fullFidelity : 0
        text += "  compute: \(Self.number(spent)) \(fidelity) reported (summed over trials), \(String(format: "%.2f", share)) of every trial run to the end "
            + "(\(Self.number(fullFidelity))); the grid as separate runs: \(Self.number(grid))\n"
        return text
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.6g", value)
    }
}
