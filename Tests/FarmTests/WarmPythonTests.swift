import Foundation
import GRDB
import Testing
@testable import Farm

/// `preload:`: each slot's warm Python imports the modules once and forks every task from itself,
/// and a forked task is the same contract as a spawned one: its own session, argv, environment,
/// output, exit, signal, timeout, kill and orphan guard; it changes nothing for the next task.
@Suite struct WarmPythonTests {
    /// A module the tests preload: it remembers the process that imported it, and holds state a task may change.
    static let warmMark = """
        import os
        imported_by = os.getpid()
        counter = 0
        items = []
        """

    /// Runs farmrun on `job` (a Python script given `{k}`) for each of `kinds`, preloading `preload`.
    func farm(_ folder: TemporaryFolder, _ source: String, kinds: [String], preload: String = "warmmark",
              python: String = "python3", extra: [String] = []) throws -> ProcessResult {
        try Self.warmMark.write(toFile: folder.file("warmmark.py"), atomically: true, encoding: .utf8)
        let job = writeJob(folder, source)
        return try runProcess([Binaries.farmrun, "--db", folder.file("r.db"), "-p", "k=" + kinds.joined(separator: ","),
                               "--preload", preload, "--env", "PYTHONPATH=\(folder.path)", "--progress", "0", "--kill-grace", "1s"]
                              + extra + ["--", python, job, "{k}"])
    }

