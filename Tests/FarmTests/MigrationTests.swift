import Foundation
import GRDB
import Synchronization
import Testing
@testable import Farm

/// A ledger written before schema migrations (the committed fixture: a farm of
/// 8 tasks stopped with 4 done, 1 failed for good and 3 pending) is migrated
/// when farmrun opens it, and resumes as it would have.
@Suite struct MigrationTests {
    static let fixture = Slurm.repository + "/Tests/Fixtures/ledger-before-migrations"

    @Test func aLedgerFromBeforeMigrationsIsMigratedAndResumes() throws {
        let folder = TemporaryFolder()
        for name in ["job.py", "sweep.yaml", "results.db"] {
            try FileManager.default.copyItem(atPath: "\(Self.fixture)/\(name)", toPath: folder.file(name))
        }
        let db = folder.file("results.db")
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") as Int? == 4)
        let run = try runProcess([Binaries.farmrun, "run", folder.file("sweep.yaml"), "--db", db, "--jobs", "2"],
                                 inDirectory: folder.path)
        #expect(run.status == 1, "x=3 fails for good: \(run.stderr)")
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") as Int? == 6)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'failed'") as Int? == 2)
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results") as Int? == 6)
        #expect(try scalar(db, "SELECT count(*) FROM results") as Int? == 6)
        let migrations: [String] = try DatabaseQueue(path: db).read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
        #expect(migrations == ["v1 ledger", "v2 pruned tasks and rungs", "v3 lease deadline", "v4 resources"])
        // The migrations' record is farm's, not a results table: dbtool's commands that pick the table ignore it.
        let tables = try dbtool(["tables", db])
        #expect(!tables.stdout.contains("grdb_migrations"), "\(tables.stdout)")
        #expect(try dbtool(["summary", db, "--metric", "y"]).status == 0)
        let schema: String? = try scalar(db, "SELECT sql FROM sqlite_master WHERE name = 'farm_task'")
        #expect(schema?.contains("state = 'pruned'") == true)
        // The old attempts still point at their tasks.
        #expect(try scalar(db, "SELECT count(*) FROM farm_attempt WHERE task_id NOT IN (SELECT id FROM farm_task)") as Int? == 0)
    }

    @Test func aLedgerOpenedTwiceIsMigratedOnce() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try FileManager.default.copyItem(atPath: "\(Self.fixture)/results.db", toPath: db)
        let sweep = try Sweep(try SweepSpec.load(path: "\(Self.fixture)/sweep.yaml"))
        let first = try Ledger(path: db, sweep: sweep)
        let second = try Ledger(path: db, sweep: sweep)
        try first.close()
        try second.close()
        #expect(try scalar(db, "SELECT count(*) FROM grdb_migrations") as Int? == 4)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task") as Int? == 8)
    }

    /// Eight connections opening one new ledger at once (what eight farmruns started together do): each
    /// may try a migration another has just committed. Every one of them opens it, and each migration is
    /// applied once. Repeated on sixty new files, so the interleavings the race needs all come up.
    @Test func ledgersOpenedAtOnceOnANewDatabaseAllOpenIt() throws {
        let folder = TemporaryFolder()
        let sweep = try Sweep(try SweepSpec.load(path: "\(Self.fixture)/sweep.yaml"))
        for round in 0..<60 {
            let db = folder.file("r\(round).db")
            // Threads of their own, not the test pool's two: eight connections really at once.
            let failures = Mutex<[String]>([])
            let done = DispatchGroup()
            for _ in 0..<8 {
                done.enter()
                Thread.detachNewThread {
                    do { try Ledger(path: db, sweep: sweep).close() } catch { failures.withLock { $0.append("\(error)") } }
                    done.leave()
                }
            }
            done.wait()
            #expect(failures.withLock { $0 } == [])
            #expect(try scalar(db, "SELECT count(*) FROM grdb_migrations") as Int? == 4)
        }
    }

}
