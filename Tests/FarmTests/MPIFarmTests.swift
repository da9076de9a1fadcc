import Foundation
import GRDB
import Testing
@testable import Farm

/// farmrun under a real `mpirun`: ranks as separate processes talking MPI,
/// real jobs, real SQLite files, real SIGKILLs.
@Suite(.serialized, .enabled(if: MPI.available, "needs mpirun (apt-get install openmpi-bin libopenmpi-dev)"))
struct MPIFarmTests {
    /// A Python job that prints a JSON object from its arguments.
    static let pythonJob = ["python3", "-c", "import json, sys; print(json.dumps({'x': int(sys.argv[1]), 'y': sys.argv[2]}))", "{x}", "{y}"]

    func farmrun(ranks: Int, _ arguments: [String], log: String) throws -> BackgroundProcess {
        try BackgroundProcess(MPI.command(ranks: ranks, [Binaries.farmrun] + arguments), logPath: log)
    }

    @Test func everyRankReachesRankZero() throws {
        let r = try runProcess(MPI.command(ranks: 2, [Binaries.farmrun, "check"]))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("MPI ok: 2 rank(s) on 1 host(s)"))
    }

    @Test func sweepKilledThreeTimesWithSIGKILLEndsWithExactlyOneRowPerTask() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("kill.db")
        var random = SeededRandom.fromEnvironment("kill test")
        let arguments = ["--db", db, "-p", "x=1..200", "-p", "y=a,b", "--replicates", "5", "--progress", "0", "--jobs", "2", "--"] + Self.pythonJob
        var kills = 0
        var runs = 0
        while true {
            runs += 1
            #expect(runs < 20, "the sweep should finish in a few runs")
            if runs >= 20 { break }
            let base: Int = FileManager.default.fileExists(atPath: db) ? (try? scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'")) ?? 0 : 0
            let farm = try farmrun(ranks: 4, arguments, log: folder.file("run\(runs).log"))
            if kills < 3 {
                // Killed once tasks run and a seeded number more are done than at the start (read from the
                // ledger, not the clock), so each kill loses work on a fast machine and on a loaded one alike.
                let step = Int.random(in: 50...300, using: &random)
                try await waitFor("\(step) more tasks done in run \(runs)", timeout: 300) {
                    guard farm.process.isRunning else { return true }
                    let done: Int = (try? scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'")) ?? 0
                    let running: Int = (try? scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'running'")) ?? 0
                    return running > 0 && done >= base + step
                }
                if farm.process.isRunning {
                    for pid in pids(containing: db) { kill(pid, SIGKILL) }
                    kill(farm.process.processIdentifier, SIGKILL)
                    kills += 1
                }
                _ = await farm.wait()
                continue
            }
            let status = await farm.wait()
            #expect(status == 0, "\(farm.log)")
            break
        }
        #expect(kills == 3)
        #expect(try scalar(db, "PRAGMA integrity_check") == "ok")
        #expect(try scalar(db, "SELECT count(*) FROM results") == 2000)
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results") == 2000)
        #expect(try scalar(db, "SELECT count(*) FROM (SELECT DISTINCT x, y, replicate FROM results JOIN farm_task ON farm_task.id = task_id)") == 2000)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") == 2000)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE lost > 0") ?? 0 > 0)  // the kills left tasks running: found as lost
        #expect(processes(containing: db).isEmpty)

        // The same sweep in one process (--jobs 2) gives the same rows.
        let localDB = folder.file("local.db")
        let local = try runProcess([Binaries.farmrun] + arguments.map { $0 == db ? localDB : $0 } + [])
        #expect(local.status == 0, "\(local.stderr)")
        let query = "SELECT task_id, x, y FROM results ORDER BY task_id"
        let mpiRows = try dbtool(["query", db, query]).stdout
        #expect(mpiRows.split(separator: "\n").count == 2001)
        #expect(try dbtool(["query", localDB, query]).stdout == mpiRows)
    }

    @Test func aTaskThatKillsItsWorkerRankIsQuarantinedAfterItsBudget() throws {
        let folder = TemporaryFolder()
        let db = folder.file("poison.db")
        var statuses: [Int32] = []
        for _ in 0..<8 {
            // One worker slot and no local slot: no other task runs when the poison task kills its rank,
            // so no bystander can be caught in the crash (and blamed) however the machine schedules them.
            let r = try runProcess(MPI.command(ranks: 2, [Binaries.farmrun, "--db", db, "-p", "x=1..12", "--no-local-slot", "--progress", "0", "--"]
                                               + FailureClassTests.poisonJob(db: db)))
            statuses.append(r.status)
            if r.status == 1 {
                #expect(r.stderr.contains("1 task(s) quarantined as failed"), "\(r.stderr)")
                break
            }
        }
        // mpirun ends the job when the rank dies; the blame is the poison task's alone.
        #expect(statuses.last == 1, "\(statuses)")
        #expect(statuses.count == RetryBudget.defaultLost + 2, "\(statuses)")
        #expect(try scalar(db, "SELECT state || ' ' || failure || ' ' || lost FROM farm_task WHERE json_extract(params, '$.x') = 3") == "failed lost 3")
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") == 11)
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results") == 11)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 11)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE lost > 0") == 1)
        #expect(processes(containing: db).isEmpty)
    }

    @Test func timeoutRetryAndBadOutputBehaveUnderMPIAsInOneProcess() async throws {
        let folder = TemporaryFolder()
        let marker = "farm-mpi-hang-\(UUID().uuidString.prefix(8))"
        let job = writeJob(folder, """
            import json, os, subprocess, sys, time
            kind, folder = sys.argv[1], sys.argv[2]
            if kind == "hang":
                subprocess.Popen(["sleep", "300", "\(marker)"])
                time.sleep(300)
            if kind == "flaky" and not os.path.exists(folder + "/flaky.tried"):
                open(folder + "/flaky.tried", "w").close()
                sys.exit(1)
            if kind == "text":
                print("loss went to nan")
                sys.exit(0)
            print(json.dumps({"kind": kind}))
            """)
        let arguments = ["-p", "k=hang,flaky,text,ok", "--timeout", "10s", "--retries", "1", "--kill-grace", "1s", "--progress", "0",
                         "--", "python3", job, "{k}", folder.path]
        let mpiDB = folder.file("mpi.db")
        let farm = try farmrun(ranks: 4, ["--db", mpiDB] + arguments, log: folder.file("mpi.log"))
        #expect(await farm.wait() == 1, "\(farm.log)")
        let rows: [Row] = try DatabaseQueue(path: mpiDB).read {
            try Row.fetchAll($0, sql: "SELECT json_extract(params, '$.k'), state, failure, failures FROM farm_task ORDER BY 1")
        }
        #expect(rows.map { "\($0[0] as String) \($0[1] as String) \($0[2] as String? ?? "-") \($0[3] as Int)" } == [
            "flaky done - 1", "hang failed timeout 2", "ok done - 0", "text failed output 2",
        ])
        try await waitUntilNoProcess(containing: marker)

        // The same sweep in one process gives the same rows.
        try FileManager.default.removeItem(atPath: folder.file("flaky.tried"))
        let localDB = folder.file("local.db")
        let local = try runProcess([Binaries.farmrun, "--db", localDB, "--jobs", "2"] + arguments)
        #expect(local.status == 1, "\(local.stderr)")
        let query = "SELECT task_id, kind, k FROM results ORDER BY task_id"
        #expect(try dbtool(["query", localDB, query]).stdout == dbtool(["query", mpiDB, query]).stdout)
    }

    @Test func workerRankKilledWithSIGKILLLeavesNoJobBehind() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("orphans.db")
        let marker = "farm-orphan-\(UUID().uuidString.prefix(8))"
        let farm = try farmrun(ranks: 3, ["--db", db, "-p", "i=1..6", "--progress", "0", "--", "sh", "-c", "sleep 300; :", "\(marker)-{i}"],
                               log: folder.file("run.log"))
        // The jobs: processes naming the marker that are not farmrun or mpirun (whose argv names it too).
        func jobs() -> [pid_t] {
            pids(containing: marker).filter { pid in
                let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
                return !String(decoding: cmdline, as: UTF8.self).contains("--db")
            }
        }
        let deadline = Date(timeIntervalSinceNow: 120)
        while jobs().count < 3 && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(jobs().count == 3, "three jobs should run (two worker ranks and rank 0's slot)")
        let worker = pids(containing: db).first { pid in
            let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data()
            return String(decoding: environ, as: UTF8.self).split(separator: "\0").contains("OMPI_COMM_WORLD_RANK=1")
        }
        #expect(worker != nil)
        if let worker { kill(worker, SIGKILL) }
        _ = await farm.wait(timeout: 60)
        let gone = Date(timeIntervalSinceNow: 60)
        while !jobs().isEmpty && Date() < gone { try await Task.sleep(for: .milliseconds(100)) }
        #expect(jobs().isEmpty, "jobs outlived their killed worker")
    }

    /// `mpirun -n 2` with two CPUs declared per rank: each rank runs two tasks at once (rank 1's
    /// through its slot relay), and a SIGKILL mid-sweep loses and duplicates nothing.
    @Test func eachRankRunsAsManyTasksAtOnceAsItsCPUsAndResumesExactlyOnce() async throws {
        try await SlotsCheck.run(MPI.command(ranks: 2, []), farmArguments: ["--cpus", "2"], width: 4)
    }

    @Test func killLoopOf25RandomSIGKILLsLosesAndDuplicatesNothing() throws {
        let script = Slurm.repository + "/Tests/faults/kill-loop.sh"
        let r = try runProcess(["/bin/bash", script, "--kills", "25"], environment: ["FARMRUN": Binaries.farmrun])
        print(r.stdout)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("lost 0, duplicated 0"))
    }

    /// The same with every task forked from its slot's warm Python: the kills land on interpreters
    /// and their tasks too, and none of them outlives its worker.
    @Test func killLoopWithPreloadLosesAndDuplicatesNothingAndLeavesNoWarmPython() throws {
        let script = Slurm.repository + "/Tests/faults/kill-loop.sh"
        let r = try runProcess(["/bin/bash", script, "--kills", "10", "--tasks", "1500", "--preload"], environment: ["FARMRUN": Binaries.farmrun])
        print(r.stdout)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("lost 0, duplicated 0"))
        #expect(r.stdout.contains("warm interpreters or their tasks left: none"))
    }
}
