import Foundation
import GRDB
import Logging

/// Writing a batch: result rows, done-marks, failures and attempts in one transaction, through the
/// fast path (`BatchWriter`, one statement per kind) or, when a row is refused, one task at a time.
extension Ledger {
    /// Succeeded results of a batch whose done-marks are written and whose rows are not yet.
    struct PendingRows {
        var plan: BatchWriter.RowPlan?
        /// Positions in the batch's `finished`.
        var positions: [Int] = []
    }

    /// Commits a batch in one transaction (also renewing the lease). Returns the
    /// indices of tasks whose result could not be stored (now failed for good).
    @discardableResult
    package func commit(_ batch: CommitBatch, now: Double = Date().timeIntervalSince1970) throws -> [Int32] {
        var batch = batch
        for i in batch.finished.indices {
            guard case .succeeded(let row) = batch.finished[i].outcome.status else { continue }
            let named = namer.name(row, index: Int(batch.finished[i].index))
            if named.columns != row.columns { batch.finished[i].outcome.status = .succeeded(named) }
        }
        var storeFailures: [Int32] = []
        try queue.inTransaction(.immediate) { db in
            try checkLease(db, now: now)
            for use in batch.hostUse ?? [] {
                try db.cachedStatement(sql: """
                    INSERT INTO farm_host (host, cpus, busy_cpus, gpus, busy_gpus, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (host) DO UPDATE SET cpus = excluded.cpus, busy_cpus = excluded.busy_cpus, gpus = excluded.gpus,
                    busy_gpus = excluded.busy_gpus, updated_at = excluded.updated_at
                    """).execute(arguments: [use.host, use.cpus, use.busyCPUs, use.gpus, use.busyGPUs, now])
            }
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
    func writeAtOnce(_ batch: CommitBatch, in db: Database, now: Double) throws -> Bool {
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

    /// The result rows and attempt rows of `rows`, one multi-row INSERT each.
    func writeRows(_ rows: inout PendingRows, of batch: CommitBatch, in db: Database, now: Double) throws {
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
            attempt.bind(TaskState.done.rawValue)
            attempt.bind(o.exitCode)
            attempt.bind(o.signal)
            attempt.bind(o.wallSeconds)
            attempt.bind(o.usage?.cpuSeconds)
            attempt.bind(o.usage?.maxRSSKiB)
            attempt.bind(o.rank)
            attempt.bind(o.host)
            attempt.bind(o.startedAt)
            attempt.bind(now)
            attempt.bind(o.cpus)
            attempt.bind(o.devices)
        }
        _ = try attempt.step()
    }

    /// The batch one result at a time, each in a savepoint of its own. Returns the
    /// indices of tasks whose result could not be stored (now failed for good).
    func writeOneByOne(_ batch: CommitBatch, in db: Database, now: Double) throws -> [Int32] {
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

    /// One row of farm_attempt: where and how a run of task `id` ended, and what it cost.
    func recordAttempt(_ o: TaskOutcome, id: Int64, outcome: String, in db: Database, now: Double) throws {
        try db.cachedStatement(sql: BatchWriter.attemptSQL).execute(arguments: [id, outcome, o.exitCode, o.signal, o.wallSeconds, o.usage?.cpuSeconds, o.usage?.maxRSSKiB,
                                     o.rank, o.host, o.startedAt, now, o.cpus, o.devices])
    }

    /// Records one finished run; false if its result could not be stored.
    func record(_ f: CommitBatch.Finished, command: String?, in db: Database, now: Double) throws -> Bool {
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
                    try recordAttempt(o, id: id, outcome: TaskState.done.rawValue, in: db, now: now)
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

    func recordFailure(id: Int64, outcome o: TaskOutcome, failure: TaskOutcome.Failure, message: String,
                               retry: Bool, command: String?, in db: Database, now: Double) throws {
        let interrupted = failure == .interrupted
        let state = (interrupted || retry ? TaskState.pending : .failed).rawValue
        let statement = try db.cachedStatement(sql: """
            UPDATE farm_task SET state = ?, failures = failures + ?, interruptions = interruptions + ?, failure = ?, error = ?,
            exit_status = ?, signal = ?, wall_seconds = ?, rank = ?, host = ?, stderr_tail = ?, stdout_head = ?,
            started_at = ?, finished_at = ?, command = coalesce(?, command),
            failure_counts = CASE WHEN ? THEN failure_counts
                ELSE json_set(coalesce(failure_counts, '{}'), '$.' || ?, coalesce(json_extract(failure_counts, '$.' || ?), 0) + 1) END
            WHERE id = ? AND state != \(TaskState.done.sql)
            """)
        try statement.execute(arguments: [
            state, interrupted ? 0 : 1, interrupted ? 1 : 0, failure.rawValue, message,
            o.exitCode, o.signal, o.wallSeconds, o.rank, o.host, o.stderrTail, o.stdoutHead,
            o.startedAt, now, command, interrupted, failure.rawValue, failure.rawValue, id,
        ])
        if db.changesCount == 1 { try recordAttempt(o, id: id, outcome: failure.rawValue, in: db, now: now) }
    }
}
