import Foundation
import GRDB
import Logging
import Testing
@testable import Farm

/// farmrun in single-process mode (local worker slots), with real child
/// processes and real SQLite files.
@Suite struct FarmRunTests {
    static let logger = Logger(label: "test")

    func config(_ db: String, _ command: [String], params: [String], replicates: Int = 1, timeout: Double? = nil,
                retries: Int = 0, jobs: Int = 2, maxTasks: Int? = nil, table: String = "results") throws -> RunConfiguration {
        var overrides = SweepOverrides()
        overrides.command = command
        overrides.parameters = params
        overrides.replicates = replicates
        overrides.retries = RetryBudget(retries)
        overrides.table = table
        var spec = try overrides.apply(to: nil)
        spec.timeout = timeout
        var options = CoordinatorOptions()
        options.progressInterval = nil
        options.maxTasks = maxTasks
        return RunConfiguration(spec: spec, database: db, jobs: jobs, options: options, killGrace: 1)
    }

    @Test func everyTaskLandsExactlyOnceAndARerunRunsNothing() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let c = try config(db, ["/bin/echo", #"{"i": {i}, "rep": {replicate}, "task": {task}}"#], params: ["i=1..50", "g=a,b"], replicates: 3)
        #expect(await runFarm(c) == 0)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 300)
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results") == 300)
        #expect(try scalar(db, "SELECT count(*) FROM results WHERE task != task_id") == 0)
        // Parameters the job did not print are stored too.
        #expect(try scalar(db, "SELECT count(*) FROM results WHERE g = 'b' AND i = 7") == 3)
        #expect(await runFarm(c) == 0)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 300)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") == 300)
    }

    @Test func editedSweepAddsOnlyNewTasksAndKeepsDoneOnes() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        #expect(await runFarm(try config(db, ["/bin/echo", #"{"v": 1}"#], params: ["x=1,2"], replicates: 2)) == 0)
        let firstIDs: [Int64] = try await DatabaseQueue(path: db).read { try Int64.fetchAll($0, sql: "SELECT task_id FROM results ORDER BY task_id") }
        // A new value, more replicates, and a fixed typo in the command: only the 5 new tasks run.
        #expect(await runFarm(try config(db, ["/bin/echo", #"{"v": 2}"#], params: ["x=1,2,3"], replicates: 3)) == 0)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 9)
        #expect(try scalar(db, "SELECT count(*) FROM results WHERE v = 2") == 5)
        let stillThere: Int? = try scalar(db, "SELECT count(*) FROM results WHERE v = 1 AND task_id IN (\(firstIDs.map(String.init).joined(separator: ",")))")
        #expect(stillThere == 4)
    }

