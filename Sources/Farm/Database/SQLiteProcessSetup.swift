import CLinux

/// SQLite settings for the whole process, which take effect only before its
/// first database opens: rank 0 makes them before it opens the ledger.
enum SQLiteProcessSetup {
    /// Turns off SQLite's memory statistics, which take a process-wide mutex at
    /// every allocation SQLite makes (farm never reads them). Does nothing once
    /// SQLite was used in this process.
    static func disableMemoryStatistics() {
        _ = farm_sqlite_disable_memory_statistics()
    }
}
