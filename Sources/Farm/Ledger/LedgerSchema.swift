import GRDB

/// farm's own tables beside the results: the sweeps, every task's state and
/// last attempt, every attempt (farm_attempt: where it ran, how it ended, its
/// wall and CPU time and peak memory), and the coordinator's lease. Created on first use; a results
/// database without them (the seed's) gains them without changing its data.
///
/// Two choices are for the coordinator's hot path, the done-mark of every task:
/// `state`'s CHECK compares with `=` (SQLite evaluates an `IN` list of more than
/// two values through a temporary b-tree it opens and closes at every UPDATE, a
/// third of the mark's cost), and the only index on `state` is a partial one on
/// running tasks (what resume looks up), so a pending task marked done touches no
/// index. Counts by state scan the sweep's tasks (about 0.4 s per million).
/// A ledger made before keeps its CHECK (still correct, slower) and has its
/// full state index replaced.
enum LedgerSchema {
    static let version = 1

    static func create(in db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS farm_sweep (
                id INTEGER PRIMARY KEY,
                results_table TEXT NOT NULL UNIQUE,
                spec TEXT NOT NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE TABLE IF NOT EXISTS farm_task (
                id INTEGER PRIMARY KEY,
                sweep_id INTEGER NOT NULL REFERENCES farm_sweep(id),
                key TEXT NOT NULL,
                params TEXT NOT NULL,
                replicate INTEGER NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state = 'pending' OR state = 'running' OR state = 'done' OR state = 'failed'),
                failures INTEGER NOT NULL DEFAULT 0,
                interruptions INTEGER NOT NULL DEFAULT 0,
                command TEXT,
                failure TEXT,
                error TEXT,
                exit_status INTEGER,
                signal INTEGER,
                wall_seconds REAL,
                rank INTEGER,
                host TEXT,
                stderr_tail TEXT,
                stdout_head TEXT,
                started_at REAL,
                finished_at REAL,
                result_rowid INTEGER,
                failure_counts TEXT,
                lost INTEGER NOT NULL DEFAULT 0,
                lost_share REAL NOT NULL DEFAULT 0,
                UNIQUE (sweep_id, key)
            );
            DROP INDEX IF EXISTS farm_task_by_state;
            CREATE INDEX IF NOT EXISTS farm_task_running ON farm_task (sweep_id) WHERE state = 'running';
            CREATE TABLE IF NOT EXISTS farm_attempt (
                id INTEGER PRIMARY KEY,
                task_id INTEGER NOT NULL REFERENCES farm_task(id),
                outcome TEXT NOT NULL,
                exit_status INTEGER,
                signal INTEGER,
                wall_seconds REAL,
                cpu_seconds REAL,
                max_rss_kib INTEGER,
                rank INTEGER,
                host TEXT,
                started_at REAL,
                finished_at REAL,
                lost_with INTEGER
            );
            CREATE TABLE IF NOT EXISTS farm_lease (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                holder TEXT NOT NULL,
                host TEXT NOT NULL,
                pid INTEGER NOT NULL,
                job_id TEXT,
                acquired_at REAL NOT NULL,
                heartbeat_at REAL NOT NULL
            );
            """)
        try addMissingColumns(in: db)
    }

    /// Columns added since the first ledgers; a ledger written by an older farm gains them.
    private static func addMissingColumns(in db: Database) throws {
        let have = Set(try db.columns(in: "farm_task").map { $0.name.lowercased() })
        let added = [
            ("failure_counts", "TEXT"),
            ("lost", "INTEGER NOT NULL DEFAULT 0"),
            ("lost_share", "REAL NOT NULL DEFAULT 0"),
        ]
        for (name, type) in added where !have.contains(name) {
            try db.execute(sql: "ALTER TABLE farm_task ADD COLUMN \(name) \(type)")
        }
    }

    static func exists(in db: Database) throws -> Bool {
        try db.tableExists("farm_task")
    }
}
