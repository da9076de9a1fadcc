/// What `ResultsTable` needs of a connection: read a column of names, run a statement, insert a
/// row. The coordinator writes results through GRDB (its ledger's connection); `dbtool insert`,
/// started once per result, through a `SQLiteConnection` on SQLite's C API, whose start costs
/// none of a `DatabaseQueue`'s set-up. One table logic serves both.
package protocol ResultsConnection {
    /// The first column of each row of `sql` as text.
    func names(_ sql: String, arguments: [String]) throws -> [String]
    /// Runs a statement that returns nothing.
    func run(_ sql: String) throws
    /// Inserts with `sql` (prepared once and reused while it stays the same) and returns the rowid;
    /// throws `RowRefusal` when the table's own rules refuse the row.
    func insert(_ sql: String, values: [SQLValue]) throws -> Int64
}

/// A row the table refused by its own rule (NOT NULL, CHECK, UNIQUE, a STRICT type): the row's
/// fault, not the database's.
package struct RowRefusal: Error {
    package let reason: String

    package init(reason: String) {
        self.reason = reason
    }
}
