import GRDB

/// The dashboard's Failures page: a sweep's unfinished failed tasks grouped by cause (the same causes as
/// `farmrun status`), each task with what it takes to understand and reproduce it: its failure class,
/// exit status or signal, attempts, stderr's tail, stdout's head and the command as a shell line. Job text
/// stays a JSON string; the page shows it as text.
package struct FailureDocument: Sendable {
    package struct Task: Sendable {
        package var taskID: Int64
        package var parameters: String
        package var replicate: Int
        package var state: String
        package var failureClass: String?
        package var error: String?
        package var exitStatus: Int?
        package var signal: Int?
        package var failures: Int
        package var host: String?
        package var finishedAt: Double?
        package var stderrTail: String?
        package var stdoutHead: String?
        package var command: String?
    }

    package struct Group: Sendable {
        package var cause: String
        package var tasks: [Task]
    }

    package var table: String
    package var groups: [Group]
    /// Failed tasks beyond `limit`, left out.
    package var omitted: Int

    /// The failures of the sweep writing `table`, at most `limit` tasks (most recent first).
    package init(sweep: Int64, table: String, limit: Int = 500, in db: Database) throws {
        self.table = table
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, params, replicate, state, failure, error, exit_status, signal, failures, host, finished_at,
                   stderr_tail, stdout_head, command
            FROM farm_task WHERE sweep_id = ? AND failure IS NOT NULL AND state != \(TaskState.done.sql)
            ORDER BY finished_at DESC LIMIT ?
            """, arguments: [sweep, limit + 1])
        let failed = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM farm_task WHERE sweep_id = ? AND failure IS NOT NULL AND state != \(TaskState.done.sql)
            """, arguments: [sweep]) ?? 0
        omitted = max(0, failed - limit)
        var order: [String] = []
        var byCause: [String: [Task]] = [:]
        for row in rows.prefix(limit) {
            let command: String? = row[13]
            let task = Task(taskID: row[0], parameters: row[1], replicate: row[2], state: row[3], failureClass: row[4], error: row[5],
                            exitStatus: row[6], signal: row[7], failures: row[8], host: row[9], finishedAt: row[10],
                            stderrTail: row[11], stdoutHead: row[12], command: command.flatMap(Self.shellLine))
            let cause = FailureCauses.cause(stderr: task.stderrTail, error: task.error, failure: task.failureClass)
            if byCause[cause] == nil { order.append(cause) }
            byCause[cause, default: []].append(task)
        }
        groups = order.map { Group(cause: $0, tasks: byCause[$0] ?? []) }.sorted { $0.tasks.count > $1.tasks.count }
    }

    /// A stored argv (a JSON array) as the shell line that runs it again.
    static func shellLine(_ command: String) -> String? {
        guard case .array(let items)? = try? JSONParser.parseOne(Array(command.utf8)) else { return nil }
        return ShellQuote.line(items.compactMap { if case .string(let s) = $0 { s } else { nil } })
    }

    package var json: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        func int(_ value: Int?) -> JSONValue { value.map { .integer(Int64($0)) } ?? .null }
        return .object([
            ("table", .string(table)),
            ("omitted", .integer(Int64(omitted))),
            ("causes", .array(groups.map { group in
                .object([
                    ("cause", .string(group.cause)),
                    ("count", .integer(Int64(group.tasks.count))),
                    ("tasks", .array(group.tasks.map { task in
                        .object([
                            ("task_id", .integer(task.taskID)),
                            ("parameters", StatusDocument.parameters(task.parameters)),
                            ("replicate", .integer(Int64(task.replicate))),
                            ("state", .string(task.state)),
                            ("failure", text(task.failureClass)),
                            ("error", text(task.error)),
                            ("exit_status", int(task.exitStatus)),
                            ("signal", int(task.signal)),
                            ("failures", .integer(Int64(task.failures))),
                            ("host", text(task.host)),
                            ("finished_at", task.finishedAt.map { .real($0) } ?? .null),
                            ("stderr_tail", text(task.stderrTail)),
                            ("stdout_head", text(task.stdoutHead)),
                            ("command", text(task.command)),
                        ])
                    })),
                ])
            })),
        ])
    }
}