    @Test func stoppedRunExits75AndResumeFinishes() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        #expect(await runFarm(try config(db, ["/bin/echo", #"{"v": {x}}"#], params: ["x=1..40"], maxTasks: 10)) == 75)
        let partial: Int = try scalar(db, "SELECT count(*) FROM results") ?? -1
        #expect(partial == 10)
        #expect(await runFarm(try config(db, ["/bin/echo", #"{"v": {x}}"#], params: ["x=1..40"])) == 0)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 40)
        #expect(try scalar(db, "SELECT count(DISTINCT v) FROM results") == 40)
    }

    @Test func jobThatFailsOnceSucceedsOnRetry() async throws {
        let folder = TemporaryFolder()
        let job = writeJob(folder, """
            import json, os, sys
            marker = sys.argv[1] + ".tried"
            if not os.path.exists(marker):
                open(marker, "w").close()
                sys.stderr.write("first try fails\\n")
                sys.exit(2)
            print(json.dumps({"ok": 1}))
            """)
        let db = folder.file("r.db")
        let c = try config(db, ["python3", job, folder.path + "/m{x}"], params: ["x=1,2,3"], retries: 1)
        #expect(await runFarm(c) == 0)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 3)
        #expect(try scalar(db, "SELECT sum(failures) FROM farm_task") == 3)
    }

    @Test func failuresAreRecordedWithTheirClassAndExitIs1() async throws {
        let folder = TemporaryFolder()
        let job = writeJob(folder, """
            import sys, os
            k = sys.argv[1]
            if k == "text": print("not json")
            if k == "array": print("[1, 2]")
            if k == "exit": sys.stderr.write("Traceback\\nValueError: bad value\\n"); sys.exit(3)
            if k == "signal": os.kill(os.getpid(), 9)
            if k == "ok": print('{"fine": true}')
            """)
        let db = folder.file("r.db")
        let c = try config(db, ["python3", job, "{k}"], params: ["k=text,array,exit,signal,ok"])
        #expect(await runFarm(c) == 1)
        let rows: [Row] = try DatabaseQueue(path: db).read { try Row.fetchAll($0, sql: "SELECT params, state, failure, exit_status, signal, stderr_tail, stdout_head FROM farm_task ORDER BY id") }
        #expect(rows.map { $0[1] as String } == ["failed", "failed", "failed", "failed", "done"])
        #expect(rows.map { $0[2] as String? } == ["output", "output", "exit", "signal", nil])
        #expect(rows[0][6] as String == "not json\n")
        #expect(rows[2][3] as Int == 3)
        #expect((rows[2][5] as String).contains("ValueError: bad value"))
        #expect(rows[3][4] as Int == 9)
        let status = try runProcess([Binaries.farmrun, "status", "--db", db, "--failed"])
        #expect(status.stdout.contains("4 failed") && status.stdout.contains("ValueError: bad value"))
    }

    @Test func hangingJobIsKilledAtItsTimeoutWithItsWholeProcessGroup() async throws {
        let folder = TemporaryFolder()
        let marker = "farm-hang-\(UUID().uuidString.prefix(8))"
        let job = writeJob(folder, """
            import subprocess, time, sys, signal
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            subprocess.Popen(["sleep", "300", "\(marker)"])
            time.sleep(300)
            """)
        let db = folder.file("r.db")
        let c = try config(db, ["python3", job, "\(marker)"], params: ["x=1"], timeout: 1)
        #expect(await runFarm(c) == 1)
        #expect(try scalar(db, "SELECT failure FROM farm_task") == "timeout")
        // Killed, not run to its end (the ledger's wall time; on a loaded machine the farm around it may take longer).
        #expect(try scalar(db, "SELECT wall_seconds < 300 FROM farm_task") == 1)
        try await waitUntilNoProcess(containing: marker)
    }

    @Test func backgroundChildOfAFinishedJobIsNotLeftRunning() async throws {
        let folder = TemporaryFolder()
        let marker = "farm-bg-\(UUID().uuidString.prefix(8))"
        let job = writeJob(folder, """
            import subprocess, json
            subprocess.Popen(["sleep", "300", "\(marker)"])
            print(json.dumps({"ok": 1}))
            """)
        let db = folder.file("r.db")
        #expect(await runFarm(try config(db, ["python3", job], params: ["x=1"])) == 0)
        try await waitUntilNoProcess(containing: marker)
    }

    @Test func jobReadsDevNullAsStdinAndGetsItsEnvironment() async throws {
        let folder = TemporaryFolder()
        let job = writeJob(folder, """
            import json, os, sys
            print(json.dumps({"stdin": sys.stdin.read(), "tid": int(os.environ["FARM_TASK_ID"]),
                              "rep": int(os.environ["FARM_REPLICATE"]), "attempt": int(os.environ["FARM_ATTEMPT"]),
                              "home": os.environ.get("HOME", "")}))
            """)
        let db = folder.file("r.db")
        #expect(await runFarm(try config(db, ["python3", job], params: ["x=1"], replicates: 2)) == 0)
        #expect(try scalar(db, "SELECT count(*) FROM results WHERE stdin = '' AND tid = task_id AND attempt = 1") == 2)
        // The rest of farm's own environment is passed on as it is (HOME: pyenv's shim rewrites PATH).
        let home = ProcessInfo.processInfo.environment["HOME"] ?? ""
        #expect(try scalar(db, "SELECT count(*) FROM results WHERE home = '\(home.replacingOccurrences(of: "'", with: "''"))'") == 2)
    }

    @Test func resultsGoToTheSeedsTableWithItsExistingRows() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("seed.db")
        let queue = try DatabaseQueue(path: db)
        try await queue.write { try $0.execute(sql: "CREATE TABLE AlgorithmResult (author TEXT, epochs INTEGER, rmse_global REAL); INSERT INTO AlgorithmResult VALUES ('old', 25, 0.5)") }
        try queue.close()
        let c = try config(db, ["/bin/echo", #"{"author": "farm", "epochs": {epochs}, "rmse_global": 0.1}"#], params: ["epochs=25,50"], table: "AlgorithmResult")
        #expect(await runFarm(c) == 0)
        #expect(try scalar(db, "SELECT count(*) FROM AlgorithmResult") == 3)
        #expect(try scalar(db, "SELECT count(*) FROM AlgorithmResult WHERE task_id IS NULL AND author = 'old'") == 1)
        #expect(try dbtool(["query", db, "SELECT count(*) FROM AlgorithmResult"]).stdout == "count(*)\n3\n")
    }
    /// A batch's results are written at once; one the table refuses (its CHECK) sends the batch back
    /// to one-at-a-time, where it fails alone; one with a new key (any name) adds its column.
    @Test func aResultTheTableRefusesFailsAloneAndEveryOtherResultLandsOnce() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let queue = try DatabaseQueue(path: db)
        try await queue.write { try $0.execute(sql: "CREATE TABLE results (x INTEGER NOT NULL CHECK (x < 1000))") }
        try queue.close()
        // i = 7 and 19 print an x the CHECK refuses, i = 13 a new key with a space in it, the rest x = i.
        let job = ["/bin/sh", "-c", #"case $0 in 7|19) echo '{"x": 5000}';; 13) echo '{"x": 13, "bad key": 1}';; *) echo "{\"x\": $0}";; esac"#, "{i}"]
        let c = try config(db, job, params: ["i=1..60"], jobs: 2)
        #expect(await runFarm(c) == 1)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 58)
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results WHERE x = i") == 58)
        #expect(try scalar(db, #"SELECT "bad key" FROM results WHERE i = 13"#) == 1)
        #expect(try scalar(db, "SELECT group_concat(json_extract(params, '$.i')) FROM (SELECT params FROM farm_task WHERE state = 'failed' AND failure = 'store' ORDER BY id)") == "7,19")
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") == 58)
        #expect(try scalar(db, "SELECT count(*) FROM farm_attempt WHERE outcome = 'done'") == 58)
        #expect(try scalar(db, "SELECT count(*) FROM farm_attempt WHERE outcome = 'store'") == 2)
        let refused: String? = try scalar(db, "SELECT error FROM farm_task WHERE json_extract(params, '$.i') = 7")
        #expect(refused?.contains("table results refused the row: CHECK constraint failed") == true, "\(refused ?? "")")
        // A second run runs no job: the kept results are still refused, and a store failure uses up its budget.
        #expect(await runFarm(c) == 1)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 58)
        #expect(try scalar(db, "SELECT count(*) FROM farm_attempt") == 60)
    }
}
