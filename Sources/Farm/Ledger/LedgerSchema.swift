import GRDB

/// farm's own tables beside the results: the sweeps, every task's state and
/// last attempt, and the coordinator's lease. Created on first use; a results
/// database without them (the seed's) gains them without changing its data.
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
                state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
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
                UNIQUE (sweep_id, key)
            );
            CREATE INDEX IF NOT EXISTS farm_task_by_state ON farm_task (sweep_id, state);
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
    }

    static func exists(in db: Database) throws -> Bool {
        try db.tableExists("farm_task")
    }
}
