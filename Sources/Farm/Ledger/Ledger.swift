import Foundation
import GRDB
import Logging

/// The task ledger in the results database, written by the coordinator alone.
///
/// It syncs a sweep with what earlier runs did (done tasks are never run again,
/// interrupted ones go back to pending, failed ones are retried while their
/// budget lasts) and commits results in batches: each result row and its
/// task's done-mark are in the same transaction, and a unique index on the
/// results' `task_id` makes a duplicate row impossible.
public final class Ledger {
    public let path: String
    public let sweep: Sweep
    private let queue: DatabaseQueue
    private(set) var sweepID: Int64 = 0
    private(set) var taskIDs: [Int64] = []
    var results: ResultsTable?
    private var writer = BatchWriter()
    private let namer: ResultNamer
    let logger: Logger?
    public private(set) var lease: Lease?

    /// Opens (creating if needed) the ledger for `sweep` in the database at `path`;
    /// `logger` hears of result keys stored under another name.
    public init(path: String, sweep: Sweep, logger: Logger? = nil) throws {
        self.path = path
        self.sweep = sweep
        self.logger = logger
        namer = ResultNamer(sweep: sweep, logger: logger)
        queue = try Store.openForWriting(path)
        do {
            try LedgerSchema.migrate(queue)
        } catch {
            throw Store.classify(error, path: path)
        }
    }

