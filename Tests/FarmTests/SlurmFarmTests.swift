import Foundation
import GRDB
import Testing
@testable import Farm

/// `sbatch slurm/farm.sbatch` against the real local Slurm cluster
/// (`slurm/local-cluster.sh`): warning signal, grace, exit 75, resubmission.
@Suite(.serialized, .enabled(if: Slurm.available, "needs the local Slurm cluster: bash slurm/local-cluster.sh start; eval \"$(bash slurm/local-cluster.sh env)\""))
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
        #expect(try scalar(db, "PRAGMA integrity_check") == "ok")
        #expect(try scalar(db, "SELECT count(*) FROM results") == 600)
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results") == 600)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done' AND failures = 0") == 600)
        #expect(processes(containing: db).isEmpty)
        #expect(processes(containing: hold).isEmpty)
    }

    @Test func warnedSweepUnderSrunIsCompletedByResubmission() async throws {
        try await warnedSweepIsCompletedByItsResubmittedChain(launcher: "srun")
    }

    @Test func warnedSweepUnderMpirunInsideTheAllocationIsCompletedByResubmission() async throws {
        try await warnedSweepIsCompletedByItsResubmittedChain(launcher: "mpirun")
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
        #expect(Date().timeIntervalSince(warned) < 150, "the grace deadline should end the 600 s job")
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
}
