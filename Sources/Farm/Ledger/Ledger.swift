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
package final class Ledger {
    package let path: String
    package let sweep: Sweep
    let queue: DatabaseQueue
    var sweepID: Int64 = 0
    var taskIDs: [Int64] = []
    var results: ResultsTable?
    var writer = BatchWriter()
    let namer: ResultNamer
    let logger: Logger?
    package internal(set) var lease: Lease?

    /// Opens (creating if needed) the ledger for `sweep` in the database at `path`;
    /// `logger` hears of result keys stored under another name.
    package init(path: String, sweep: Sweep, logger: Logger? = nil) throws {
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

    /// Makes sure an existing results table has `task_id` with a unique index.
    func prepareResultsTable(_ db: Database) throws {
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

    func checkLease(_ db: Database, now: Double? = nil) throws {
        guard let lease else { return }
        try db.execute(sql: "UPDATE farm_lease SET heartbeat_at = ? WHERE id = 1 AND holder = ?",
                       arguments: [now ?? Date().timeIntervalSince1970, lease.holder])
        if db.changesCount == 0 { throw LeaseError.lost(path: path) }
    }

    /// The run times of the sweep's latest `limit` done tasks, each with its
    /// value of `parameter` (nil when not asked), newest first: what the
    /// walltime-aware dispatch starts learning from.
    package func recentRunTimes(parameter: String?, limit: Int = 2048) throws -> [(value: ParameterValue?, seconds: Double)] {
        try queue.read { db in
            let path = parameter.map { "$.\"\($0)\"" }
            return try Row.fetchAll(db, sql: """
                SELECT json_extract(params, ?), wall_seconds FROM farm_task
                WHERE sweep_id = ? AND state = \(TaskState.done.sql) AND wall_seconds IS NOT NULL
                ORDER BY finished_at DESC LIMIT ?
                """, arguments: [path, sweepID, limit]).map { row in
                (SQLValue(row[0] as DatabaseValue).parameterValue, row[1] as Double)
            }
        }
    }

    /// Renews the lease when there is nothing else to commit.
    package func heartbeat(now: Double = Date().timeIntervalSince1970) throws {
        try queue.inTransaction(.immediate) { db in
            try checkLease(db, now: now)
            return .commit
        }
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

    package func close() throws {
        try queue.close()
    }
}
