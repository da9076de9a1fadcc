import GRDB
import GRDBSQLite

/// The coordinator's hot path: writes a commit batch's started-marks,
/// done-marks, result rows and attempt rows by binding values straight into
/// cached SQLite statements, with no savepoint per result and no boxing of
/// each value. Result and attempt rows go in multi-row INSERTs of up to
/// `rowsPerInsert` rows (one statement run instead of sixteen: the per-statement
/// work was a third of a row's cost). The ledger runs it inside one savepoint for the whole batch; if
/// anything fails (a row the results table cannot take as it is, a constraint
/// of a user's table), the ledger rolls that savepoint back and writes the
/// batch again one result at a time, so a bad result fails alone.
///
/// It takes rows of the shape it was planned for (the same keys in the same
/// order, every key already a column of the results table), which is what a
/// sweep's jobs print; another shape is `nil` from `plan` and the slow path.
struct BatchWriter {
    /// How one shape of job row becomes a results row: `task_id`, the job's
    /// keys (but a `task_id` of its own), then the parameters it did not print.
    struct RowPlan {
        /// The job's keys as `ResultNamer` named them (never `task_id`, no two alike ignoring case).
        var jobColumns: [String]
        /// Indices of the sweep parameters appended after the job's keys.
        var parameters: [Int]
        /// "INSERT INTO t (a,b) VALUES " and one row's "(?,?)".
        var insertPrefix: String
        var rowPlaceholders: String
        /// Rows per INSERT: `rowsPerInsert`, fewer for a wide table (SQLite's least limit is 999 values a statement).
        var rowsPerInsert: Int
        var fullInsertSQL: String

        init(jobColumns: [String], parameters: [Int], table: String, columns: [String]) {
            self.jobColumns = jobColumns
            self.parameters = parameters
            insertPrefix = "INSERT INTO \(Identifier.quoted(table)) (\(columns.map(Identifier.quoted).joined(separator: ","))) VALUES "
            rowPlaceholders = "(" + repeatElement("?", count: columns.count).joined(separator: ",") + ")"
            rowsPerInsert = max(1, min(BatchWriter.rowsPerInsert, 999 / columns.count))
            fullInsertSQL = insertPrefix + repeatElement(rowPlaceholders, count: rowsPerInsert).joined(separator: ",")
        }

        /// The INSERT of `rows` rows (at most `rowsPerInsert`).
        func insertSQL(rows: Int) -> String {
            rows == rowsPerInsert ? fullInsertSQL : insertPrefix + repeatElement(rowPlaceholders, count: rows).joined(separator: ",")
        }
    }

    /// The most rows one INSERT writes.
    static let rowsPerInsert = 16

    private(set) var plan: RowPlan?

    /// The plan for rows shaped like `row`, or nil if the table lacks one of its columns.
    mutating func plan(for row: ResultRow, table: ResultsTable, sweep: Sweep) -> RowPlan? {
        if let plan, plan.jobColumns == row.columns { return plan }
        var names = ["task_id"]
        var seen: Set<String> = ["task_id"]
        for column in row.columns {
            let lower = column.lowercased()
            guard let existing = table.column(for: column), seen.insert(lower).inserted else { return nil }
            names.append(existing)
        }
        var parameters: [Int] = []
        for (p, name) in sweep.names.enumerated() where !seen.contains(name.lowercased()) {
            guard let existing = table.column(for: name) else { return nil }
            names.append(existing)
            parameters.append(p)
        }
        let made = RowPlan(jobColumns: row.columns, parameters: parameters, table: table.name, columns: names)
        plan = made
        return made
    }

