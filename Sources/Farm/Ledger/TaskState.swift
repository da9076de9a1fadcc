/// Where a task of the ledger stands; `farm_task.state` holds the raw value.
/// `done`, `failed` and `pruned` are terminal: resume runs none of them again
/// (a failed task only if its retry budget is raised).
package enum TaskState: String, Sendable, CaseIterable {
    case pending, running, done, failed
    /// Early stopping gave up on its configuration at a rung before this task's budget.
    case pruned

    /// The state as an SQL literal (`'done'`), for the ledger's queries: the one place a state is spelled
    /// in SQL besides the schema's CHECK. (A query on running tasks must read `state = 'running'` as
    /// written for SQLite to use the partial index on them; this gives exactly that text.)
    package var sql: String { "'\(rawValue)'" }

    /// `state` as its index in `allCases` (an unknown text as pending's 0), for reading a million rows at
    /// resume without a string per row.
    static let codeSQL = "CASE state " + allCases.enumerated().map { "WHEN \($0.element.sql) THEN \($0.offset) " }.joined() + "ELSE 0 END"

    /// Whether resume leaves the task as it is.
    package var isSettled: Bool { self == .done || self == .failed || self == .pruned }
}
