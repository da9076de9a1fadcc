import FarmResults
import Foundation
import GRDB
import GRDBSQLite

/// The GRDB side of `Store`: the queues through which the ledger writes and the read side reads.
extension Store {
    /// Opens `path` for writing, creating the file if it does not exist.
    package static func openForWriting(_ path: String) throws(StoreError) -> DatabaseQueue {
        try checkWritable(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "farm.write"
        let journal = journalMode(for: path)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try setJournalMode(journal, query: { try String.fetchOne(db, sql: $0) },
                               isBusy: { ($0 as? DatabaseError)?.resultCode == .SQLITE_BUSY })
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return queue
        } catch {
            throw classify(error, path: path)
        }
    }

    /// Opens an existing `path` read-only: nothing done through it can change the file.
    package static func openForReading(_ path: String) throws(StoreError) -> DatabaseQueue {
        try checkFolder(of: path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw .cannotOpen(path: path, reason: "no such file; check the path")
        }
        guard !isFolder.boolValue else { throw .cannotOpen(path: path, reason: "it is a folder; give the path of the database file in it") }
        var configuration = Configuration()
        configuration.readonly = true
        // Belt and braces: even a statement that slipped through cannot write.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = ON") }
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "farm.read"
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return queue
        } catch {
            throw classify(error, path: path)
        }
    }

    /// Turns a GRDB error into a `StoreError` that names the file.
    package static func classify(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            return classify(code: error.resultCode.primaryResultCode.rawValue, message: error.message ?? "\(error.resultCode)", path: path)
        }
        if let failure = error as? SQLiteFailure {
            return classify(code: failure.code, message: failure.message, path: path)
        }
        return .sqlite(path: path, reason: "\(error)")
    }
}
