import Foundation
import GRDB

/// `farmrun status` (and `dbtool status`): a read-only look at a database's
/// sweeps while a farm may be writing it: counts, rate, recent failures with
/// their stderr, and who holds the lease.
public enum LedgerStatus {
    public static func report(database: String, listFailed: Bool, now: Double = Date().timeIntervalSince1970) throws -> String {
        let queue = try Store.openForReading(database)
        return try queue.read { db in
            guard try LedgerSchema.exists(in: db) else {
                let tables = try ResultsTable.userTables(in: db)
                return "\(database) has no farm ledger (no farmrun has used it); tables: \(tables.isEmpty ? "none" : tables.joined(separator: ", "))\n"
            }
            var text = ""
            if let lease = try Lease.read(in: db) {
                text += "lease: held by \(lease.describe(now: now))\n"
            } else {
                text += "lease: free (no farmrun is coordinating this database)\n"
            }
            let sweeps = try Row.fetchAll(db, sql: "SELECT id, results_table FROM farm_sweep ORDER BY id")
            for sweep in sweeps {
                let id: Int64 = sweep[0]
                let table: String = sweep[1]
                var counts: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM farm_task WHERE sweep_id = ? GROUP BY state", arguments: [id]) {
                    counts[row[0]] = row[1]
                }
                let total = counts.values.reduce(0, +)
                let done = counts["done"] ?? 0
                let percent = String(format: "%.1f", Double(done) / Double(max(total, 1)) * 100)
                text += "sweep \(table): \(total) tasks: \(done) done (\(percent)%), \(counts["failed"] ?? 0) failed, \(counts["running"] ?? 0) running, \(counts["pending"] ?? 0) pending\n"
                let window = try Row.fetchOne(db, sql: """
                    SELECT count(*), min(finished_at), max(finished_at) FROM farm_task
                    WHERE sweep_id = ? AND state = 'done' AND finished_at >= ?
                    """, arguments: [id, now - 600])
                if let window, let recent: Int = window[0], recent > 1, let first: Double = window[1], let last: Double = window[2] {
                    let span = max(last - first, 1)
                    text += "  rate: \(String(format: "%.1f", Double(recent - 1) / span * 60)) tasks/min over the last \(DurationText.format(span))\n"
                }
                let failures = try Row.fetchAll(db, sql: """
                    SELECT id, params, replicate, state, failure, error, stderr_tail, command FROM farm_task
                    WHERE sweep_id = ? AND failure IS NOT NULL AND state != 'done'
                    ORDER BY finished_at DESC LIMIT ?
                    """, arguments: [id, listFailed ? -1 : 5])
                if !failures.isEmpty {
                    text += listFailed ? "  failed tasks:\n" : "  last failures:\n"
                }
                for row in failures {
                    let state: String = row[3]
                    let stderr: String = row[6] ?? ""
                    let lastLine = stderr.split(separator: "\n").last.map(String.init) ?? ""
                    text += "    task \(row[0] as Int64) \(row[1] as String) replicate \(row[2] as Int) [\(state)]: \(row[5] as String? ?? (row[4] as String? ?? ""))\n"
                    if !lastLine.isEmpty { text += "      stderr: \(lastLine)\n" }
                    if listFailed, let command: String = row[7],
                       case .array(let items)? = try? JSONParser.parseOne(Array(command.utf8)) {
                        let argv = items.compactMap { if case .string(let s) = $0 { s } else { nil } }
                        text += "      command: \(ShellQuote.line(argv))\n"
                    }
                }
            }
            return text
        }
    }
}
