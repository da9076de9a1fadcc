/// `dbtool insert` as a library call: the rows go into the table in one transaction (all of them or
/// none), the table is created or widened as asked, and a database file this call created is removed
/// again when the insert fails, so a failed first insert leaves nothing behind.
package enum RowInsert {
    /// Inserts `rows` into `table` (nil: the database's only table, or `results`) of `database`;
    /// `renamed` hears once of each key stored under another name. It runs once per result of a
    /// sweep, so it goes through SQLite's C API (`Store.openConnection`), not a `DatabaseQueue`.
    package static func insert(_ rows: [ResultRow], into database: String, table: String?, addColumns: Bool,
                               renamed: (String) -> Void = { _ in }) throws(StoreError) {
        let existed = Store.fileExists(database)
        do throws(StoreError) {
            let db = try Store.openConnection(database)
            defer { db.close() }
            do {
                try db.inImmediateTransaction {
                    let name = try ResultsTable.defaultName(explicit: table, in: db)
                    let writer = try ResultsTable(name: name, in: db)
                    var reported = Set<String>()
                    for row in rows {
                        let (named, renames) = row.namedForStorage()
                        for rename in renames where reported.insert(rename.key).inserted { renamed(rename.description) }
                        try writer.prepare(for: named, addColumns: addColumns, in: db)
                        try writer.insert(named, in: db)
                    }
                }
            } catch let error as StoreError {
                throw error
            } catch let failure as SQLiteFailure {
                throw Store.classify(code: failure.code, message: failure.message, path: database)
            } catch {
                throw StoreError.sqlite(path: database, reason: "\(error)")
            }
        } catch {
            if !existed { Store.removeFiles(of: database) }
            throw error
        }
    }
}
