import Foundation
import GRDB
import Logging

/// The resume sync at start: the sweep's tasks created or matched, lost ones taken back, failed
/// ones retried within their budget, and what is left to run.
extension Ledger {
    /// Records the sweep, creates its new tasks, takes back tasks the last run
    /// lost, quarantines those lost in too many crashes, and says what is left.
    package func synchronize(now: Double = Date().timeIntervalSince1970) throws -> LedgerState {
        var state = LedgerState(taskIDs: [], pending: [], suspects: [], failures: [:], done: 0, failed: 0, lost: 0, quarantined: 0, added: 0)
        let sweep = self.sweep
        try queue.inTransaction(.immediate) { db in
            try checkLease(db)
            let table = sweep.spec.table
            if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM farm_sweep WHERE results_table = ?", arguments: [table]) {
                sweepID = existing
                try db.execute(sql: "UPDATE farm_sweep SET spec = ?, updated_at = ? WHERE id = ?", arguments: [sweep.spec.jsonText, now, existing])
            } else {
                try db.execute(sql: "INSERT INTO farm_sweep (results_table, spec, created_at, updated_at) VALUES (?, ?, ?, ?)",
                               arguments: [table, sweep.spec.jsonText, now, now])
                sweepID = db.lastInsertedRowID
            }
            state.lost = try takeBackLostTasks(db, now: now)

            struct Known { var id: Int64; var state: TaskState }
            var failuresByID: [Int64: FailureCounts] = [:]  // only tasks that failed or were lost: few
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM farm_task WHERE sweep_id = ?", arguments: [sweepID]) ?? 0
            var known = TaskKeyIndex<Known>(capacity: count)
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT id, key, \(TaskState.codeSQL), failures, failure_counts, failure, lost, lost_share FROM farm_task WHERE sweep_id = ?
                """, arguments: [sweepID])
            while let row = try cursor.next() {
                let code: Int = row[2]
                let failures: Int = row[3]
                let id: Int64 = row[0]
                if failures > 0 || (row[6] as Int) > 0 {
                    var counts = FailureCounts(jsonText: row[4], lostShare: row[7], lostRuns: row[6])
                    // A ledger from before per-class counts: its failures are all of the last class.
                    if row[4] as String? == nil, failures > 0, let f = (row[5] as String?).flatMap(TaskOutcome.Failure.init(rawValue:)) {
                        counts.counts[f] = failures
                    }
                    failuresByID[id] = counts
                }
                known.insert(Known(id: id, state: TaskState.allCases[code]), for: row[1])
            }
            let insert = try db.makeStatement(sql: "INSERT INTO farm_task (sweep_id, key, params, replicate) VALUES (?, ?, ?, ?)")
            var ids = [Int64](repeating: 0, count: sweep.taskCount)
            var pending: [Int32] = []
            // Tasks lost before run after everything else, so a task that kills its rank cannot stop a sweep's progress.
            var suspects: [Int32] = []
            var revived: [Int64] = []
            var quarantined: [(id: Int64, lost: Int, share: Double)] = []
            var overBudget: [Int64] = []
            let budget = sweep.spec.retries
            var settled: [TaskState]? = sweep.search == nil ? nil : Array(repeating: .pending, count: sweep.taskCount)
            for index in 0..<sweep.taskCount {
                let key = sweep.key(of: index)
                if let task = known[key] {
                    ids[index] = task.id
                    let counts = failuresByID[task.id]
                    let allowed = counts.map(budget.allows) ?? true
                    switch task.state {
                    case .done: state.done += 1; settled?[index] = .done
                    case .pruned: state.pruned += 1; settled?[index] = .pruned
                    case .failed where !allowed: state.failed += 1; settled?[index] = .failed
                    default:
                        if let counts, !allowed {  // pending, but over its budget: lost too often, or a lowered budget
                            if counts.lostShare > Double(budget.budget(for: .lost)) + 1e-9 {
                                quarantined.append((task.id, counts.lostRuns, counts.lostShare))
                            } else {
                                overBudget.append(task.id)
                            }
                            state.failed += 1
                            settled?[index] = .failed
                            continue
                        }
                        if task.state == .failed { revived.append(task.id) }  // its budget was raised in the edited sweep
                        if let counts {
                            state.failures[Int32(index)] = counts
                            if counts.lostRuns > 0 { suspects.append(Int32(index)); continue }
                        }
                        pending.append(Int32(index))
                    }
                } else {
                    try insert.execute(arguments: [sweepID, key, sweep.parametersJSON(of: index), sweep.address(of: index).replicate])
                    ids[index] = db.lastInsertedRowID
                    pending.append(Int32(index))
                    state.added += 1
                }
            }
            for id in revived {
                try db.execute(sql: "UPDATE farm_task SET state = \(TaskState.pending.sql) WHERE id = ?", arguments: [id])
            }
            for id in overBudget {
                try db.execute(sql: "UPDATE farm_task SET state = \(TaskState.failed.sql) WHERE id = ?", arguments: [id])
            }
            for task in quarantined {
                let message = "quarantined: the farm died \(task.lost) time\(task.lost == 1 ? "" : "s") while it ran (its worker rank or farmrun was killed), "
                    + "a share of \((task.share * 100).rounded() / 100) crashes, over its lost budget of \(budget.budget(for: .lost)); "
                    + "run it alone to see why, or raise retries: {lost: N}"
                try db.execute(sql: "UPDATE farm_task SET state = \(TaskState.failed.sql), failure = 'lost', error = ? WHERE id = ?", arguments: [message, task.id])
            }
            state.quarantined = quarantined.count
            state.settled = settled
            if sweep.search?.asha != nil { try loadRungs(db, into: &state) }
            state.taskIDs = ids
            state.pending = pending
            state.suspects = suspects.sorted { a, b in
                let (x, y) = (state.failures[a]?.lostShare ?? 0, state.failures[b]?.lostShare ?? 0)
                return x != y ? x < y : a < b
            }
            try prepareResultsTable(db)
            try storeKeptResults(db, state: &state, now: now)
            return .commit
        }
        taskIDs = state.taskIDs
        return state
    }

    /// Tasks still 'running' were lost: the coordinator that ran them died
    /// without recording them (SIGKILL, a dead rank, a node failure). Each gets
    /// a `lost` attempt and 1/k of the blame when k tasks were lost together,
    /// and goes back to pending. Returns k.
    func takeBackLostTasks(_ db: Database, now: Double) throws -> Int {
        let lost = try Int.fetchOne(db, sql: "SELECT count(*) FROM farm_task WHERE sweep_id = ? AND state = \(TaskState.running.sql)", arguments: [sweepID]) ?? 0
        guard lost > 0 else { return 0 }
        try db.execute(sql: """
            INSERT INTO farm_attempt (task_id, outcome, rank, host, started_at, finished_at, lost_with)
            SELECT id, 'lost', rank, host, started_at, ?, ? FROM farm_task WHERE sweep_id = ? AND state = \(TaskState.running.sql)
            """, arguments: [now, lost, sweepID])
        let message = "the farm ended while it ran (its worker rank died, or farmrun was killed without a chance to stop it); "
            + "\(lost) task\(lost == 1 ? " was" : "s were") running then"
        try db.execute(sql: """
            UPDATE farm_task SET state = \(TaskState.pending.sql), lost = lost + 1, lost_share = lost_share + ?, failure = 'lost', error = ?
            WHERE sweep_id = ? AND state = \(TaskState.running.sql)
            """, arguments: [1.0 / Double(lost), message, sweepID])
        return lost
    }
}
