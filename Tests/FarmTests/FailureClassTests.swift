import Foundation
import GRDB
import Testing
@testable import Farm

/// Failure classes: a retry budget per class, a record of every attempt with
/// what it cost, and the quarantine of a task that keeps killing its rank.
@Suite struct FailureClassTests {
    /// Kills its parent (the worker rank, or farmrun itself) when x is 3, once the ledger at argv[2]
    /// shows it running (so the crash is surely one that loses it); the others print at once.
    static func poisonJob(db: String) -> [String] {
        ["python3", "-c", """
            import json, os, sqlite3, sys, time
            x = int(sys.argv[1])
            if x == 3:
                ledger = sqlite3.connect("file:" + sys.argv[2] + "?mode=ro", uri=True, timeout=30)
                query = "SELECT state FROM farm_task WHERE id = ?"
                while ledger.execute(query, (int(os.environ["FARM_TASK_ID"]),)).fetchone() != ("running",):
                    time.sleep(0.02)
                os.kill(os.getppid(), 9)
            print(json.dumps({"square": x * x}))
            """, "{x}", db]
    }

    @Test func retryBudgetsAreCountedPerFailureClass() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        // k = exit always exits 3, k = hang always runs past its timeout, k = ok succeeds.
        // The timeout is long enough that no shell start, however loaded the machine, reaches it.
        let job = ["/bin/sh", "-c", #"case "$0" in exit) exit 3;; hang) sleep 300;; esac; echo '{"ok": 1}'"#, "{k}"]
        let r = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "k=exit,hang,ok", "--timeout", "20s", "--kill-grace", "0.2s",
                                "--retries", "exit=2,timeout=0", "--progress", "0", "--"] + job)
        #expect(r.status == 1, "\(r.stderr)")
        func attempts(_ k: String) throws -> [String] {
            try DatabaseQueue(path: db).read { db in
                try String.fetchAll(db, sql: """
                    SELECT outcome FROM farm_attempt JOIN farm_task ON farm_task.id = task_id
                    WHERE json_extract(params, '$.k') = ? ORDER BY farm_attempt.id
                    """, arguments: [k])
            }
        }
        #expect(try attempts("exit") == ["exit", "exit", "exit"])  // 1 run + 2 retries
        #expect(try attempts("hang") == ["timeout"])  // no retry for a timeout
        #expect(try attempts("ok") == ["done"])
        #expect(try scalar(db, "SELECT failure_counts FROM farm_task WHERE json_extract(params, '$.k') = 'exit'") == #"{"exit":3}"#)
        // Raising the exit budget in the next run gives that task one more try, and only it.
        let again = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "k=exit,hang,ok", "--timeout", "20s",
                                    "--retries", "exit=3,timeout=0", "--progress", "0", "--"] + job)
        #expect(again.status == 1, "\(again.stderr)")
        #expect(try attempts("exit").count == 4)
        #expect(try attempts("hang").count == 1)
    }

    @Test func aLoweredBudgetFailsAPendingTaskWithoutCallingItQuarantined() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let job = ["/bin/sh", "-c", "exit 3"]
        // One failed run, retry pending (budget 5), then stopped by --max-tasks.
        let first = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "1", "-p", "x=1", "--retries", "5", "--max-tasks", "1",
                                    "--progress", "0", "--"] + job)
        #expect(try scalar(db, "SELECT state || ' ' || failures FROM farm_task") == "pending 1", "\(first.stderr)")
        let second = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "1", "-p", "x=1", "--retries", "0", "--progress", "0", "--"] + job)
        #expect(second.status == 1, "\(second.stderr)")
        #expect(!second.stderr.contains("quarantined"))
        #expect(try scalar(db, "SELECT state || ' ' || failure FROM farm_task") == "failed exit")
    }

    @Test func retriesAcceptANumberOrAMapAndRefuseUnknownClasses() throws {
        let spec = try SweepSpec.parse(yaml: "command: [echo]\nparameters: {x: [1]}\nretries: {exit: 2, timeout: 0, default: 1}\n")
        #expect(spec.retries.budget(for: .exit) == 2)
        #expect(spec.retries.budget(for: .timeout) == 0)
        #expect(spec.retries.budget(for: .signal) == 1)
        #expect(spec.retries.budget(for: .lost) == RetryBudget.defaultLost)
        // Stored in the ledger and read back the same.
        #expect(try SweepSpec(storedJSON: spec.jsonText).retries == spec.retries)
        #expect(try RetryBudget(parsing: "exit=2,timeout=0,default=1") == spec.retries)
        #expect(try RetryBudget(parsing: "3") == RetryBudget(3))
        #expect(throws: SweepError.self) { try SweepSpec.parse(yaml: "command: [echo]\nparameters: {x: [1]}\nretries: {oom: 1}\n") }
        #expect(throws: SweepError.self) { try RetryBudget(parsing: "interrupted=1") }
        #expect(throws: SweepError.self) { try RetryBudget(parsing: "exit=-1") }
        let refused = try runProcess([Binaries.farmrun, "--db", TemporaryFolder().file("x.db"), "-p", "x=1", "--retries", "crash=1", "--", "echo", "{}"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("unknown failure class \"crash\""))
        #expect(refused.stderr.split(separator: "\n").count == 1)
    }

    @Test func everyAttemptRecordsWhereItRanAndItsCPUTimeAndPeakMemory() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        // m MiB held while spinning 0.3 s of CPU.
        let job = ["python3", "-c", """
            import json, sys, time
            block = bytearray(int(sys.argv[1]) << 20)
            start = time.process_time()
            while time.process_time() - start < 0.3:
                pass
            print(json.dumps({"held": len(block)}))
            """, "{m}"]
        let r = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "m=10,200", "--progress", "0", "--"] + job)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try DatabaseQueue(path: db).read { db in
            try Row.fetchAll(db, sql: """
                SELECT json_extract(params, '$.m') AS m, a.outcome, a.cpu_seconds, a.max_rss_kib, a.wall_seconds, a.host, a.rank, a.exit_status
                FROM farm_attempt a JOIN farm_task ON farm_task.id = a.task_id ORDER BY m
                """)
        }
        #expect(rows.count == 2)
        for row in rows {
            let outcome: String = row["outcome"], host: String = row["host"], exit: Int = row["exit_status"]
            let cpu: Double = row["cpu_seconds"], wall: Double = row["wall_seconds"]
            #expect(outcome == "done")
            #expect(cpu >= 0.3 && cpu <= wall + 0.05, "cpu \(cpu) s, wall \(wall) s")
            #expect(host == ProcessInfo.processInfo.hostName)
            #expect(exit == 0)
        }
        let small: Int64 = rows[0]["max_rss_kib"], large: Int64 = rows[1]["max_rss_kib"]
        #expect(small < 200 << 10 && large >= 200 << 10, "peak RSS \(small) KiB and \(large) KiB")
    }

    @Test func aTaskThatKillsItsFarmIsQuarantinedAfterItsBudgetAndTheRestCompletes() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        var statuses: [Int32] = []
        for _ in 0..<8 {
            let r = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "x=1..8", "--progress", "0", "--"] + Self.poisonJob(db: db))
            statuses.append(r.status)
            if r.status != SIGKILL {  // killed by its poison task
                #expect(r.stderr.contains("1 task(s) quarantined as failed"), "\(r.stderr)")
                break
            }
        }
        // Crashes until the poison task has used its lost budget (2), then a clean end with it failed.
        #expect(statuses.last == 1, "\(statuses)")
        #expect(statuses.count <= 6, "\(statuses)")
        #expect(try scalar(db, "SELECT state || ' ' || failure FROM farm_task WHERE json_extract(params, '$.x') = 3") == "failed lost")
        let error: String? = try scalar(db, "SELECT error FROM farm_task WHERE json_extract(params, '$.x') = 3")
        #expect(error?.hasPrefix("quarantined:") == true, "\(error ?? "")")
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") == 7)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 7)
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results") == 7)
        // Its bystanders ran again without blame beyond their share and finished.
        #expect(try scalar(db, "SELECT count(*) FROM farm_attempt WHERE outcome = 'lost' AND task_id != (SELECT id FROM farm_task WHERE json_extract(params, '$.x') = 3)") ?? 0 <= 2)
        #expect(try scalar(db, "SELECT max(lost_share) FROM farm_task WHERE state = 'done'") ?? 0.0 <= 1.0)
        #expect(processes(containing: db).isEmpty)
    }
}
