import Foundation
import GRDB
import Testing
@testable import Farm

/// `sbatch slurm/farm.sbatch` against the real local Slurm cluster
/// (`Tests/cluster/local-cluster.sh`): warning signal, grace, exit 75, resubmission.
@Suite(.serialized, .enabled(if: Slurm.available, "needs the local Slurm cluster: bash Tests/cluster/local-cluster.sh start; eval \"$(bash Tests/cluster/local-cluster.sh env)\""))
struct SlurmFarmTests {
    /// Submits a 600-task sweep whose jobs wait while a hold file exists; once the ledger shows
    /// them running, the batch shell is warned (as before a time limit) and, once farmrun has seen
    /// the warning, the hold is lifted. So the first allocation surely stops with most of the sweep
    /// left, on a fast machine as on a loaded one, and resubmission completes it.
    func warnedSweepIsCompletedByItsResubmittedChain(launcher: String) async throws {
        let folder = TemporaryFolder()
        let name = "farm-test-\(UUID().uuidString.prefix(6))"
        let db = folder.file("r.db")
        let hold = folder.file("hold")
        _ = FileManager.default.createFile(atPath: hold, contents: nil)
        let job = ["python3", "-c", """
            import json, os, sys, time
            while os.path.exists(sys.argv[3]): time.sleep(0.05)
            print(json.dumps({'x': int(sys.argv[1]), 'y': int(sys.argv[2])}))
            """, "{x}", "{y}", hold]
        let first = try Slurm.submit(["-J", name, "-n", "4", "-o", folder.file("farm-%j.out")],
                                     ["--db", db, "-p", "x=1..100", "-p", "y=1..6", "--progress", "5s", "--"] + job,
                                     in: folder.path, environment: ["FARM_RESUBMIT": "3", "FARM_LAUNCHER": launcher])
        try await Slurm.waitUntilRunning(first)
        let firstLogPath = folder.file("farm-\(first).out")
        try await waitFor("a held task running in job \(first)", timeout: 120) {
            ((try? scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'running'") as Int?) ?? 0) > 0
        }
        #expect(try runProcess(["scancel", "--batch", "--signal=USR1", first]).status == 0)
        try await waitFor("farmrun to see the warning of job \(first)", timeout: 120) {
            ((try? String(contentsOfFile: firstLogPath, encoding: .utf8)) ?? "").contains("stop file")
        }
        try FileManager.default.removeItem(atPath: hold)
        let chain = try await Slurm.waitForChain(from: first, in: folder.path, timeout: 400)
        let firstLog = (try? String(contentsOfFile: firstLogPath, encoding: .utf8)) ?? ""
        #expect(chain.count >= 2, "the warned job should have resubmitted itself: \(firstLog)")
        #expect(firstLog.contains("exited with status 75"), "\(firstLog)")
        // Plain sbatch on a Slurm that does not record the submit line: the log says what is not carried.
        #expect(firstLog.contains("submitted with plain sbatch") && firstLog.contains("slurm/submit"), "\(firstLog)")
        #expect(firstLog.contains("allocation use: tasks ran from"), "\(firstLog)")
        #expect(try scalar(db, "PRAGMA integrity_check") == "ok")
        #expect(try scalar(db, "SELECT count(*) FROM results") == 600)
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results") == 600)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done' AND failures = 0") == 600)
        #expect(processes(containing: db).isEmpty)
        #expect(processes(containing: hold).isEmpty)
    }