    /// Takes the database's lease, or throws `LeaseError.held` naming the holder.
    /// Returns the stale lease it took over, if any (for the log).
    @discardableResult
    public func acquireLease(timeout: Double, deadline: Double? = nil, now: Double = Date().timeIntervalSince1970) throws -> Lease? {
        let mine = Lease.mine(now: now, deadline: deadline)
        var previous: Lease?
        try queue.inTransaction(.immediate) { db in
            if let current = try Lease.read(in: db) {
                let stale = now - current.heartbeatAt > timeout || current.processIsGone(onHost: mine.host)
                guard stale else { throw LeaseError.held(current) }
                previous = current
            }
            try db.execute(sql: """
                INSERT OR REPLACE INTO farm_lease (id, holder, host, pid, job_id, acquired_at, heartbeat_at, deadline)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [mine.holder, mine.host, mine.pid, mine.jobID, mine.acquiredAt, mine.heartbeatAt, mine.deadline])
            return .commit
        }
        lease = mine
        return previous
    }

    /// Gives the lease up (at a clean exit), so the next farmrun starts at once.
    public func releaseLease() {
        guard let lease else { return }
        try? queue.inTransaction(.immediate) { db in
            try db.execute(sql: "DELETE FROM farm_lease WHERE id = 1 AND holder = ?", arguments: [lease.holder])
            return .commit
        }
        self.lease = nil
    }

    /// Records the sweep, creates its new tasks, takes back tasks the last run
    /// lost, quarantines those lost in too many crashes, and says what is left.
    public func synchronize(now: Double = Date().timeIntervalSince1970) throws -> LedgerState {
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

            struct Known { var id: Int64; var state: UInt8 }
            var failuresByID: [Int64: FailureCounts] = [:]  // only tasks that failed or were lost: few
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM farm_task WHERE sweep_id = ?", arguments: [sweepID]) ?? 0
            var known = TaskKeyIndex<Known>(capacity: count)
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT id, key, state, failures, failure_counts, failure, lost, lost_share FROM farm_task WHERE sweep_id = ?
                """, arguments: [sweepID])
            while let row = try cursor.next() {
                let s: String = row[2]
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
                known.insert(Known(id: id, state: s == "done" ? 2 : (s == "failed" ? 3 : (s == "pruned" ? 4 : 0))), for: row[1])
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
                    case 2: state.done += 1; settled?[index] = .done
                    case 4: state.pruned += 1; settled?[index] = .pruned
                    case 3 where !allowed: state.failed += 1; settled?[index] = .failed
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
                        if task.state == 3 { revived.append(task.id) }  // its budget was raised in the edited sweep
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
                try db.execute(sql: "UPDATE farm_task SET state = 'pending' WHERE id = ?", arguments: [id])
            }
            for id in overBudget {
                try db.execute(sql: "UPDATE farm_task SET state = 'failed' WHERE id = ?", arguments: [id])
            }
            for task in quarantined {
                let message = "quarantined: the farm died \(task.lost) time\(task.lost == 1 ? "" : "s") while it ran (its worker rank or farmrun was killed), "
                    + "a share of \((task.share * 100).rounded() / 100) crashes, over its lost budget of \(budget.budget(for: .lost)); "
                    + "run it alone to see why, or raise retries: {lost: N}"
                try db.execute(sql: "UPDATE farm_task SET state = 'failed', failure = 'lost', error = ? WHERE id = ?", arguments: [message, task.id])
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
    private func takeBackLostTasks(_ db: Database, now: Double) throws -> Int {
        let lost = try Int.fetchOne(db, sql: "SELECT count(*) FROM farm_task WHERE sweep_id = ? AND state = 'running'", arguments: [sweepID]) ?? 0
        guard lost > 0 else { return 0 }
        try db.execute(sql: """
            INSERT INTO farm_attempt (task_id, outcome, rank, host, started_at, finished_at, lost_with)
            SELECT id, 'lost', rank, host, started_at, ?, ? FROM farm_task WHERE sweep_id = ? AND state = 'running'
            """, arguments: [now, lost, sweepID])
        let message = "the farm ended while it ran (its worker rank died, or farmrun was killed without a chance to stop it); "
            + "\(lost) task\(lost == 1 ? " was" : "s were") running then"
        try db.execute(sql: """
            UPDATE farm_task SET state = 'pending', lost = lost + 1, lost_share = lost_share + ?, failure = 'lost', error = ?
            WHERE sweep_id = ? AND state = 'running'
            """, arguments: [1.0 / Double(lost), message, sweepID])
        return lost
    }

    /// Makes sure an existing results table has `task_id` with a unique index.
    private func prepareResultsTable(_ db: Database) throws {
        let table = try ResultsTable(name: sweep.spec.table, in: db)
        if table.columns != nil {
            if table.column(for: "task_id") == nil {
                try db.execute(sql: "ALTER TABLE \(Identifier.quoted(table.name)) ADD COLUMN task_id INTEGER")
            }
            try createTaskIndex(db)
        }
        results = try ResultsTable(name: sweep.spec.table, in: db)
    }

    func createTaskIndex(_ db: Database) throws {
        let table = sweep.spec.table
        try db.execute(sql: "CREATE UNIQUE INDEX IF NOT EXISTS \(Identifier.quoted("farm_\(table)_task_id")) ON \(Identifier.quoted(table)) (task_id)")
    }

    private func checkLease(_ db: Database, now: Double? = nil) throws {
        guard let lease else { return }
        try db.execute(sql: "UPDATE farm_lease SET heartbeat_at = ? WHERE id = 1 AND holder = ?",
                       arguments: [now ?? Date().timeIntervalSince1970, lease.holder])
        if db.changesCount == 0 { throw LeaseError.lost(path: path) }
    }

    /// Commits a batch in one transaction (also renewing the lease). Returns the
    /// indices of tasks whose result could not be stored (now failed for good).
    @discardableResult
    public func commit(_ batch: CommitBatch, now: Double = Date().timeIntervalSince1970) throws -> [Int32] {
        var batch = batch
        for i in batch.finished.indices {
            guard case .succeeded(let row) = batch.finished[i].outcome.status else { continue }
            let named = namer.name(row, index: Int(batch.finished[i].index))
            if named.columns != row.columns { batch.finished[i].outcome.status = .succeeded(named) }
        }
        var storeFailures: [Int32] = []
        try queue.inTransaction(.immediate) { db in
            try checkLease(db, now: now)
            // The whole batch at once; if any of it fails, again one result at a time, so a
            // result that cannot be stored fails alone and the rest commits.
            // (Until the results table exists, the one-at-a-time path creates it.)
            if results?.columns != nil {
                try db.cachedStatement(sql: "SAVEPOINT farm_batch").execute()
                // False (a row needs a new column) or an error (a row the table refuses): the slow path sorts it out.
                let written = (try? writeAtOnce(batch, in: db, now: now)) ?? false
                if written {
                    try writeSearch(batch, in: db, now: now)
                    try db.cachedStatement(sql: "RELEASE farm_batch").execute()
                    return .commit
                }
                try db.cachedStatement(sql: "ROLLBACK TO farm_batch").execute()
                try db.cachedStatement(sql: "RELEASE farm_batch").execute()
            }
            storeFailures = try writeOneByOne(batch, in: db, now: now)
            try writeSearch(batch, in: db, now: now)
            return .commit
        }
        return storeFailures
    }

    /// The batch with values bound straight into cached statements (see `BatchWriter`); false if
    /// a row has a key the table lacks (the one-at-a-time path adds the column).
    private func writeAtOnce(_ batch: CommitBatch, in db: Database, now: Double) throws -> Bool {
        guard let table = results else { return false }
        if batch.started.contains(where: { !$0.finishedInBatch }) {
            var mark = BatchWriter.Binder(try db.cachedStatement(sql: BatchWriter.markRunningSQL), in: db)
            for s in batch.started where !s.finishedInBatch {
                mark.bind(s.rank)
                mark.bind(s.host)
                mark.bind(s.startedAt)
                mark.bind(s.command)
                mark.bind(taskIDs[Int(s.index)])
                _ = try mark.step()
            }
        }
        var done = BatchWriter.Binder(try db.cachedStatement(sql: BatchWriter.markDoneSQL), in: db)
        var rows = PendingRows()
        for (position, f) in batch.finished.enumerated() {
            let o = f.outcome
            let id = taskIDs[Int(f.index)]
            let jobRow: ResultRow
            switch o.status {
            case .succeeded(let row): jobRow = row
            case .failed(let failure, let message):
                try writeRows(&rows, of: batch, in: db, now: now)  // farm_attempt keeps the order things happened in
                try recordFailure(id: id, outcome: o, failure: failure, message: message, retry: f.retry, command: f.command, in: db, now: now)
                continue
            }
            done.bind(o.exitCode)
            done.bind(o.wallSeconds)
            done.bind(o.rank)
            done.bind(o.host)
            done.bind(o.stderrTail)
            done.bind(o.startedAt)
            done.bind(now)
            done.bind(f.command)
            done.bind(id)
            guard try done.step() == 1 else { continue }  // already done: never a second row
            // A row with a key the table lacks needs the one-at-a-time path (it adds the column).
            guard let plan = writer.plan(for: jobRow, table: table, sweep: sweep) else { return false }
            if rows.plan?.jobColumns != plan.jobColumns {
                try writeRows(&rows, of: batch, in: db, now: now)
                rows.plan = plan
            }
            rows.positions.append(position)
            if rows.positions.count == plan.rowsPerInsert { try writeRows(&rows, of: batch, in: db, now: now) }
        }
        try writeRows(&rows, of: batch, in: db, now: now)
        return true
    }

    /// Succeeded results of a batch whose done-marks are written and whose rows are not yet.
    private struct PendingRows {
        var plan: BatchWriter.RowPlan?
        /// Positions in the batch's `finished`.
        var positions: [Int] = []
    }

    /// The result rows and attempt rows of `rows`, one multi-row INSERT each.
    private func writeRows(_ rows: inout PendingRows, of batch: CommitBatch, in db: Database, now: Double) throws {
        guard let plan = rows.plan, !rows.positions.isEmpty else { return }
        defer { rows.positions.removeAll(keepingCapacity: true) }
        let count = rows.positions.count
        var insert = BatchWriter.Binder(try db.cachedStatement(sql: plan.insertSQL(rows: count)), in: db)
        for position in rows.positions {
            let f = batch.finished[position]
            guard case .succeeded(let jobRow) = f.outcome.status else { preconditionFailure("only results wait for their rows") }
            insert.bind(taskIDs[Int(f.index)])
            for value in jobRow.values { insert.bind(value) }
            let parameters = sweep.combinations[sweep.address(of: Int(f.index)).combination]
            for p in plan.parameters { insert.bind(parameters[p].sqlValue) }
        }
        _ = try insert.step()
        let attemptSQL = count == BatchWriter.rowsPerInsert ? BatchWriter.fullAttemptSQL : BatchWriter.attemptSQL(rows: count)
        var attempt = BatchWriter.Binder(try db.cachedStatement(sql: attemptSQL), in: db)
        for position in rows.positions {
            let o = batch.finished[position].outcome
            attempt.bind(taskIDs[Int(batch.finished[position].index)])
            attempt.bind("done")
            attempt.bind(o.exitCode)
            attempt.bind(o.signal)
            attempt.bind(o.wallSeconds)
            attempt.bind(o.usage?.cpuSeconds)
            attempt.bind(o.usage?.maxRSSKiB)
            attempt.bind(o.rank)
            attempt.bind(o.host)
            attempt.bind(o.startedAt)
            attempt.bind(now)
        }
        _ = try attempt.step()
    }

    /// The batch one result at a time, each in a savepoint of its own. Returns the
    /// indices of tasks whose result could not be stored (now failed for good).
    private func writeOneByOne(_ batch: CommitBatch, in db: Database, now: Double) throws -> [Int32] {
        var storeFailures: [Int32] = []
        let update = try db.cachedStatement(sql: BatchWriter.markRunningSQL)
        for s in batch.started where !s.finishedInBatch {
            try update.execute(arguments: [s.rank, s.host, s.startedAt, s.command, taskIDs[Int(s.index)]])
        }
        for f in batch.finished {
            if try !record(f, command: f.command, in: db, now: now) { storeFailures.append(f.index) }
        }
        return storeFailures
    }

    /// The run times of the sweep's latest `limit` done tasks, each with its
    /// value of `parameter` (nil when not asked), newest first: what the
    /// walltime-aware dispatch starts learning from.
    public func recentRunTimes(parameter: String?, limit: Int = 2048) throws -> [(value: ParameterValue?, seconds: Double)] {
        try queue.read { db in
            let path = parameter.map { "$.\"\($0)\"" }
            return try Row.fetchAll(db, sql: """
                SELECT json_extract(params, ?), wall_seconds FROM farm_task
                WHERE sweep_id = ? AND state = 'done' AND wall_seconds IS NOT NULL
                ORDER BY finished_at DESC LIMIT ?
                """, arguments: [path, sweepID, limit]).map { row in
                (SQLValue(row[0] as DatabaseValue).parameterValue, row[1] as Double)
            }
        }
    }

    /// Renews the lease when there is nothing else to commit.
    public func heartbeat(now: Double = Date().timeIntervalSince1970) throws {
        try queue.inTransaction(.immediate) { db in
            try checkLease(db, now: now)
            return .commit
        }
    }

    /// One row of farm_attempt: where and how a run of task `id` ended, and what it cost.
    private func recordAttempt(_ o: TaskOutcome, id: Int64, outcome: String, in db: Database, now: Double) throws {
        try db.cachedStatement(sql: BatchWriter.attemptSQL).execute(arguments: [id, outcome, o.exitCode, o.signal, o.wallSeconds, o.usage?.cpuSeconds, o.usage?.maxRSSKiB,
                                     o.rank, o.host, o.startedAt, now])
    }

    /// Records one finished run; false if its result could not be stored.
    private func record(_ f: CommitBatch.Finished, command: String?, in db: Database, now: Double) throws -> Bool {
        let o = f.outcome
        let id = taskIDs[Int(f.index)]
        switch o.status {
        case .succeeded(let jobRow):
            guard let table = results else { return true }  // no results table: the task stays as it was
            // A savepoint per result, so a result that cannot be stored is undone alone and the
            // rest of the batch commits. Its statements are cached: this is the hot path.
            try db.cachedStatement(sql: "SAVEPOINT farm_result").execute()
            do {
                let done = try db.cachedStatement(sql: BatchWriter.markDoneSQL)
                try done.execute(arguments: [o.exitCode, o.wallSeconds, o.rank, o.host, o.stderrTail, o.startedAt, now, command, id])
                if db.changesCount == 1 {  // else already done: never a second row
                    let row = resultRow(jobRow, taskID: id, index: Int(f.index))
                    let wasNew = table.columns == nil
                    try table.prepare(for: row, addColumns: true, leading: [("task_id", "INTEGER")], in: db)
                    if wasNew { try createTaskIndex(db) }
                    // (The result is found by its task_id, unique in the results table; farm_task.result_rowid
                    // is no longer written: one statement less per result.)
                    try table.insert(row, in: db)
                    try recordAttempt(o, id: id, outcome: "done", in: db, now: now)
                }
                try db.cachedStatement(sql: "RELEASE farm_result").execute()
                return true
            } catch let error as StoreError {
                try db.cachedStatement(sql: "ROLLBACK TO farm_result").execute()
                try db.cachedStatement(sql: "RELEASE farm_result").execute()
                // Nothing computed is lost: the result is kept whole, and stored by the next run once the table takes it.
                var kept = o
                kept.stdoutHead = jobRow.jsonText
                try recordFailure(id: id, outcome: kept, failure: .store, message: error.description + Self.keptNote,
                                  retry: false, command: command, in: db, now: now)
                results = try ResultsTable(name: sweep.spec.table, in: db)
                return false
            }
        case .failed(let failure, let message):
            try recordFailure(id: id, outcome: o, failure: failure, message: message, retry: f.retry, command: command, in: db, now: now)
            return true
        }
    }

    private func recordFailure(id: Int64, outcome o: TaskOutcome, failure: TaskOutcome.Failure, message: String,
                               retry: Bool, command: String?, in db: Database, now: Double) throws {
        let interrupted = failure == .interrupted
        let state = interrupted || retry ? "pending" : "failed"
        let statement = try db.cachedStatement(sql: """
            UPDATE farm_task SET state = ?, failures = failures + ?, interruptions = interruptions + ?, failure = ?, error = ?,
            exit_status = ?, signal = ?, wall_seconds = ?, rank = ?, host = ?, stderr_tail = ?, stdout_head = ?,
            started_at = ?, finished_at = ?, command = coalesce(?, command),
            failure_counts = CASE WHEN ? THEN failure_counts
                ELSE json_set(coalesce(failure_counts, '{}'), '$.' || ?, coalesce(json_extract(failure_counts, '$.' || ?), 0) + 1) END
            WHERE id = ? AND state != 'done'
            """)
        try statement.execute(arguments: [
            state, interrupted ? 0 : 1, interrupted ? 1 : 0, failure.rawValue, message,
            o.exitCode, o.signal, o.wallSeconds, o.rank, o.host, o.stderrTail, o.stdoutHead,
            o.startedAt, now, command, interrupted, failure.rawValue, failure.rawValue, id,
        ])
        if db.changesCount == 1 { try recordAttempt(o, id: id, outcome: failure.rawValue, in: db, now: now) }
    }

    /// The stored row: `task_id`, the job's keys (named by `ResultNamer`), then parameters the job did not print.
    func resultRow(_ jobRow: ResultRow, taskID: Int64, index: Int) -> ResultRow {
        var row = ResultRow(columns: ["task_id"], values: [.integer(taskID)])
        row.columns.reserveCapacity(jobRow.columns.count + sweep.names.count + 1)
        for (column, value) in zip(jobRow.columns, jobRow.values) {
            row.append(column, value)
        }
        for (name, value) in sweep.parameters(of: index) where !jobRow.has(name) {
            row.append(name, value.sqlValue)
        }
        return row
    }

    public func close() throws {
        try queue.close()
    }
}
