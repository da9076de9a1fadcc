import Foundation
import GRDB

/// `farmrun --dry-run`: what a sweep would run, without running it.
package enum DryRun {
    package static func describe(_ spec: SweepSpec, database: String?, firstCommands: Int = 5) throws -> String {
        let sweep = try Sweep(spec)
        var text = "sweep \(spec.table): \(sweep.taskCount) tasks (\(sweep.combinations.count) combinations × \(spec.replicates) replicate\(spec.replicates == 1 ? "" : "s"))\n"
        if !spec.parameters.isEmpty {
            text += "parameters: " + spec.parameters.map { "\($0.name) (\($0.summary))" }.joined(separator: ", ") + "\n"
        }
        if spec.method != .grid {
            let sampled = spec.parameters.indices.filter { spec.parameters[$0].distribution != nil }
            let shown = min(sweep.points.count, 32)
            text += "method \(spec.method.rawValue): \(sweep.points.count) point\(sweep.points.count == 1 ? "" : "s")"
                + (spec.method == .random ? " (seed \(spec.seed))" : "") + " over \(sampled.map { spec.parameters[$0].name }.joined(separator: ", "))"
                + (shown < sweep.points.count ? "; the first \(shown):" : ":") + "\n"
            for (i, point) in sweep.points.prefix(shown).enumerated() {
                text += "  point \(i): " + zip(sampled, point).map { "\(spec.parameters[$0].name)=\($1)" }.joined(separator: " ") + "\n"
            }
        }
        if let plan = sweep.search {
            let last = plan.texts[plan.texts.count - 1]
            text += "fidelity \(plan.fidelity.parameter): \(plan.trialCount) trials, each one job run to \(plan.fidelity.parameter)=\(last) "
                + "that reports \(plan.fidelity.report) as it goes (\(plan.values.count) values each)\n"
            if let asha = plan.asha, let metric = plan.metric {
                text += "early stopping: ASHA eta \(asha.eta) by \(metric.name) (\(metric.goal.rawValue)) at "
                    + (plan.rungs.isEmpty ? "no rung" : plan.rungs.map(plan.valueText).joined(separator: ", ")) + "\n"
            }
        }
        if let condition = spec.condition { text += "where: \(condition)\n" }
        if let timeout = spec.timeout { text += "timeout: \(DurationText.format(timeout)) per task\n" }
        text += "retries: \(spec.retries)\n"
        if let preload = spec.preload {
            text += PythonCommand(argv: spec.command) == nil
                ? "preload: \(preload.modules.joined(separator: ", ")), but the command is not a Python script or module: every task starts its own interpreter\n"
                : "preload: \(preload.modules.joined(separator: ", ")) imported once per slot; each task forked from it (a fresh one every \(preload.recycleAfterTasks) tasks)\n"
        }
        if let database, FileManager.default.fileExists(atPath: database),
           let done = try? doneCount(database: database, table: spec.table) {
            text += "already done in \(database): \(done) of these tasks' table\n"
        }
        // A fidelity sweep runs each trial as its task of the largest value.
        let first = sweep.search.map { plan in plan.members.prefix(firstCommands).compactMap { $0.last.map(Int.init) } }
            ?? Array(0..<min(firstCommands, sweep.taskCount))
        text += "first commands ({task} shown as 0):\n"
        for index in first {
            text += "  " + ShellQuote.line(sweep.argv(of: index, taskID: 0)) + "\n"
        }
        return text
    }

    private static func doneCount(database: String, table: String) throws -> Int {
        let queue = try Store.openForReading(database)
        return try queue.read { db in
            guard try db.tableExists("farm_task") else { return 0 }
            return try Int.fetchOne(db, sql: """
                SELECT count(*) FROM farm_task JOIN farm_sweep ON farm_sweep.id = farm_task.sweep_id
                WHERE farm_sweep.results_table = ? AND farm_task.state = \(TaskState.done.sql)
                """, arguments: [table]) ?? 0
        }
    }
}
