import Foundation
import GRDB

/// `farmrun status` (and `dbtool status`): a read-only look at a database's
/// sweeps while a farm may be writing it: counts (with a bar on a terminal),
/// rate, failures grouped by cause, coverage per parameter value, the
/// combinations still missing, and who holds the lease.
package enum LedgerStatus {
    /// What the report shows besides the counts.
    package struct Options: Sendable {
        /// List every failed task with its command, not only the last five.
        package var listFailed = false
        /// Draw a progress bar per sweep (for a terminal).
        package var progressBar = false
        /// Show done/total per value of these parameters (one or two).
        package var coverage: [String] = []
        /// Print only the missing combinations, in this format.
        package var missing: MissingSweep.Format?
        /// Whether `--missing` lists pruned tasks too (early stopping settled them).
        package var includePruned = false
        /// The sweep to report on (its results table); nil: all of them.
        package var table: String?

        package init() {}
    }

    package static func report(database: String, listFailed: Bool, now: Double = Date().timeIntervalSince1970) throws -> String {
        var options = Options()
        options.listFailed = listFailed
        return try report(database: database, options: options, now: now)
    }

    package static func report(database: String, options: Options, now: Double = Date().timeIntervalSince1970) throws -> String {
        let queue = try Store.openForReading(database)
        return try queue.read { db in
            guard try LedgerSchema.exists(in: db) else {
                let tables = try ResultsTable.userTables(in: db)
                return "\(database) has no farm ledger (no farmrun has used it); tables: \(tables.isEmpty ? "none" : tables.joined(separator: ", "))\n"
            }
            var sweeps = try Row.fetchAll(db, sql: "SELECT id, results_table, spec FROM farm_sweep ORDER BY id").map {
                (id: $0[0] as Int64, table: $0[1] as String, spec: $0[2] as String)
            }
            if let table = options.table {
                let all = sweeps.map(\.table)
                sweeps = sweeps.filter { $0.table.lowercased() == table.lowercased() }
                guard !sweeps.isEmpty else {
                    throw LedgerError("--table \(table): no sweep writes that table (sweeps: \(all.joined(separator: ", ")))")
                }
            }
            if let format = options.missing {
                guard sweeps.count == 1, let sweep = sweeps.first else {
                    throw LedgerError("--missing needs one sweep; this database has \(sweeps.count) (\(sweeps.map(\.table).joined(separator: ", "))): choose one with --table")
                }
                let spec = try SweepSpec(storedJSON: sweep.spec)
                var coverage = try SweepCoverage(sweep: sweep.id, table: sweep.table, spec: spec, by: spec.parameters.map(\.name), in: db)
                coverage.includePruned = options.includePruned
                return format == .csv ? MissingSweep.csv(coverage) : try MissingSweep.yaml(coverage, spec: spec)
            }
            var text = ""
            if let lease = try Lease.read(in: db) {
                text += "lease: held by \(lease.describe(now: now))\n"
                text += HostSlots.text(try HostSlots.read(lease: lease, in: db))
            } else {
                text += "lease: free (no farmrun is coordinating this database)\n"
            }
            for sweep in sweeps {
                text += try sweepReport(sweep.id, table: sweep.table, spec: sweep.spec, options: options, now: now, in: db)
            }
            return text
        }
    }

    private static func sweepReport(_ id: Int64, table: String, spec: String, options: Options, now: Double, in db: Database) throws -> String {
        // The numbers are the model's (the JSON document's too); this is their text rendering.
        let model = try StatusDocument.sweep(id, table: table, now: now, in: db)
        let counts = model.counts
        let total = model.total
        let done = counts[.done] ?? 0
        let failed = counts[.failed] ?? 0
        let percent = String(format: "%.1f", Double(done) / Double(max(total, 1)) * 100)
        let pruned = (counts[.pruned] ?? 0) > 0 ? "\(counts[.pruned] ?? 0) pruned, " : ""
        var text = "sweep \(table): \(total) tasks: \(done) done (\(percent)%), \(failed) failed, \(pruned)\(counts[.running] ?? 0) running, \(counts[.pending] ?? 0) pending\n"
        if options.progressBar {
            text += "  " + ProgressBar.text(done: done, failed: failed, total: total) + " \(percent)%\n"
        }
        if let rate = model.ratePerMinute, let span = model.rateWindowSeconds {
            text += "  rate: \(String(format: "%.1f", rate)) tasks/min over the last \(DurationText.format(span))\n"
        }
        let storedSpec = try? SweepSpec(storedJSON: spec)
        if let storedSpec, storedSpec.fidelity != nil {
            text += try SearchStatus(sweep: id, table: table, spec: storedSpec, in: db).text
        }
        if !options.coverage.isEmpty {
            let coverage = try SweepCoverage(sweep: id, table: table, spec: try SweepSpec(storedJSON: spec), by: options.coverage, in: db)
            text += "  coverage by \(options.coverage.joined(separator: " and ")):\n" + coverage.text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
        }
        let causes = model.causes
        if !causes.isEmpty {
            text += "  failures by cause (last line of stderr, or farm's error):\n"
            let width = String(causes[0].count).count
            for cause in causes.prefix(options.listFailed ? causes.count : 8) {
                text += "    \(String(repeating: " ", count: width - String(cause.count).count))\(cause.count) × \(VisibleText.of(cause.text))\n"
            }
            if !options.listFailed && causes.count > 8 { text += "    … \(causes.count - 8) more causes (--failed lists them all)\n" }
        }
        let failures = try Row.fetchAll(db, sql: """
            SELECT id, params, replicate, state, failure, error, stderr_tail, command FROM farm_task
            WHERE sweep_id = ? AND failure IS NOT NULL AND state != \(TaskState.done.sql)
            ORDER BY finished_at DESC LIMIT ?
            """, arguments: [id, options.listFailed ? -1 : 3])
        if !failures.isEmpty {
            text += options.listFailed ? "  failed tasks:\n" : "  last failures:\n"
        }
        for row in failures {
            let state: String = row[3]
            let label = [state, row[4] as String? ?? ""].filter { !$0.isEmpty }.joined(separator: ", ")
            // A job's stderr (and errors quoting it) shown as text: its control characters never reach the terminal.
            text += "    task \(row[0] as Int64) \(row[1] as String) replicate \(row[2] as Int) [\(label)]: \(VisibleText.of(row[5] as String? ?? (row[4] as String? ?? "")))\n"
            if let lastLine = FailureCauses.lastLine(of: row[6]) { text += "      stderr: \(VisibleText.of(lastLine))\n" }
            if options.listFailed, let command: String = row[7],
               case .array(let items)? = try? JSONParser.parseOne(Array(command.utf8)) {
                let argv = items.compactMap { if case .string(let s) = $0 { s } else { nil } }
                text += "      command: \(VisibleText.of(ShellQuote.line(argv)))\n"
            }
        }
        return text
    }
}
