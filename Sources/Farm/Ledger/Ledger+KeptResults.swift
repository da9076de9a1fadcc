import GRDB

extension Ledger {
    /// Said with every result the table refused: where it is kept and how it gets stored.
    static let keptNote = "; the result is kept (farm_task.stdout_head) and the next farmrun stores it once the table takes it, without running the job again"

    /// Results a table refused in an earlier run (a CHECK, NOT NULL or UNIQUE rule, a STRICT
    /// type: failure `store`, the row kept as JSON in `stdout_head`) are stored now, without
    /// running their jobs again: the user fixed the table, or not, in which case they stay
    /// failed as they were. Runs inside `synchronize`'s transaction, after the table is ready.
    func storeKeptResults(_ db: Database, state: inout LedgerState, now: Double) throws {
        let kept = try Row.fetchAll(db, sql: """
            SELECT id, stdout_head FROM farm_task
            WHERE sweep_id = ? AND failure = 'store' AND state != \(TaskState.done.sql) AND stdout_head LIKE '{%'
            """, arguments: [sweepID])
        guard !kept.isEmpty, let table = results else { return }
        var indexOf: [Int64: Int32] = [:]
        for (index, id) in state.taskIDs.enumerated() { indexOf[id] = Int32(index) }
        var stored: Set<Int32> = []
        for entry in kept {
            let id: Int64 = entry[0]
            guard let index = indexOf[id], let text: String = entry[1],
                  let jobRow = try? ResultRow(json: JSONParser.parseOne(Array(text.utf8))) else { continue }
            try db.execute(sql: "SAVEPOINT farm_kept")
            do {
                try db.execute(sql: """
                    UPDATE farm_task SET state = \(TaskState.done.sql), failure = NULL, error = NULL, stdout_head = NULL, finished_at = ?
                    WHERE id = ? AND state != \(TaskState.done.sql)
                    """, arguments: [now, id])
                let row = resultRow(jobRow, taskID: id, index: Int(index))
                let wasNew = table.columns == nil
                try table.prepare(for: row, addColumns: true, leading: [("task_id", "INTEGER")], in: db)
                if wasNew { try createTaskIndex(db) }
                try table.insert(row, in: db)
                try db.execute(sql: "RELEASE farm_kept")
                stored.insert(index)
            } catch let error as StoreError {
                try db.execute(sql: "ROLLBACK TO farm_kept")
                try db.execute(sql: "RELEASE farm_kept")
                logger?.warning("task \(id): its kept result is still refused: \(error)")
            }
        }
        guard !stored.isEmpty else { return }
        results = try ResultsTable(name: sweep.spec.table, in: db)
        let waiting = Set(state.pending).union(state.suspects)
        state.failed -= stored.subtracting(waiting).count
        state.done += stored.count
        state.pending.removeAll { stored.contains($0) }
        state.suspects.removeAll { stored.contains($0) }
        logger?.notice("stored \(stored.count) kept result(s) that the table had refused before, without running their jobs again")
    }
}
