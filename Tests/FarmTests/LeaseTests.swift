import Foundation
import GRDB
import Testing
@testable import Farm

/// One coordinator per database: the lease in `farm_lease`.
@Suite struct LeaseTests {
    func ledger(_ db: String) throws -> Ledger {
        var overrides = SweepOverrides()
        overrides.command = ["/bin/echo", "{}"]
        overrides.parameters = ["x=1,2"]
        return try Ledger(path: db, sweep: try Sweep(try overrides.apply(to: nil)))
    }

    func plantLease(_ db: String, host: String, pid: Int32, heartbeatAt: Double) throws {
        let queue = try DatabaseQueue(path: db)
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO farm_lease (id, holder, host, pid, job_id, acquired_at, heartbeat_at) VALUES (1, 'x', ?, ?, '42', ?, ?)",
                           arguments: [host, pid, heartbeatAt, heartbeatAt])
        }
        try queue.close()
    }

    @Test func staleLeaseOfAnotherHostIsTakenOverOnlyAfterTheTimeout() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let first = try ledger(db)
        let now = Date().timeIntervalSince1970
        try plantLease(db, host: "node-elsewhere", pid: 1, heartbeatAt: now - 30)
        #expect(throws: LeaseError.self) { try first.acquireLease(timeout: 60, now: now) }
        do {
            try first.acquireLease(timeout: 60, now: now)
        } catch let error as LeaseError {
            #expect(error.description.contains("node-elsewhere pid 1 (Slurm job 42)"))
        }
        let previous = try first.acquireLease(timeout: 60, now: now + 31)
        #expect(previous?.host == "node-elsewhere")
        #expect(first.lease?.pid == getpid())
    }

    @Test func leaseOfAProcessGoneFromThisHostIsTakenOverAtOnce() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let ledger = try ledger(db)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        try plantLease(db, host: ProcessInfo.processInfo.hostName, pid: child.processIdentifier, heartbeatAt: Date().timeIntervalSince1970)
        let previous = try ledger.acquireLease(timeout: 3600)
        #expect(previous?.pid == child.processIdentifier)
    }

    @Test func coordinatorWhoseLeaseWasTakenStopsWithoutWriting() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let ledger = try ledger(db)
        try ledger.acquireLease(timeout: 60)
        _ = try ledger.synchronize()
        try plantLease(db, host: "node-elsewhere", pid: 1, heartbeatAt: Date().timeIntervalSince1970)
        #expect(throws: LeaseError.self) { try ledger.heartbeat() }
        #expect(throws: LeaseError.self) { try ledger.commit(CommitBatch()) }
    }

    @Test func twoFarmrunsStartedAtOnceRunTheSweepOnceAndTheSecondNamesTheHolder() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        // The jobs wait while the hold file exists, so the first farmrun cannot finish the sweep before the
        // second one has started and met its lease, however slowly the machine starts the second.
        let hold = folder.file("hold")
        _ = FileManager.default.createFile(atPath: hold, contents: nil)
        let arguments = [Binaries.farmrun, "--db", db, "-p", "x=1..40", "--jobs", "2", "--progress", "0",
                         "--", "python3", "-c", "import json, os, sys, time\nwhile os.path.exists(sys.argv[1]): time.sleep(0.02)\nprint(json.dumps({'ok': 1}))", hold]
        // Both start now, as processes of their own (not on the test pool, which other tests may keep busy).
        let a = try BackgroundProcess(arguments, logPath: folder.file("a.log"))
        let b = try BackgroundProcess(arguments, logPath: folder.file("b.log"))
        try await waitFor("one of the two farmruns to give up", timeout: 120) { !a.process.isRunning || !b.process.isRunning }
        try FileManager.default.removeItem(atPath: hold)
        let results = [(status: await a.wait() ?? -1, stderr: a.log), (status: await b.wait() ?? -1, stderr: b.log)]
        let statuses = results.map(\.status).sorted()
        #expect(statuses == [0, 75], "\(results.map(\.stderr))")
        let refused = results.first { $0.status == 75 }
        #expect(refused?.stderr.contains("another farmrun coordinates this database") == true)
        #expect(refused?.stderr.contains("pid") == true)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 40)
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results") == 40)
    }

    @Test func sigkilledCoordinatorRestartedAtOnceTakesOverItsOwnLease() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        // Tasks after the first two wait while the hold file exists, so the first farmrun is surely still running when killed.
        let hold = folder.file("hold")
        _ = FileManager.default.createFile(atPath: hold, contents: nil)
        let arguments = [Binaries.farmrun, "--db", db, "-p", "x=1..30", "--jobs", "2", "--progress", "0", "--lease-timeout", "1h",
                         "--", "python3", "-c", "import json, os, sys, time\nwhile int(sys.argv[1]) > 2 and os.path.exists(sys.argv[2]): time.sleep(0.05)\nprint(json.dumps({'ok': 1}))",
                         "{x}", hold]
        let farm = try BackgroundProcess(arguments, logPath: folder.file("first.log"))
        while (try? scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") as Int?) ?? 0 == 0 {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(farm.process.isRunning, "the first farmrun should still be running when it is killed")
        kill(farm.process.processIdentifier, SIGKILL)
        _ = await farm.wait()
        try FileManager.default.removeItem(atPath: hold)
        let started = Date()
        let again = try runProcess(arguments)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("took over the stale lease"))
        #expect(Date().timeIntervalSince(started) < 3600, "it should not wait for the 1 h lease timeout")
        #expect(try scalar(db, "SELECT count(*) FROM results") == 30)
        let status = try runProcess([Binaries.farmrun, "status", "--db", db])
        #expect(status.stdout.contains("lease: free"))
    }
}

/// The ledger's in-memory index of existing tasks, used at every resume.
@Suite struct TaskKeyIndexTests {
    @Test func findsEveryInsertedKeyAndNoOther() {
        var index = TaskKeyIndex<Int>()
        let keys = (0..<50_000).map { #"{"e":\#($0 % 400),"t":\#($0 / 400)}#\#($0 % 7 + 1)"# }
        for (i, key) in keys.enumerated() { index.insert(i, for: key) }
        #expect(keys.enumerated().allSatisfy { index[$0.element] == $0.offset })
        #expect(index[#"{"e":1,"t":999999}#1"#] == nil)
        #expect(index[""] == nil)
    }
}