    static let markRunningSQL = """
        UPDATE farm_task SET state = \(TaskState.running.sql), rank = ?, host = ?, started_at = ?, command = ?
        WHERE id = ? AND state = \(TaskState.pending.sql)
        """
    static let markDoneSQL = """
        UPDATE farm_task SET state = \(TaskState.done.sql), failure = NULL, error = NULL, exit_status = ?, signal = NULL,
        wall_seconds = ?, rank = ?, host = ?, stderr_tail = ?, stdout_head = NULL, started_at = ?, finished_at = ?,
        command = coalesce(?, command)
        WHERE id = ? AND state != \(TaskState.done.sql)
        """
    static let attemptSQL = attemptSQL(rows: 1)
    static let fullAttemptSQL = attemptSQL(rows: rowsPerInsert)

    /// The INSERT of `rows` attempts.
    static func attemptSQL(rows: Int) -> String {
        "INSERT INTO farm_attempt (task_id, outcome, exit_status, signal, wall_seconds, cpu_seconds, max_rss_kib, rank, host, started_at, finished_at, cpus, devices) VALUES "
            + repeatElement("(?,?,?,?,?,?,?,?,?,?,?,?,?)", count: rows).joined(separator: ",")
    }

    /// One statement being filled: binds values in order, then steps and resets.
    struct Binder {
        let statement: OpaquePointer
        let connection: OpaquePointer
        private var next: Int32 = 1
        /// The first value SQLite would not take since the last step (a bug, never the data's fault).
        private var bindFailure: Int32 = SQLITE_OK

        init(_ statement: Statement, in db: Database) {
            self.statement = statement.sqliteStatement
            self.connection = db.sqliteConnection!
            // GRDB leaves a statement it ran un-reset until its next run; values cannot be bound to it so.
            sqlite3_reset(self.statement)
        }

        mutating func bind(_ value: SQLValue) {
            switch value {
            case .null: checked(sqlite3_bind_null(statement, next))
            case .integer(let i): checked(sqlite3_bind_int64(statement, next, i))
            case .real(let d): checked(sqlite3_bind_double(statement, next, d))
            case .text(let s): bind(s)
            }
        }

        mutating func bind(_ value: Int64) { checked(sqlite3_bind_int64(statement, next, value)) }
        mutating func bind(_ value: Int) { bind(Int64(value)) }
        mutating func bind(_ value: Double) { checked(sqlite3_bind_double(statement, next, value)) }
        mutating func bind(_ value: Int32?) { bind(value.map(Int64.init)) }

        mutating func bind(_ value: Int64?) {
            checked(value.map { sqlite3_bind_int64(statement, next, $0) } ?? sqlite3_bind_null(statement, next))
        }

        mutating func bind(_ value: Double?) {
            checked(value.map { sqlite3_bind_double(statement, next, $0) } ?? sqlite3_bind_null(statement, next))
        }

        mutating func bind(_ value: String?) {
            guard var text = value else { return checked(sqlite3_bind_null(statement, next)) }
            let (statement, index) = (self.statement, next)
            let code = text.withUTF8 { bytes -> Int32 in
                // (An empty buffer may have no address: bind it as an empty text, not as NULL.)
                guard let base = bytes.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, sqliteTransient) }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text(statement, index, $0, Int32(bytes.count), sqliteTransient)
                }
            }
            checked(code)
        }

        /// Moves to the next parameter, remembering a value SQLite refused.
        private mutating func checked(_ code: Int32) {
            if code != SQLITE_OK, bindFailure == SQLITE_OK { bindFailure = code }
            next += 1
        }

        /// Runs the statement with the values bound since the last step; returns the rows it changed.
        mutating func step() throws -> Int32 {
            next = 1
            if bindFailure != SQLITE_OK {
                let code = bindFailure
                bindFailure = SQLITE_OK
                sqlite3_reset(statement)
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "a value could not be bound: \(String(cString: sqlite3_errstr(code)))")
            }
            let code = sqlite3_step(statement)
            guard code == SQLITE_DONE else {
                let message = String(cString: sqlite3_errmsg(connection))
                sqlite3_reset(statement)
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
            }
            sqlite3_reset(statement)
            return sqlite3_changes(connection)
        }
    }
}

/// SQLite copies the bytes of a value bound with this (the C macro SQLITE_TRANSIENT).
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
