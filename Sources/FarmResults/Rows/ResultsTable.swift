
/// The single insert path for results, used by `dbtool insert` and by the
/// coordinator: creates the table from the first row (types inferred), adds
/// columns when allowed, and inserts with cached statements. Rows come named by
/// `ColumnNaming` (any name, quoted in every statement).
///
/// It remembers the table's columns between inserts so the coordinator's hot
/// path does not read the schema for every result. It works on any
/// `ResultsConnection`: GRDB's `Database` or dbtool's `SQLiteConnection`.
package final class ResultsTable {
    package let name: String
    /// The table's columns in order, or nil while the table does not exist.
    package private(set) var columns: [String]?
    private var lowercasedColumns: [String: String] = [:]
    /// The columns of the last row `prepare` accepted, and the last insert's columns and SQL:
    /// consecutive rows of a sweep share them, so the hot path skips the checks and the SQL building.
    private var lastPrepared: [String]?
    private var lastInsert: (columns: [String], sql: String)?

    /// Reads the table's columns from `db` (the table may not exist yet).
    package init(name: String, in db: some ResultsConnection) throws {
        // Rows written by hand into the ledger or SQLite's catalogue would corrupt them.
        guard !Identifier.isInternalTable(name) else { throw StoreError.reservedTable(name: name) }
        self.name = name
        try reloadColumns(db)
    }

    private func reloadColumns(_ db: some ResultsConnection) throws {
        lastPrepared = nil
        lastInsert = nil
        // One plain query rather than GRDB's schema introspection, which loads the whole
        // schema into generic collections (their first use costs `dbtool insert` about 1 ms).
        let names = try db.names("SELECT name FROM pragma_table_info(?)", arguments: [name])
        if names.isEmpty {
            columns = nil  // no such table (a table always has a column)
            lowercasedColumns = [:]
        } else {
            columns = names
            lowercasedColumns = Dictionary(names.map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Which table a command works on when the user names none: the database's
    /// only user table if it has exactly one (the seed's `AlgorithmResult`),
    /// else `results`.
    package static func defaultName(explicit: String?, in db: some ResultsConnection) throws -> String {
        if let explicit { return explicit }
        let tables = try userTables(in: db)
        return tables.count == 1 ? tables[0] : "results"
    }

    /// Tables that hold user data (not farm's ledger nor SQLite's own).
    package static func userTables(in db: some ResultsConnection) throws -> [String] {
        try db.names("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", arguments: [])
            .filter { !Identifier.isInternalTable($0) }
    }

    /// Checks a table name before anything is created under it.
    package static func validate(tableName name: String) throws(StoreError) {
        guard Identifier.isPlain(name) else { throw .badIdentifier(kind: "table", name: name) }
        guard !Identifier.isInternalTable(name) else { throw .reservedTable(name: name) }
    }

    /// The existing column a key maps to (SQLite compares names ignoring case).
    package func column(for key: String) -> String? {
        lowercasedColumns[key.lowercased()]
    }

    /// Creates the table if needed and adds missing columns if `addColumns`;
    /// otherwise an unknown key is an error naming it and the table's columns.
    /// `leading` columns (such as `task_id INTEGER`) come first in a new table.
    package func prepare(for row: ResultRow, addColumns: Bool, leading: [(String, String)] = [], in db: some ResultsConnection) throws {
        // Jobs of a sweep print the same keys: a row shaped like the last one needs no check.
        if columns != nil, row.columns == lastPrepared { return }
        defer { if columns != nil { lastPrepared = row.columns } }
        if columns == nil {
            try ResultsTable.validate(tableName: name)
            var definitions: [String] = []
            var seen = Set<String>()
            for (column, type) in leading where seen.insert(column.lowercased()).inserted {
                definitions.append("\(Identifier.quoted(column)) \(type)")
            }
            for (column, value) in zip(row.columns, row.values) where seen.insert(column.lowercased()).inserted {
                definitions.append("\(Identifier.quoted(column)) \(value.declaredType)".trimmingTrailingSpace())
            }
            try db.run("CREATE TABLE \(Identifier.quoted(name)) (\(definitions.joined(separator: ", ")))")
            try reloadColumns(db)
            return
        }
        var unknown: [(String, SQLValue)] = []
        for (column, value) in zip(row.columns, row.values) where self.column(for: column) == nil {
            unknown.append((column, value))
        }
        guard !unknown.isEmpty else { return }
        guard addColumns else {
            throw StoreError.unknownColumns(keys: unknown.map(\.0), table: name, columns: columns ?? [])
        }
        for (column, value) in unknown {
            try db.run("ALTER TABLE \(Identifier.quoted(name)) ADD COLUMN \(Identifier.quoted(column)) \(value.declaredType)".trimmingTrailingSpace())
        }
        try reloadColumns(db)
    }

    /// Inserts `row` (after `prepare`) and returns its rowid.
    @discardableResult
    package func insert(_ row: ResultRow, in db: some ResultsConnection) throws -> Int64 {
        if row.columns != lastInsert?.columns {
            let names = row.columns.map { Identifier.quoted(column(for: $0) ?? $0) }
            let placeholders = repeatElement("?", count: names.count).joined(separator: ",")
            let sql = names.isEmpty
                ? "INSERT INTO \(Identifier.quoted(name)) DEFAULT VALUES"
                : "INSERT INTO \(Identifier.quoted(name)) (\(names.joined(separator: ","))) VALUES (\(placeholders))"
            lastInsert = (row.columns, sql)
        }
        do {
            return try db.insert(lastInsert?.sql ?? "", values: row.values)
        } catch let refusal as RowRefusal {
            throw StoreError.rowRefused(table: name, reason: refusal.reason)
        }
    }
}

extension String {
    package func trimmingTrailingSpace() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