    /// `srun --mpi=none -n 3 farmrun …`: three farmruns that are not one MPI job stop at once with one line
    /// naming the fix, and nothing runs.
    @Test func srunWithoutPMIxIsRefusedWithOneLineAndRunsNothing() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let r = try runProcess(["srun", "--mpi=none", "-n", "3", Binaries.farmrun, "--db", db, "-p", "x=1..10", "--", "/bin/echo", "{\"x\": {x}}"],
                               environment: Slurm.environment)
        #expect(r.status != 0)
        let lines = (r.stdout + r.stderr).split(separator: "\n").filter { $0.contains("srun --mpi=pmix") }
        #expect(lines.count == 1, "\(r.stdout)\n\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    /// `srun -n 1 -c 8` and `srun -n 2 -c 4` on the local node (8 CPUs declared): each rank runs its
    /// CPUs' worth of tasks at once, and a SIGKILL mid-sweep loses and duplicates nothing.
    @Test(arguments: [(1, 8), (2, 4)])
    func eachRankRunsItsCPUsWorthOfTasksUnderSrunAndResumesExactlyOnce(ranks: Int, cpus: Int) async throws {
        try await SlotsCheck.run(["/usr/bin/srun", "--mpi=pmix", "-n", String(ranks), "-c", String(cpus)], width: ranks * cpus,
                                 environment: Slurm.environment)
    }

    @Test func warnedSweepUnderSrunIsCompletedByResubmission() async throws {
        try await warnedSweepIsCompletedByItsResubmittedChain(launcher: "srun")
    }

    @Test func warnedSweepUnderMpirunInsideTheAllocationIsCompletedByResubmission() async throws {
        try await warnedSweepIsCompletedByItsResubmittedChain(launcher: "mpirun")
    }

