import FarmResults
import GRDB

/// `dbtool insert_manual` as a library call, beside `RowInsert`'s insert of JSON rows.
extension RowInsert {
    /// Inserts one row given as `col=value` arguments into an existing table.
    package static func insert(_ manual: ManualInsert, into database: String, table: String?) throws {
        guard Store.fileExists(database) else {
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
