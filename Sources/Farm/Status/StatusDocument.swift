import Foundation
import GRDB

/// What `farmrun status --format json` prints (and a dashboard reads): per
/// sweep its counts by task state, recent rate, failures by cause and the
/// tasks running now, with the lease holder. A model read once from the
/// database (read-only), rendered as JSON; numbers stay numbers and job text
/// stays a JSON string, so nothing has to parse formatted text.
package struct StatusDocument: Sendable {
    package struct Running: Sendable, Equatable {
        package var taskID: Int64
        package var parameters: String
        package var host: String?
        package var rank: Int?
        package var startedAt: Double?
    }

    /// A failure cause (stderr's last line, or farm's error) and how many tasks it ended.
    package struct Cause: Sendable, Equatable {
        package var text: String
        package var count: Int
    }

    package struct Sweep: Sendable {
        package var table: String
        package var total: Int
        package var counts: [TaskState: Int]
        /// Tasks done per minute over the last ten minutes (nil: too few).
        package var ratePerMinute: Double?
        /// The span the rate was measured over (first to last done task of the window).
        package var rateWindowSeconds: Double?
        package var causes: [Cause]
        package var running: [Running]

        /// Seconds until the tasks left (pending and running) are done at the recent rate (nil: no rate yet).
        package var etaSeconds: Double? {
            let left = (counts[.pending] ?? 0) + (counts[.running] ?? 0)
            guard let ratePerMinute, ratePerMinute > 0 else { return left == 0 ? 0 : nil }
            return Double(left) / ratePerMinute * 60
        }
    }

    package var database: String
    package var lease: Lease?
    /// Slot use per host of the run holding the lease.
    package var hosts: [HostUse] = []
    package var sweeps: [Sweep]
    package var generatedAt: Double

    package init(database: String, table: String? = nil, now: Double = Date().timeIntervalSince1970) throws {
        self = try Store.openForReading(database).read { db in try StatusDocument(database: database, table: table, now: now, in: db) }
    }

    /// The document of the database `db` reads (named `database` in it).
    package init(database: String, table: String? = nil, now: Double = Date().timeIntervalSince1970, in db: Database) throws {
        self.database = database
        generatedAt = now
        guard try LedgerSchema.exists(in: db) else {
            (lease, sweeps) = (nil, [])
            return
        }
        var rows = try Row.fetchAll(db, sql: "SELECT id, results_table FROM farm_sweep ORDER BY id").map { ($0[0] as Int64, $0[1] as String) }
        if let table { rows = rows.filter { $0.1.lowercased() == table.lowercased() } }
        lease = try Lease.read(in: db)
        hosts = try HostSlots.read(lease: lease, in: db)
        sweeps = try rows.map { try Self.sweep($0.0, table: $0.1, now: now, in: db) }
    }

    static func sweep(_ id: Int64, table: String, now: Double, in db: Database) throws -> Sweep {
        // Counts and the recent rate in one scan of the sweep's tasks (the scan is most of a status read's cost).
        var counts: [TaskState: Int] = Dictionary(uniqueKeysWithValues: TaskState.allCases.map { ($0, 0) })
        var rate: Double?
        var window: Double?
        var failures = 0
        for row in try Row.fetchAll(db, sql: """
            SELECT state, count(*), sum(finished_at >= ?), min(CASE WHEN finished_at >= ? THEN finished_at END), max(finished_at),
                   sum(failure IS NOT NULL)
            FROM farm_task WHERE sweep_id = ? GROUP BY state
            """, arguments: [now - 600, now - 600, id]) {
            guard let state = TaskState(rawValue: row[0]) else { continue }
            counts[state] = row[1]
            if state != .done { failures += row[5] as Int? ?? 0 }
            if state == .done, let recent: Int = row[2], recent > 1, let first: Double = row[3], let last: Double = row[4] {
                window = max(last - first, 1)
                rate = Double(recent - 1) / max(last - first, 1) * 60
            }
        }
        let running = try Row.fetchAll(db, sql: """
            SELECT id, params, host, rank, started_at FROM farm_task WHERE sweep_id = ? AND state = \(TaskState.running.sql) ORDER BY started_at LIMIT 1000
            """, arguments: [id]).map { Running(taskID: $0[0], parameters: $0[1], host: $0[2], rank: $0[3], startedAt: $0[4]) }
        return Sweep(table: table, total: counts.values.reduce(0, +), counts: counts, ratePerMinute: rate, rateWindowSeconds: window,
                     causes: failures == 0 ? [] : try FailureCauses(sweep: id, in: db).causes.map { Cause(text: $0.text, count: $0.count) },
                     running: running)
    }

    package var json: JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map { .real(($0 * 1000).rounded() / 1000) } ?? .null }
        let sweeps = self.sweeps.map { sweep -> JSONValue in
            .object([
                ("table", .string(sweep.table)),
                ("total", .integer(Int64(sweep.total))),
                ("counts", .object(TaskState.allCases.map { ($0.rawValue, .integer(Int64(sweep.counts[$0] ?? 0))) })),
                ("rate_per_minute", number(sweep.ratePerMinute)),
                ("eta_seconds", number(sweep.etaSeconds)),
                ("failures_by_cause", .array(sweep.causes.map { .object([("cause", .string($0.text)), ("count", .integer(Int64($0.count)))]) })),
                ("running", .array(sweep.running.map { r in
                    .object([("task_id", .integer(r.taskID)), ("parameters", Self.parameters(r.parameters)),
                             ("host", r.host.map { .string($0) } ?? .null), ("rank", r.rank.map { .integer(Int64($0)) } ?? .null),
                             ("started_at", number(r.startedAt))])
                })),
            ])
        }
        let lease: JSONValue = self.lease.map { l in
            .object([("holder", .string(l.holder)), ("host", .string(l.host)), ("pid", .integer(Int64(l.pid))),
                     ("job_id", l.jobID.map { .string($0) } ?? .null), ("acquired_at", number(l.acquiredAt)), ("heartbeat_at", number(l.heartbeatAt)),
                     ("deadline", number(l.deadline))])
        } ?? .null
        return .object([("database", .string(database)), ("generated_at", number(generatedAt)), ("lease", lease), ("hosts", HostSlots.json(hosts)), ("sweeps", .array(sweeps))])
    }

    /// A task's stored parameters (a JSON object) as JSON, or as their text if they do not parse.
    static func parameters(_ text: String) -> JSONValue {
        (try? JSONParser.parseOne(Array(text.utf8))) ?? .string(text)
    }

    package var jsonText: String { json.jsonText + "\n" }
}
