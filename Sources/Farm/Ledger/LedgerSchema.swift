import Foundation
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
/// A ledger made before gets the current CHECK from the migration that adds
/// `pruned`.
///
/// Changes go through GRDB's `DatabaseMigrator`, one registered migration
/// each, so a ledger written by any earlier farm is brought up to date when a
/// farmrun opens it (and a database that never had a ledger gains one).
package enum LedgerSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // The ledger as farm wrote it before migrations: its tables exist already in such a database.
        migrator.registerMigration("v1 ledger") { db in try createFirst(in: db) }
        migrator.registerMigration("v2 pruned tasks and rungs") { db in
            try rebuildTasks(in: db)
            try createSearchTables(in: db)
        }
        // When the holder's allocation ends, for status and the dashboard.
        migrator.registerMigration("v3 lease deadline") { db in
            try db.execute(sql: "ALTER TABLE farm_lease ADD COLUMN deadline REAL")
        }
        // The CPUs and devices each run was given (resources:), and what every rank holds, for status.
        migrator.registerMigration("v4 resources") { db in
            try db.execute(sql: "ALTER TABLE farm_attempt ADD COLUMN cpus TEXT")
            try db.execute(sql: "ALTER TABLE farm_attempt ADD COLUMN devices TEXT")
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS farm_host (
                    host TEXT PRIMARY KEY,
                    cpus INTEGER NOT NULL,
                    busy_cpus INTEGER NOT NULL,
                    gpus INTEGER NOT NULL,
                    busy_gpus REAL NOT NULL,
                    updated_at REAL NOT NULL
                ) STRICT
                """)
        }
        return migrator
    }

    /// Brings the ledger in `queue` up to date. Two farmruns opening one ledger at once both try, and the
    /// migrator reads what is applied before it opens each migration's transaction: the second one can
    /// attempt a migration the first has just committed, and fail on its record (a UNIQUE constraint on
    /// grdb_migrations), on its effect ("duplicate column name") or on the lock. A migration commits its
    /// change and its record together, so a failure while the applied set grew is that race: what is left
    /// is run again (or found all done), within 30 s. A failure while nothing else progressed is real.
    static func migrate(_ queue: DatabaseQueue) throws {
        let migrator = self.migrator
        let giveUp = Date(timeIntervalSinceNow: 30)
        while true {
            let appliedBefore = try applied(in: queue)
            do {
                try migrator.migrate(queue)
                return
            } catch let error as DatabaseError {
                if try queue.read(migrator.hasCompletedMigrations) { return }
                let appliedAfter = try applied(in: queue)
                let raced = appliedAfter != appliedBefore || error.resultCode == .SQLITE_BUSY
                guard raced, Date() < giveUp else { throw error }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    /// The migrations applied, read in one snapshot (the migrator's own read looks for its table after a
    /// failed SELECT, in a newer snapshot, so it fails while another connection creates that table).
    private static func applied(in queue: DatabaseQueue) throws -> Set<String> {
        try queue.read { db in
            try db.tableExists("grdb_migrations")
                ? String.fetchSet(db, sql: "SELECT identifier FROM grdb_migrations") : []
        }
    }

    /// farm_task's state CHECK (compared with `=`, see above).
    static let stateCheck = TaskState.allCases.map { "state = '\($0.rawValue)'" }.joined(separator: " OR ")

    /// farm_task as created; `later` holds the columns migrations added after the first ledger.
    static func taskTableSQL(name: String, stateCheck: String, later: String = "") -> String {
        """
        CREATE TABLE IF NOT EXISTS \(name) (
            id INTEGER PRIMARY KEY,
            sweep_id INTEGER NOT NULL REFERENCES farm_sweep(id),
            key TEXT NOT NULL,
            params TEXT NOT NULL,
            replicate INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (\(stateCheck)),
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
            lost_share REAL NOT NULL DEFAULT 0,\(later)
            UNIQUE (sweep_id, key)
        );
        """
    }

    private static func createFirst(in db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS farm_sweep (
                id INTEGER PRIMARY KEY,
                results_table TEXT NOT NULL UNIQUE,
                spec TEXT NOT NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            """)
        try db.execute(sql: taskTableSQL(name: "farm_task", stateCheck: "state = 'pending' OR state = 'running' OR state = 'done' OR state = 'failed'"))
        try db.execute(sql: """
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

    /// Columns added before migrations; a ledger written by such a farm gains them.
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

    /// farm_task again with the CHECK that allows every `TaskState` (SQLite cannot alter a CHECK):
    /// SQLite's own procedure, a new table, the rows copied, the old one dropped (foreign keys are off meanwhile).
    private static func rebuildTasks(in db: Database) throws {
        let columns = try db.columns(in: "farm_task").map { Identifier.quoted($0.name) }.joined(separator: ", ")
        // bad_reports: a fidelity job's report lines that could not be stored (see `TrialBook.accept`).
        try db.execute(sql: taskTableSQL(name: "farm_task_new", stateCheck: stateCheck, later: "\n    bad_reports INTEGER NOT NULL DEFAULT 0,"))
        try db.execute(sql: """
            INSERT INTO farm_task_new (\(columns)) SELECT \(columns) FROM farm_task;
            DROP TABLE farm_task;
            ALTER TABLE farm_task_new RENAME TO farm_task;
            CREATE INDEX farm_task_running ON farm_task (sweep_id) WHERE state = 'running';
            """)
    }

    /// Early stopping's record: each configuration's metric at each rung it reached, per replicate,
    /// and each decision taken there, so a resumed search never reverses one.
    private static func createSearchTables(in db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS farm_rung (
                sweep_id INTEGER NOT NULL REFERENCES farm_sweep(id),
                config TEXT NOT NULL,
                rung REAL NOT NULL,
                replicate INTEGER NOT NULL,
                metric REAL,
                reported_at REAL NOT NULL,
                PRIMARY KEY (sweep_id, config, rung, replicate)
            );
            CREATE TABLE IF NOT EXISTS farm_decision (
                sweep_id INTEGER NOT NULL REFERENCES farm_sweep(id),
                config TEXT NOT NULL,
                rung REAL NOT NULL,
                metric REAL,
                reports INTEGER NOT NULL,
                place INTEGER NOT NULL,
                competitors INTEGER NOT NULL,
                decision TEXT NOT NULL CHECK (decision = 'continue' OR decision = 'prune'),
                decided_at REAL NOT NULL,
                PRIMARY KEY (sweep_id, config, rung)
            );
            """)
    }

    package static func exists(in db: Database) throws -> Bool {
        try db.tableExists("farm_task")
    }
}
