import GRDBSQLite

/// One connection on SQLite's C API, for the single transaction of a `dbtool insert`: a
/// `DatabaseQueue`'s set-up (its dispatch queue, function and authorizer registration, the
/// generic metadata they instantiate) was half of that command's own time, paid again by
/// every process a sweep starts (see `bench/dbtool-latency.sh`). Errors come as `SQLiteFailure`
/// with SQLite's primary result code, for `Store` to word.
package final class SQLiteConnection {
    private var handle: OpaquePointer?
    /// The insert statement and its SQL, kept while consecutive rows share it.
    private var insertStatement: (sql: String, statement: OpaquePointer)?

    /// Opens (creating) `path` for reading and writing, waiting up to `busyTimeout` seconds for other writers.
    package init(path: String, busyTimeout: Double) throws(SQLiteFailure) {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK else {
            let failure = SQLiteFailure(code: rc, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory")
            sqlite3_close(handle)
            handle = nil
            throw failure
        }
        sqlite3_busy_timeout(handle, Int32(busyTimeout * 1000))
    }

    deinit { close() }

    /// Finishes the statements and closes the file.
    package func close() {
        if let insert = insertStatement { sqlite3_finalize(insert.statement) }
        insertStatement = nil
        if let handle { sqlite3_close(handle) }
        handle = nil
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: committed if it returns, rolled back if it throws.
    package func inImmediateTransaction(_ body: () throws -> Void) throws {
        try run("BEGIN IMMEDIATE")
        do {
            try body()
            try run("COMMIT")
        } catch {
            try? run("ROLLBACK")
            throw error
        }
    }

    package func run(_ sql: String) throws {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        try step(statement, whileRows: { _ in })
    }

    /// The first column of `sql`'s single row as text (nil: no row or NULL).
    package func text(_ sql: String) throws -> String? {
        try names(sql, arguments: []).first
    }

    private func prepare(_ sql: String) throws(SQLiteFailure) -> OpaquePointer {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw failure(rc) }
        return statement
    }

    private func step(_ statement: OpaquePointer, whileRows row: (OpaquePointer) -> Void) throws(SQLiteFailure) {
        while true {
            let rc = sqlite3_step(statement)
            switch rc {
            case SQLITE_ROW: row(statement)
            case SQLITE_DONE: return
            default: throw failure(rc)
            }
        }
    }

    private func failure(_ rc: Int32) -> SQLiteFailure {
        SQLiteFailure(code: rc & 0xFF, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "no connection")
    }
}

extension SQLiteConnection: ResultsConnection {
    package func names(_ sql: String, arguments: [String]) throws -> [String] {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        for (index, argument) in arguments.enumerated() {
            sqlite3_bind_text(statement, Int32(index + 1), argument, -1, SQLiteConnection.transient)
        }
        var names: [String] = []
        try step(statement) { row in
            if let text = sqlite3_column_text(row, 0) { names.append(String(cString: text)) }
        }
        return names
    }

    package func insert(_ sql: String, values: [SQLValue]) throws -> Int64 {
        let statement = try insertStatement(for: sql)
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .null: sqlite3_bind_null(statement, position)
            case .integer(let i): sqlite3_bind_int64(statement, position, i)
            case .real(let d): sqlite3_bind_double(statement, position, d)
            case .text(let s):
                // With its length: a JSON string may hold a NUL.
                sqlite3_bind_text(statement, position, s, Int32(s.utf8.count), SQLiteConnection.transient)
            }
        }
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE else {
            let failure = failure(rc)
            sqlite3_reset(statement)
            if failure.code == SQLITE_CONSTRAINT || failure.code == SQLITE_MISMATCH { throw RowRefusal(reason: failure.message) }
            throw failure
        }
        return sqlite3_last_insert_rowid(handle)
    }

    /// The insert statement for `sql`: the one kept if it is the same SQL, else a new one.
    private func insertStatement(for sql: String) throws(SQLiteFailure) -> OpaquePointer {
        if let kept = insertStatement, kept.sql == sql { return kept.statement }
        if let kept = insertStatement { sqlite3_finalize(kept.statement) }
        insertStatement = nil
        let statement = try prepare(sql)
        insertStatement = (sql, statement)
        return statement
    }

    /// SQLITE_TRANSIENT, a macro Swift cannot import: SQLite copies the bound text at once.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}

/// An SQLite call that failed: its primary result code and SQLite's message.
package struct SQLiteFailure: Error, Sendable {
    package let code: Int32
    package let message: String
}
