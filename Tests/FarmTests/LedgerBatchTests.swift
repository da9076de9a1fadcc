import Foundation
import GRDB
import Testing
@testable import Farm

/// The coordinator's hot path in the ledger: a commit batch written with
/// multi-row INSERTs, and written on a thread of its own.
@Suite struct LedgerBatchTests {
    func ledger(_ db: String, tasks: Int) throws -> (Ledger, LedgerState) {
        var overrides = SweepOverrides()
        overrides.command = ["/bin/echo", "{x}"]
        overrides.parameters = ["x=1..\(tasks)"]
        let ledger = try Ledger(path: db, sweep: try Sweep(try overrides.apply(to: nil)))
        try ledger.acquireLease(timeout: 60)
        return (ledger, try ledger.synchronize())
    }

    func succeeded(_ index: Int32, _ state: LedgerState, _ row: ResultRow) -> CommitBatch.Finished {
        let outcome = TaskOutcome(taskID: state.taskIDs[Int(index)], status: .succeeded(row), exitCode: 0,
                                  startedAt: 1, wallSeconds: 0.5, host: "h", rank: 1)
        return .init(index: index, outcome: outcome, retry: false, command: "[\"/bin/echo\",\"\(index + 1)\"]")
    }

    @Test func aBatchOfManyShapesAndFailuresLandsEveryResultOnceWithItsParameters() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let (ledger, state) = try ledger(db, tasks: 60)
        // The first commit creates the table (one at a time); the second goes through the multi-row path.
        var first = CommitBatch()
        first.finished = [succeeded(0, state, ResultRow(columns: ["y"], values: [.integer(0)]))]
        try ledger.commit(first)
        var batch = CommitBatch()
        for i in Int32(1)..<60 {
            switch i % 10 {
            case 3:  // a failure in between keeps farm_attempt in the order things happened
                let outcome = TaskOutcome(taskID: state.taskIDs[Int(i)], status: .failed(.exit, message: "exit 1"), exitCode: 1)
                batch.finished.append(.init(index: i, outcome: outcome, retry: true))
            case 7:  // another shape: the job printed its own task_id, stored as task_id_2 beside farm's
                batch.finished.append(succeeded(i, state, ResultRow(columns: ["task_id", "y"], values: [.integer(-1), .integer(Int64(i))])))
            default:
                batch.finished.append(succeeded(i, state, ResultRow(columns: ["y"], values: [.integer(Int64(i))])))
            }
        }
        batch.finished.append(succeeded(5, state, ResultRow(columns: ["y"], values: [.integer(99)])))  // a duplicate: ignored
        #expect(try ledger.commit(batch).isEmpty)
        try ledger.close()

        #expect(try scalar(db, "SELECT count(*) FROM results") == 54)
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results") == 54)
        #expect(try scalar(db, "SELECT count(*) FROM results JOIN farm_task ON farm_task.id = results.task_id WHERE x = y + 1 AND state = 'done'") == 54)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'pending' AND failures = 1") == 6)
        #expect(try scalar(db, "SELECT count(*) FROM results WHERE task_id_2 = -1") == 6)
        #expect(try scalar(db, "SELECT count(*) FROM farm_attempt") == 60)
        // Attempts are numbered in the order the batch lists them.
        let order: [Int64] = try DatabaseQueue(path: db).read { db in
            try Int64.fetchAll(db, sql: "SELECT task_id FROM farm_attempt ORDER BY id")
        }
        let expected = [state.taskIDs[0]] + (1..<60).map { state.taskIDs[$0] }
        #expect(order == expected)
    }

    @Test func aWriteThatFailsStopsTheCommitterAndReachesTheCoordinator() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let (ledger, state) = try ledger(db, tasks: 3)
        let committer = BackgroundCommitter(ledger: ledger)
        var batch = CommitBatch()
        batch.finished = [succeeded(0, state, ResultRow(columns: ["y"], values: [.integer(0)]))]
        try committer.submit(batch)
        #expect(try committer.drain().isEmpty)
        // Another coordinator takes the lease: the next write fails, and so does every later call.
        let other = try DatabaseQueue(path: db)
        try other.write { try $0.execute(sql: "UPDATE farm_lease SET holder = 'someone else'") }
        try other.close()
        batch.finished = [succeeded(1, state, ResultRow(columns: ["y"], values: [.integer(1)]))]
        try committer.submit(batch)
        #expect(throws: LeaseError.self) { try committer.drain() }
        #expect(throws: LeaseError.self) { try committer.submit(batch) }
        committer.finish()
        try ledger.close()
        #expect(try scalar(db, "SELECT count(*) FROM results") == 1)
    }
}
