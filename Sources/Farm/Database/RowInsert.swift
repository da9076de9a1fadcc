import Foundation
import GRDB

/// `dbtool insert` and `insert_manual` as library calls: the rows go into the table in one transaction
/// (all of them or none), the table is created or widened as asked, and a database file this call
/// created is removed again when the insert fails, so a failed first insert leaves nothing behind.
package enum RowInsert {
    /// Inserts `rows` into `table` (nil: the database's only table, or `results`) of `database`;
    /// `renamed` hears once of each key stored under another name. It runs once per result of a
    /// sweep, so it goes through SQLite's C API (`Store.openConnection`), not a `DatabaseQueue`.
    package static func insert(_ rows: [ResultRow], into database: String, table: String?, addColumns: Bool,
                               renamed: (String) -> Void = { _ in }) throws {
        let existed = FileManager.default.fileExists(atPath: database)
        do {
            let db = try Store.openConnection(database)
            defer { db.close() }
            do {
                try db.inImmediateTransaction {
                    let name = try ResultsTable.defaultName(explicit: table, in: db)
                    let writer = try ResultsTable(name: name, in: db)
                    var reported = Set<String>()
                    for row in rows {
                        let (named, renames) = row.namedForStorage()
                        for rename in renames where reported.insert(rename.key).inserted { renamed("\(rename)") }
                        try writer.prepare(for: named, addColumns: addColumns, in: db)
                        try writer.insert(named, in: db)
                    }
                }
            } catch let failure as SQLiteFailure {
                throw Store.classify(failure, path: database)
            }
        } catch {
            if !existed { Store.removeFiles(of: database) }
            throw error
        }
    }

    /// Inserts one row given as `col=value` arguments into an existing table.
    package static func insert(_ manual: ManualInsert, into database: String, table: String?) throws {
        guard FileManager.default.fileExists(atPath: database) else {
            throw StoreError.cannotOpen(path: database, reason: "no such file; insert_manual needs an existing table")
        }
        let queue = try Store.openForWriting(database)
        try queue.inTransaction(.immediate) { db in
            let name = try ResultsTable.defaultName(explicit: table, in: db)
            try manual.insert(into: name, in: db)
            return .commit
        }
    }
}
