import GRDB

/// Early stopping's part of the ledger: the metrics reported at rungs, the
/// decisions, and the tasks pruned, written in the batch's transaction (so a
/// decision and the rows it was made from land together) and read back at
/// resume.
extension Ledger {
    func loadRungs(_ db: Database, into state: inout LedgerState) throws {
        state.rungReports = try Row.fetchAll(db, sql: """
            SELECT config, rung, replicate, metric FROM farm_rung WHERE sweep_id = ? ORDER BY reported_at, rowid
            """, arguments: [sweepID]).map { RungReport(config: $0[0], rung: $0[1], replicate: $0[2], metric: $0[3]) }
        state.decisions = try Row.fetchAll(db, sql: """
            SELECT config, rung, metric, reports, place, competitors, decision FROM farm_decision WHERE sweep_id = ? ORDER BY decided_at, rowid
            """, arguments: [sweepID]).map {
            RungDecision(config: $0[0], rung: $0[1], metric: $0[2], reports: $0[3], place: $0[4], competitors: $0[5], prune: ($0[6] as String) == "prune")
        }
    }

    /// The batch's rung reports, decisions and pruned tasks.
    func writeSearch(_ batch: CommitBatch, in db: Database, now: Double) throws {
        if !batch.rungReports.isEmpty {
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO farm_rung (sweep_id, config, rung, replicate, metric, reported_at) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for r in batch.rungReports { try insert.execute(arguments: [sweepID, r.config, r.rung, r.replicate, r.metric, now]) }
        }
        if !batch.decisions.isEmpty {
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO farm_decision (sweep_id, config, rung, metric, reports, place, competitors, decision, decided_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for d in batch.decisions {
                try insert.execute(arguments: [sweepID, d.config, d.rung, d.metric, d.reports, d.place, d.competitors, d.prune ? "prune" : "continue", now])
            }
        }
        if !batch.badReports.isEmpty {
            let update = try db.cachedStatement(sql: "UPDATE farm_task SET bad_reports = bad_reports + ? WHERE id = ?")
            for (index, count) in batch.badReports { try update.execute(arguments: [count, taskIDs[Int(index)]]) }
        }
        if !batch.pruned.isEmpty {
            let update = try db.cachedStatement(sql: """
                UPDATE farm_task SET state = \(TaskState.pruned.sql), failure = NULL, error = ?, finished_at = ? WHERE id = ? AND state != \(TaskState.done.sql)
                """)
            for p in batch.pruned { try update.execute(arguments: [p.message, now, taskIDs[Int(p.index)]]) }
        }
    }
}
