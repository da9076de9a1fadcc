#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GRDBSQLite

/// Opens results databases the one way farm does it: WAL on local disks and a
/// rollback journal on network filesystems, a generous busy timeout so many
/// processes can insert at once, and clear errors for a missing folder, a
/// read-only file or a file that is not a database. This part needs SQLite's C API
/// only (`dbtool insert`); Farm adds the GRDB queues of the ledger and the read side.
package enum Store {
    /// How long a writer waits for another writer before giving up, in seconds.
    package static let busyTimeout: Double = 120

    /// Opens `path` for writing on SQLite's C API, for the one transaction of a `dbtool insert`:
    /// the same checks, settings (busy timeout, synchronous, journal mode) and words as
    /// Farm's `openForWriting`, without a `DatabaseQueue`'s set-up.
    package static func openConnection(_ path: String) throws(StoreError) -> SQLiteConnection {
        try checkWritable(path)
        do {
            let connection = try SQLiteConnection(path: path, busyTimeout: busyTimeout)
            try connection.run("PRAGMA synchronous = NORMAL")
            try setJournalMode(journalMode(for: path), query: { try connection.text($0) },
                               isBusy: { ($0 as? SQLiteFailure)?.code == SQLITE_BUSY })
            return connection
        } catch let failure as SQLiteFailure {
            throw classify(code: failure.code, message: failure.message, path: path)
        } catch {
            throw .sqlite(path: path, reason: "\(error)")
        }
    }

    /// The journal mode farm uses for a database at `path`.
    package static func journalMode(for path: String) -> String {
        let folder = folder(of: path)
        return FileSystemKind.of(folder: folder.isEmpty ? "." : folder).isNetwork ? "DELETE" : "WAL"
    }

    /// Sets `mode` through `query` unless it is the database's mode already.
    package static func setJournalMode(_ mode: String, query: (String) throws -> String?, isBusy: (any Error) -> Bool) throws {
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

    /// The folder must exist, and a file that exists must be writable.
    package static func checkWritable(_ path: String) throws(StoreError) {
        try checkFolder(of: path)
        if fileExists(path) && access(path, W_OK) != 0 {
            throw .readOnlyFile(path: path)
        }
    }

    package static func checkFolder(of path: String) throws(StoreError) {
        let folder = folder(of: path)
        guard !folder.isEmpty else { return }
        var info = stat()
        if stat(folder, &info) != 0 || info.st_mode & S_IFMT != S_IFDIR {
            throw .folderMissing(path: path, folder: folder)
        }
    }

    /// Whether anything (a file, a folder, a link to something) is at `path`.
    package static func fileExists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// The folder part of `path` ("" for a bare file name), as NSString's
    /// deletingLastPathComponent gives it.
    package static func folder(of path: String) -> String {
        var rest = Substring(path)
        while rest.count > 1, rest.hasSuffix("/") { rest.removeLast() }
        guard let slash = rest.lastIndex(of: "/") else { return "" }
        var folder = rest[..<slash]
        while folder.hasSuffix("/") { folder.removeLast() }
        return folder.isEmpty ? "/" : String(folder)
    }

    /// The error for SQLite's primary result `code` on `path`.
    package static func classify(code: Int32, message: String, path: String) -> StoreError {
        switch code {
        case SQLITE_NOTADB: return .notADatabase(path: path)
        case SQLITE_READONLY: return .readOnlyFile(path: path)
        case SQLITE_FULL: return .diskFull(path: path)
        case SQLITE_CANTOPEN: return .cannotOpen(path: path, reason: "permission denied or not a file")
        default: return .sqlite(path: path, reason: message)
        }
    }

    /// Removes a database file and its WAL companions (used when a command
    /// created the file and then failed, so it leaves nothing behind).
    package static func removeFiles(of path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            _ = unlink(path + suffix)
        }
    }
}
