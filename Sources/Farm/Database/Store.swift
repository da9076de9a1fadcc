import Foundation
import GRDB
import GRDBSQLite

/// Opens results databases the one way farm does it: WAL on local disks and a
/// rollback journal on network filesystems, a generous busy timeout so many
/// processes can insert at once, and clear errors for a missing folder, a
/// read-only file or a file that is not a database.
package enum Store {
    /// How long a writer waits for another writer before giving up.
    package static let busyTimeout: TimeInterval = 120

    /// Opens `path` for writing, creating the file if it does not exist.
    package static func openForWriting(_ path: String) throws(StoreError) -> DatabaseQueue {
        try checkFolder(of: path)
        let exists = FileManager.default.fileExists(atPath: path)
        if exists && !FileManager.default.isWritableFile(atPath: path) {
            throw .readOnlyFile(path: path)
        }
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

    /// The journal mode farm uses for a database at `path`.
    package static func journalMode(for path: String) -> String {
        let folder = folder(of: path)
        return FileSystemKind.of(folder: folder.isEmpty ? "." : folder).isNetwork ? "DELETE" : "WAL"
    }

    /// Opens `path` for writing on SQLite's C API, for the one transaction of a `dbtool insert`:
    /// the same checks, settings (busy timeout, synchronous, journal mode) and words as
    /// `openForWriting`, without a `DatabaseQueue`'s set-up.
    package static func openConnection(_ path: String) throws(StoreError) -> SQLiteConnection {
        try checkFolder(of: path)
        if FileManager.default.fileExists(atPath: path) && !FileManager.default.isWritableFile(atPath: path) {
            throw .readOnlyFile(path: path)
        }
        do {
            let connection = try SQLiteConnection(path: path, busyTimeout: busyTimeout)
            try connection.run("PRAGMA synchronous = NORMAL")
            try setJournalMode(journalMode(for: path), query: { try connection.text($0) },
                               isBusy: { ($0 as? SQLiteFailure)?.code == SQLITE_BUSY })
            return connection
        } catch {
            throw classify(error, path: path)
        }
    }

    private static func setJournalMode(_ mode: String, query: (String) throws -> String?, isBusy: (any Error) -> Bool) throws {
        let current = try query("PRAGMA journal_mode") ?? ""
        guard current.uppercased() != mode else { return }
        // Switching modes takes an exclusive lock; other processes may be
        // opening the same new file at this very moment, so retry while busy.
        var attempt = 0
        while true {
            do {
                _ = try query("PRAGMA journal_mode = \(mode)")
                return
            } catch where isBusy(error) && attempt < 2000 {
                attempt += 1
                usleep(UInt32(1000 + (attempt % 10) * 500))
            }
        }
    }

    private static func checkFolder(of path: String) throws(StoreError) {
        let folder = folder(of: path)
        guard !folder.isEmpty else { return }
        var info = stat()
        if stat(folder, &info) != 0 || info.st_mode & S_IFMT != S_IFDIR {
            throw .folderMissing(path: path, folder: folder)
        }
    }

    /// The folder part of `path` ("" for a bare file name), as NSString's
    /// deletingLastPathComponent gives it, without bridging to NSString (dbtool's start-up).
    static func folder(of path: String) -> String {
        var rest = Substring(path)
        while rest.count > 1, rest.hasSuffix("/") { rest.removeLast() }
        guard let slash = rest.lastIndex(of: "/") else { return "" }
        var folder = rest[..<slash]
        while folder.hasSuffix("/") { folder.removeLast() }
        return folder.isEmpty ? "/" : String(folder)
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

    private static func classify(code: Int32, message: String, path: String) -> StoreError {
        switch code {
        case SQLITE_NOTADB: return .notADatabase(path: path)
        case SQLITE_READONLY: return .readOnlyFile(path: path)
        case SQLITE_FULL: return .diskFull(path: path)
        case SQLITE_CANTOPEN: return .cannotOpen(path: path, reason: "permission denied or not a file")
        default: return .sqlite(path: path, reason: message)
        }
    }
}

extension Store {
    /// Removes a database file and its WAL companions (used when a command
    /// created the file and then failed, so it leaves nothing behind).
    package static func removeFiles(of path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}