    func tasks(_ folder: TemporaryFolder) throws -> [String: Row] {
        let rows = try DatabaseQueue(path: folder.file("r.db")).read {
            try Row.fetchAll($0, sql: "SELECT json_extract(params, '$.k') AS k, state, failure, error, stderr_tail FROM farm_task")
        }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["k"] as String, $0) })
    }

    @Test func aTaskIsForkedWarmWithItsOwnArgvAndEnvironmentAndChangesNothingForTheNext() throws {
        let folder = TemporaryFolder()
        let source = """
            import json, os, sys, warmmark
            print(json.dumps({"warm": warmmark.imported_by != os.getpid(), "before": warmmark.counter, "items": len(warmmark.items),
                              "leak": os.environ.get("LEAKED"), "name": __name__, "arg": sys.argv[1], "script": sys.argv[0],
                              "task": int(os.environ["FARM_TASK_ID"]), "session": os.getsid(0) == os.getpid(),
                              "stdin": len(sys.stdin.read()), "cwd": os.getcwd(), "server": os.getppid(),
                              "run_dir": os.environ["RUN_DIR"]}))
            warmmark.counter += 1
            warmmark.items.append(sys.argv[1])
            os.environ["LEAKED"] = "yes"
            """
        let run = try farm(folder, source, kinds: ["a", "b", "c", "d", "e", "f"], extra: ["--jobs", "1", "--env", "RUN_DIR=runs/{k}"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try DatabaseQueue(path: folder.file("r.db")).read {
            try Row.fetchAll($0, sql: "SELECT results.*, farm_task.id AS id FROM results JOIN farm_task ON farm_task.id = task_id")
        }
        #expect(rows.count == 6)
        for row in rows {
            #expect(row["warm"] as Int == 1, "the task was not forked from the warm Python")
            #expect(row["before"] as Int == 0 && row["items"] as Int == 0, "a task saw the previous task's module state")
            #expect(row["leak"] as String? == nil)
            #expect(row["name"] as String == "__main__")
            #expect(row["script"] as String == folder.file("job.py"))
            #expect(row["task"] as Int64 == row["id"] as Int64)
            #expect(row["session"] as Int == 1 && row["stdin"] as Int == 0)
            #expect(row["cwd"] as String == FileManager.default.currentDirectoryPath)
            #expect(row["run_dir"] as String == "runs/" + (row["arg"] as String))
        }
        // One warm Python served all six, though each had its own env: value.
        #expect(Set(rows.map { $0["server"] as Int }).count == 1)
        #expect(Set(rows.map { $0["arg"] as String }) == ["a", "b", "c", "d", "e", "f"])
    }

    /// Jobs that end at once: the server's "started" and "exited" often come in one read.
    @Test func manyInstantJobsAllFinish() throws {
        let folder = TemporaryFolder()
        let run = try farm(folder, "print('{\"ok\": 1}')\n", kinds: (1...400).map(String.init), extra: ["--jobs", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try scalar(folder.file("r.db"), "SELECT count(*) FROM results") as Int? == 400)
    }

    @Test func preloadedJobsThatDieExitOrFailAreRecordedAsSpawnedOnesAre() throws {
        let folder = TemporaryFolder()
        let marker = "farm-warm-child-\(UUID().uuidString)"
        let source = """
            import os, signal, subprocess, sys, time
            k = sys.argv[1]
            if k == "sigkill": os.kill(os.getpid(), signal.SIGKILL)
            if k == "exit3": os._exit(3)
            if k == "sysexit": sys.exit(4)
            if k == "raise": raise ValueError("bad value from the job")
            if k == "child":
                subprocess.Popen(["sleep", "300", "\(marker)"])
                print('{"left": "a child"}')
            if k == "timeout":
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                subprocess.Popen(["sleep", "300", "\(marker)"])
                time.sleep(300)
            """
        let run = try farm(folder, source, kinds: ["sigkill", "exit3", "sysexit", "raise", "child", "timeout"], extra: ["--timeout", "3s", "--retries", "0"])
        #expect(run.status == 1, "\(run.stderr)")
        let r = try tasks(folder)
        #expect(r["sigkill"]?["failure"] as String? == "signal")
        #expect((r["sigkill"]?["error"] as String?)?.contains("SIGKILL") == true)
        #expect(r["exit3"]?["failure"] as String? == "exit")
        #expect((r["exit3"]?["error"] as String?)?.contains("status 3") == true)
        #expect((r["sysexit"]?["error"] as String?)?.contains("status 4") == true)
        #expect((r["raise"]?["error"] as String?)?.contains("status 1") == true)
        #expect((r["raise"]?["stderr_tail"] as String?)?.contains("ValueError: bad value from the job") == true)
        #expect(r["child"]?["state"] as String? == "done")
        #expect(r["timeout"]?["failure"] as String? == "timeout")
        // Both sleeps were in their task's group: killed with it (the group is gone once farmrun has exited).
        #expect(processes(containing: marker).isEmpty)
        #expect(!run.stderr.contains("preload: cannot"), "\(run.stderr)")
    }

    @Test func aModuleThatDoesNotExistIsNamedOnceAndTheSweepRunsWithoutPreloading() throws {
        let folder = TemporaryFolder()
        let source = """
            import json, sys
            print(json.dumps({"warm": "warmmark" in sys.modules}))
            """
        let run = try farm(folder, source, kinds: ["1", "2", "3", "4"], preload: "warmmark,farm_no_such_module")
        #expect(run.status == 0, "\(run.stderr)")
        let line = "preload: cannot import farm_no_such_module (ModuleNotFoundError: No module named 'farm_no_such_module'); the sweep runs without preloading"
        #expect(run.stderr.components(separatedBy: line).count == 2, "\(run.stderr)")
        #expect(try scalar(folder.file("r.db"), "SELECT count(*) FROM results WHERE warm = 0") as Int? == 4)
    }

    @Test func aPreloadedTaskIsPinnedToItsCPUsAndItsThreadPoolsAreCapped() throws {
        guard TestPython.available else { return }
        let folder = TemporaryFolder()
        let source = """
            import json, os, threadpoolctl
            pools = {pool["internal_api"]: pool["num_threads"] for pool in threadpoolctl.threadpool_info()}
            print(json.dumps({"cpus": len(os.sched_getaffinity(0)), "blas": pools.get("openblas", 0), "omp": os.environ["OMP_NUM_THREADS"]}))
            """
        let run = try farm(folder, source, kinds: ["1", "2", "3", "4"], preload: "numpy,threadpoolctl", python: TestPython.path,
                           extra: ["--cpus-per-task", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let db = folder.file("r.db")
        #expect(try scalar(db, "SELECT count(*) FROM results WHERE cpus = 1 AND blas = 1 AND omp = '1'") as Int? == 4, "\(run.stderr)")
    }

    @Test func aRankKilledMidTaskLeavesNeitherItsTaskNorItsWarmPython() async throws {
        let folder = TemporaryFolder()
        let started = folder.file("started")
        let source = """
            import os, time
            with open("\(started).tmp", "w") as f: f.write("%d %d" % (os.getpid(), os.getppid()))
            os.rename("\(started).tmp", "\(started)")
            time.sleep(300)
            """
        try Self.warmMark.write(toFile: folder.file("warmmark.py"), atomically: true, encoding: .utf8)
        let job = writeJob(folder, source)
        let farm = try BackgroundProcess([Binaries.farmrun, "--db", folder.file("r.db"), "-p", "k=1", "--jobs", "1", "--preload", "warmmark",
                                          "--env", "PYTHONPATH=\(folder.path)", "--progress", "0", "--", "python3", job, "{k}"],
                                         logPath: folder.file("farm.log"))
        try await waitFor("the job to start", timeout: 120) { FileManager.default.fileExists(atPath: started) }
        let pids = try String(contentsOfFile: started, encoding: .utf8).split(separator: " ").compactMap { pid_t($0) }
        #expect(pids.count == 2)
        kill(farm.process.processIdentifier, SIGKILL)
        _ = await farm.wait()
        try await waitFor("the task and its warm Python to end", timeout: 30) { pids.allSatisfy { !isRunning($0) } }
    }
}

/// Whether `pid` is a running process (a zombie, exited but not yet reaped, is not).
func isRunning(_ pid: pid_t) -> Bool {
    guard let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
    return !cmdline.isEmpty
}