    /// The issue's case: a real 2-minute time limit with the user's own warning lead time (45 s, where
    /// the script says 120 s), through slurm/submit; every allocation is warned with the user's lead
    /// time, and the chain completes the sweep.
    @Test func aRealTimeLimitWithTheUsersLeadTimeIsReplayedUntilTheSweepIsDone() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        // Each task sleeps 0.5 s in a shell, not Python: 8 Python starts every 0.5 s would take more than this
        // machine's 2 cores, and how far each allocation gets would depend on what else runs beside it.
        let job = ["/bin/sh", "-c", #"sleep 0.5; echo "{\"i\": $0}""#, "{i}"]
        let first = try Slurm.submit(["-J", "farm-test-\(UUID().uuidString.prefix(6))", "-n", "8", "--time=2", "--signal=B:USR1@45",
                                      "-o", folder.file("farm-%j.out")],
                                     ["--db", db, "-p", "i=1..2400", "--progress", "20s", "--"] + job,
                                     in: folder.path, environment: ["FARM_RESUBMIT": "4"], replayed: true)
        let chain = try await Slurm.waitForChain(from: first, in: folder.path, timeout: 1500)
        #expect(chain.count >= 2 && chain.count <= 5, "\(chain)")
        for (n, id) in chain.enumerated() {
            let log = Slurm.log(of: id, in: folder.path)
            #expect(log.contains("allocation use: tasks ran from"), "\(log)")
            guard n < chain.count - 1 else { continue }
            // Warned with the user's lead time: 45 s asked, up to 30 s more from Slurm's timer (the script's own
            // would be 120 s). farmrun may stop by itself first, 50 s before the end (--deadline-margin 30 s +
            // --grace 20 s, from the job's end time): then the warning, had it been the script's 120 s, would
            // already have come.
            if let lead = log.firstMatch(of: /time limit near \((\d+) s before the time limit\)/).flatMap({ Int($0.1) }) {
                #expect((35...95).contains(lead), "job \(id): \(log)")
            } else {
                #expect(log.contains("farmrun: the allocation ends at"), "job \(id): neither warned nor stopped by its deadline: \(log)")
            }
            #expect(log.contains("--signal=B:USR1@45 -o ") && log.contains("--dependency=afterany:\(id)"), "\(log)")
        }
        #expect(try scalar(db, "SELECT count(*) FROM results") == 2400)
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results") == 2400)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") == 2400)
        #expect(try scalar(db, "PRAGMA integrity_check") == "ok")
    }

    /// Every option of the submit line reaches the resubmitted job, as scontrol shows it.
    @Test func slurmSubmitReplaysEveryOptionOfTheSubmitLine() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let hold = folder.file("hold")
        _ = FileManager.default.createFile(atPath: hold, contents: nil)
        let job = writeJob(folder, "import json, os, sys, time\nwhile os.path.exists(sys.argv[2]): time.sleep(0.05)\nprint(json.dumps({'i': int(sys.argv[1])}))\n")
        let options = ["-J", "farm-test-\(UUID().uuidString.prefix(6))", "-n", "2", "--signal=B:USR1@45", "--comment=farm replayed",
                       "--mem-per-cpu=1", "--mail-type=END", "-o", folder.file("farm-%j.out")]
        let first = try Slurm.submit(options, ["--db", db, "-p", "i=1..50", "--", "python3", job, "{i}", hold],
                                     in: folder.path, environment: ["FARM_RESUBMIT": "1"], replayed: true)
        try await Slurm.waitUntilRunning(first)
        try await waitFor("a held task running", timeout: 120) {
            ((try? scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'running'") as Int?) ?? 0) > 0
        }
        #expect(try runProcess(["scancel", "--batch", "--signal=USR1", first]).status == 0)
        try await waitFor("farmrun to see the warning", timeout: 120) { Slurm.log(of: first, in: folder.path).contains("stop file") }
        try FileManager.default.removeItem(atPath: hold)
        let chain = try await Slurm.waitForChain(from: first, in: folder.path, timeout: 300)
        #expect(chain.count == 2, "\(chain): \(Slurm.log(of: first, in: folder.path))")
        guard chain.count == 2 else { return }
        let shown = try runProcess(["scontrol", "show", "job", chain[1]]).stdout
        for field in ["Comment=farm replayed", "MinMemoryCPU=1M", "MailType=END", "NumTasks=2", "Dependency=", "Command=\(Slurm.repository)/slurm/farm.sbatch"] {
            #expect(shown.contains(field), "\(field) in \(shown)")
        }
        #expect(Slurm.log(of: first, in: folder.path).contains("replayed the submit line: sbatch --parsable -J farm-test-"))
        #expect(Slurm.log(of: first, in: folder.path).contains("--signal=B:USR1@45 --comment=farm\\ replayed --mem-per-cpu=1"))
        #expect(try scalar(db, "SELECT count(*) FROM results") == 50)
    }

    @Test func jobIgnoringSIGTERMIsKilledAtTheGraceDeadlineAndRunsAgainLater() async throws {
        let folder = TemporaryFolder()
        let name = "farm-test-\(UUID().uuidString.prefix(6))"
        let db = folder.file("r.db")
        let job = writeJob(folder, """
            import json, os, signal, sys, time
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            if sys.argv[1] == "1" and not os.path.exists(sys.argv[2]):
                open(sys.argv[2], "w").close()
                time.sleep(600)
            print(json.dumps({"k": int(sys.argv[1])}))
            """)
        let arguments = ["--db", db, "-p", "k=1..3", "--grace", "3s", "--kill-grace", "1s", "--", "python3", job, "{k}", folder.file("stuck")]
        let first = try Slurm.submit(["-J", name, "-n", "2", "-o", folder.file("farm-%j.out")], arguments, in: folder.path)
        try await Slurm.waitUntilRunning(first)
        while !FileManager.default.fileExists(atPath: folder.file("stuck")) { try await Task.sleep(for: .milliseconds(100)) }
        let warned = Date()
        #expect(try runProcess(["scancel", "--batch", "--signal=USR1", first]).status == 0)
        try await Slurm.waitForChain(from: first, in: folder.path, timeout: 180)
        #expect(Date().timeIntervalSince(warned) < 600, "the grace deadline should end the 600 s job")
        let log = (try? String(contentsOfFile: folder.file("farm-\(first).out"), encoding: .utf8)) ?? ""
        #expect(log.contains("exited with status 75"), "\(log)")
        #expect(try scalar(db, "SELECT state || ' ' || failure || ' ' || interruptions || ' ' || failures FROM farm_task WHERE json_extract(params, '$.k') = 1")
                == "pending interrupted 1 0")
        // The next allocation runs it (the job no longer hangs) and the sweep ends.
        let second = try Slurm.submit(["-J", name, "-n", "2", "-o", folder.file("farm-%j.out")], arguments, in: folder.path)
        try await Slurm.waitForChain(from: second, in: folder.path, timeout: 180)
        let log2 = (try? String(contentsOfFile: folder.file("farm-\(second).out"), encoding: .utf8)) ?? ""
        #expect(try scalar(db, "SELECT count(*) FROM results") == 3, "\(log2)")
        #expect(try scalar(db, "SELECT failures FROM farm_task WHERE json_extract(params, '$.k') = 1") == 0)
    }

    /// A fidelity sweep warned while its trials are halfway and resubmitted: the chain stores the rows
    /// an undisturbed run on this machine stores, each once, and the rerun trials continue from their last report.
    @Test func aWarnedFidelitySweepStoresTheRowsOfAnUndisturbedRun() async throws {
        let folder = TemporaryFolder()
        let hold = folder.file("hold")
        let job = writeJob(folder, """
            import json, os, sys, time
            x, last = int(sys.argv[1]), int(sys.argv[2])
            start = int(os.environ.get("FARM_RESUME_FROM", "0"))
            with open(sys.argv[3] + ".starts", "a") as f: f.write(f"{start}\\n")
            for e in range(start + 1, last + 1):
                while e == 4 and os.path.exists(sys.argv[3]): time.sleep(0.05)
                print(json.dumps({"e": e, "loss": round(1.0 / (x * e), 6)}), flush=True)
            """)
        let sweep = folder.file("sweep.yaml")
        try """
            command: [python3, \(job), "{x}", "{e}", \(hold)]
            parameters:
              e: 1..6
              x: 1..8
            fidelity: e
            """.write(toFile: sweep, atomically: true, encoding: .utf8)
        let local = try runProcess([Binaries.farmrun, "run", sweep, "--db", folder.file("local.db"), "--jobs", "2", "--progress", "0"])
        #expect(local.status == 0, "\(local.stderr)")
        _ = FileManager.default.createFile(atPath: hold, contents: nil)
        let db = folder.file("r.db")
        let first = try Slurm.submit(["-J", "farm-test-\(UUID().uuidString.prefix(6))", "-n", "4", "-o", folder.file("farm-%j.out")],
                                     [sweep, "--db", db, "--progress", "5s"], in: folder.path, environment: ["FARM_RESUBMIT": "3"])
        try await Slurm.waitUntilRunning(first)
        try await waitFor("trials halfway in job \(first)", timeout: 120) {
            ((try? scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") as Int?) ?? 0) >= 3
        }
        #expect(try runProcess(["scancel", "--batch", "--signal=USR1", first]).status == 0)
        // The held trials are stopped at the grace deadline, halfway; the next allocation continues them.
        try await waitFor("job \(first) to stop with tasks left", timeout: 300) { Slurm.log(of: first, in: folder.path).contains("exited with status 75") }
        try FileManager.default.removeItem(atPath: hold)
        let chain = try await Slurm.waitForChain(from: first, in: folder.path, timeout: 400)
        #expect(chain.count >= 2, "\(Slurm.log(of: first, in: folder.path))")
        let starts = try String(contentsOfFile: hold + ".starts", encoding: .utf8).split(separator: "\n")
        #expect(starts.filter { $0 == "3" }.count == 4, "4 trials stopped at e=4 continue from e=3: \(starts)")
        let rows = "SELECT group_concat(x || ':' || e || ':' || loss, ' ') FROM (SELECT * FROM results ORDER BY x, e)"
        #expect(try scalar(db, rows) as String? == (try scalar(folder.file("local.db"), rows) as String?))
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results") == 48)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 48)
        #expect(Slurm.log(of: chain[1], in: folder.path).contains("fidelity e: 8 trials"))
    }
}
