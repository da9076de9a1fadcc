import Foundation
import GRDB
import GRDBSQLite

/// Runs one read-only SQL statement and streams its rows in a chosen format.
///
/// Read-only is enforced three ways: the connection is opened read-only,
/// `PRAGMA query_only` is on, and a statement SQLite does not call read-only
/// (a write hidden in a CTE, `PRAGMA writable_schema = 1`, `ATTACH`) is refused
/// before it runs. Cells are read straight from SQLite into an output buffer,
/// so large results print as fast as the `sqlite3` shell does.
package struct ReadOnlyQuery {
    package let sql: String

    package init(sql: String) {
        self.sql = sql
    }

    /// Runs the query on `db` and hands output bytes to `write` in chunks.
    package func run(in db: Database, format: QueryFormat, write: (UnsafeRawBufferPointer) -> Void) throws {
        try withoutActuallyEscaping(write) { write in try run(in: db, format: format, escapingWrite: write) }
    }

    private func run(in db: Database, format: QueryFormat, escapingWrite write: @escaping (UnsafeRawBufferPointer) -> Void) throws {
        try db.execute(sql: "PRAGMA query_only = 1")
        guard let connection = db.sqliteConnection else { throw StoreError.querySyntax(reason: "the database is closed") }
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let code = sql.withCString { sqlite3_prepare_v2(connection, $0, -1, &statement, &tail) }
        defer { sqlite3_finalize(statement) }
        guard code == SQLITE_OK else {
            throw StoreError.querySyntax(reason: String(cString: sqlite3_errmsg(connection)))
        }
        guard let statement else { throw StoreError.querySyntax(reason: "the SQL holds no statement") }
        if let tail, !ReadOnlyQuery.isBlank(String(cString: tail)) {
            throw StoreError.queryMultipleStatements
        }
        let upper = sql.uppercased()
        if sqlite3_stmt_readonly(statement) == 0
            || ReadOnlyQuery.startsWithKeyword(upper, "ATTACH") || ReadOnlyQuery.startsWithKeyword(upper, "DETACH")
            || ReadOnlyQuery.setsPragma(upper) {
            throw StoreError.queryWrites(sql: sql)
        }
        let columnCount = Int(sqlite3_column_count(statement))
        let names = (0..<columnCount).map { String(cString: sqlite3_column_name(statement, Int32($0))) }
        var out = OutputBuffer(write: write)
        let formatter = RowFormatter(format: format, names: names)
        formatter.begin(&out)
        var rowIndex = 0
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else {
                throw StoreError.querySyntax(reason: String(cString: sqlite3_errmsg(connection)))
            }
            formatter.row(statement, index: rowIndex, &out)
            rowIndex += 1
        }
        formatter.end(&out)
        out.flush()
    }

    static func isBlank(_ sql: String) -> Bool {
        // Only whitespace, semicolons and comments may follow the statement.
        var rest = Substring(sql)
        while let c = rest.first {
            if c.isWhitespace || c == ";" { rest.removeFirst(); continue }
            if rest.hasPrefix("--") {
                if let nl = rest.firstIndex(of: "\n") { rest = rest[rest.index(after: nl)...] } else { return true }
                continue
            }
            if rest.hasPrefix("/*") {
                guard let end = rest.range(of: "*/") else { return true }
                rest = rest[end.upperBound...]
                continue
            }
            return false
        }
        return true
    }

    /// Pragmas that read with an argument (`PRAGMA table_info(results)`); any
    /// other pragma given a value (`PRAGMA writable_schema = 1`) changes state.
    static let readingPragmas: Set<String> = [
        "TABLE_INFO", "TABLE_XINFO", "TABLE_LIST", "INDEX_INFO", "INDEX_XINFO", "INDEX_LIST",
        "FOREIGN_KEY_LIST", "FOREIGN_KEY_CHECK", "INTEGRITY_CHECK", "QUICK_CHECK",
    ]

    /// Whether `upperSQL` is a pragma that sets something rather than reads it.
    static func setsPragma(_ upperSQL: String) -> Bool {
        guard startsWithKeyword(upperSQL, "PRAGMA") else { return false }
        let body = upperSQL.drop { $0.isWhitespace }.dropFirst("PRAGMA".count)
        if body.contains("=") { return true }
        guard let open = body.firstIndex(of: "(") else { return false }
        var name = body[..<open].trimmingCharacters(in: .whitespaces)
        if let dot = name.lastIndex(of: ".") { name = String(name[name.index(after: dot)...]) }
        return !readingPragmas.contains(name)
    }

    static func startsWithKeyword(_ upperSQL: String, _ keyword: String) -> Bool {
        upperSQL.drop { $0.isWhitespace }.hasPrefix(keyword)
    }
}

/// A byte buffer that hands its contents on in 64 KiB chunks.
struct OutputBuffer {
    private var bytes: [UInt8] = []
    private let write: (UnsafeRawBufferPointer) -> Void

    init(write: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.write = write
        bytes.reserveCapacity(1 << 16)
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func append(_ b: UInt8) {
        bytes.append(b)
    }

    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { write($0) }
        bytes.removeAll(keepingCapacity: true)
    }
}
