import GRDB

/// The dashboard's Attempts page: what a sweep's attempts cost, by outcome and host — how many, their wall
/// and CPU time and peak memory (from `farm_attempt`, the kernel's rusage of each job) — so a slow node or
/// a memory-hungry failure shows at a glance.
package struct AttemptUsage: Sendable {
    package struct Group: Sendable {
        package var outcome: String
        package var host: String
        package var attempts: Int
        package var wallMean: Double?
        package var wallMax: Double?
        package var cpuMean: Double?
        package var cpuTotal: Double?
        package var rssMaxKiB: Int?
    }

    package var table: String
    package var groups: [Group]

    package init(sweep: Int64, table: String, in db: Database) throws {
        self.table = table
        groups = try Row.fetchAll(db, sql: """
            SELECT a.outcome, coalesce(a.host, '?'), count(*), avg(a.wall_seconds), max(a.wall_seconds),
                   avg(a.cpu_seconds), sum(a.cpu_seconds), max(a.max_rss_kib)
            FROM farm_attempt a JOIN farm_task t ON t.id = a.task_id
            WHERE t.sweep_id = ?
            GROUP BY a.outcome, coalesce(a.host, '?')
            ORDER BY count(*) DESC, a.outcome, 2
            """, arguments: [sweep]).map {
            Group(outcome: $0[0], host: $0[1], attempts: $0[2], wallMean: $0[3], wallMax: $0[4], cpuMean: $0[5], cpuTotal: $0[6], rssMaxKiB: $0[7])
        }
    }

    package var json: JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map { .real(($0 * 1000).rounded() / 1000) } ?? .null }
        return .object([
            ("table", .string(table)),
            ("groups", .array(groups.map { group in
                .object([
                    ("outcome", .string(group.outcome)), ("host", .string(group.host)), ("attempts", .integer(Int64(group.attempts))),
                    ("wall_mean_seconds", number(group.wallMean)), ("wall_max_seconds", number(group.wallMax)),
                    ("cpu_mean_seconds", number(group.cpuMean)), ("cpu_total_seconds", number(group.cpuTotal)),
                    ("max_rss_kib", group.rssMaxKiB.map { .integer(Int64($0)) } ?? .null),
                ])
            })),
        ])
    }
}
