#ifndef FARM_SQLITE_SETUP_H
#define FARM_SQLITE_SETUP_H

/// Turns off SQLite's memory statistics for this process: with them on, every
/// allocation SQLite makes takes a process-wide mutex to count itself, a few
/// percent of the coordinator's commits. farm never reads those statistics.
/// `sqlite3_config` is variadic, which Swift cannot call: hence this function.
/// It only works before SQLite is first used (call it first thing in `main`);
/// later it does nothing. Returns SQLite's result code (0 when it took effect).
int farm_sqlite_disable_memory_statistics(void);

#endif
