import Foundation
import GRDB
import Testing
@testable import Farm

/// Walltime-aware dispatch and what every job gets to know about itself:
/// FARM_SEED, FARM_DEADLINE, FARM_TASK_DIR, across kills and resumes.
@Suite struct WalltimeAndProvenanceTests {
    /// A job whose run time the test sets in the ledger: it prints at once.
    static let fastSleeper = ["/bin/sh", "-c", #"echo '{"ok": 1}'"#, "{d}"]

    @Test func taskThatWouldNotFinishBeforeTheDeadlineIsNotStarted() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        // A first run without a deadline; then the ledger says d = 3 took 10 minutes (what farm learns run
        // times from), so the test does not depend on how fast this machine runs a 3 s job against a deadline.
        let learn = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "d=0.1,3", "--replicates", "3", "--deadline", "none", "--"] + Self.fastSleeper)
        #expect(learn.status == 0, "\(learn.stderr)")
        try DatabaseQueue(path: db).write { try $0.execute(sql: "UPDATE farm_task SET wall_seconds = 600 WHERE json_extract(params, '$.d') = 3") }
        // Three more replicates each, with 2 minutes left and 1 s kept free: a d = 3 task cannot fit, a d = 0.1 task can.
        let run = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "d=0.1,3", "--replicates", "6",
                                  "--deadline", "120s", "--deadline-margin", "1s", "--runtime-by", "d", "--"] + Self.fastSleeper)
        #expect(run.status == 75, "\(run.stderr)")
        #expect(run.stderr.contains("deadline: tasks that would not finish by"))
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE json_extract(params, '$.d') = 3 AND state = 'pending' AND started_at IS NULL") == 3)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE json_extract(params, '$.d') = 0.1 AND state = 'done'") == 6)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE interruptions > 0 OR failures > 0") == 0)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 9)
        // Without the deadline the rest runs.
        #expect(try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "d=0.1,3", "--replicates", "6", "--deadline", "none", "--"] + Self.fastSleeper).status == 0)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 12)
    }

    @Test func jobEnvironmentCarriesSeedDeadlineAndTaskFolder() throws {
        let folder = TemporaryFolder()
        let printer = ["/bin/sh", "-c", #"echo "{\"seed\": $FARM_SEED, \"deadline\": $FARM_DEADLINE, \"dir\": \"$FARM_TASK_DIR\", \"rep\": $FARM_REPLICATE}""#]
        var seeds: [[Int64]] = []
        for name in ["a.db", "b.db"] {
            let db = folder.file(name)
            let before = Date().timeIntervalSince1970
            let r = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "x=1..3", "--replicates", "2", "--timeout", "100s",
                                    "--deadline", "none", "--task-dir", folder.file("work-\(name)"), "--"] + printer)
            #expect(r.status == 0, "\(r.stderr)")
            seeds.append(try DatabaseQueue(path: db).read { try Int64.fetchAll($0, sql: "SELECT seed FROM results ORDER BY x, rep") })
            let deadlines: [Double] = try DatabaseQueue(path: db).read { try Double.fetchAll($0, sql: "SELECT deadline FROM results") }
            #expect(deadlines.allSatisfy { $0 >= before.rounded(.down) + 99 && $0 <= Date().timeIntervalSince1970 + 100 })
            let dirs: [String] = try DatabaseQueue(path: db).read { try String.fetchAll($0, sql: "SELECT dir || '|' || task_id FROM results") }
            for entry in dirs {
                let parts = entry.split(separator: "|").map(String.init)
                #expect(parts[0] == folder.file("work-\(name)") + "/results/" + parts[1])
                #expect(FileManager.default.fileExists(atPath: parts[0]))
            }
        }
        // The same parameters and replicate give the same seed in another database; replicates differ.
        #expect(seeds[0] == seeds[1])
        #expect(Set(seeds[0]).count == 6)
    }

    @Test func interruptedJobResumesFromItsCheckpointWithItsSeedAndItsRetryBudget() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let stop = folder.file("stop")
        let hold = folder.file("hold")
        _ = FileManager.default.createFile(atPath: hold, contents: nil)
        // Counts to 30 in steps of 0.05 s, saving each step (and the seed it started with) in its task
        // folder; at step 5 it waits while the hold file exists, so the farm is surely stopped mid-way.
        let job = writeJob(folder, """
            import json, os, sys, time
            path = os.path.join(os.environ["FARM_TASK_DIR"], "checkpoint.json")
            state = json.load(open(path)) if os.path.exists(path) else {"step": 0, "seed": os.environ["FARM_SEED"]}
            resumed_from = state["step"]
            while state["step"] < 30:
                while state["step"] == 5 and os.path.exists(sys.argv[1]):
                    time.sleep(0.05)
                time.sleep(0.05)
                state["step"] += 1
                with open(path + ".tmp", "w") as f:
                    json.dump(state, f)
                os.replace(path + ".tmp", path)
            print(json.dumps({"resumed_from": resumed_from, "first_seed": int(state["seed"]), "seed": int(os.environ["FARM_SEED"]),
                              "attempt": int(os.environ["FARM_ATTEMPT"])}))
            """)
        let arguments = [Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "k=1,2", "--retries", "0", "--deadline", "none",
                         "--task-dir", folder.file("work"), "--stop-file", stop, "--grace", "0s", "--", "python3", job, hold]
        let first = try BackgroundProcess(arguments, logPath: folder.file("first.log"))
        // Stop the farm once both jobs wait at step 5: they are killed mid-way.
        let started = Date()
        while Date().timeIntervalSince(started) < 300 {
            let steps = (try? FileManager.default.subpathsOfDirectory(atPath: folder.file("work")))?.filter { $0.hasSuffix("checkpoint.json") }
                .compactMap { try? String(contentsOfFile: folder.file("work/\($0)"), encoding: .utf8) } ?? []
            if steps.count == 2 && steps.allSatisfy({ $0.contains("\"step\": 5,") }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        #expect(await first.wait() == 75, "\(first.log)")
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") == 0)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE interruptions = 1 AND failures = 0 AND state = 'pending'") == 2)
        try FileManager.default.removeItem(atPath: stop)
        try FileManager.default.removeItem(atPath: hold)
        let second = try runProcess(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        // Retries 0, and still it ran again: an interruption uses up no retry.
        let rows: [Row] = try DatabaseQueue(path: db).read { try Row.fetchAll($0, sql: "SELECT resumed_from, first_seed, seed, attempt FROM results") }
        #expect(rows.count == 2)
        for row in rows {
            #expect((row[0] as Int) == 5, "the job started over instead of resuming")
            #expect((row[1] as Int64) == (row[2] as Int64))
            #expect((row[3] as Int) == 1)
        }
    }

    @Test func seedIsAStableFunctionOfTheTaskKey() {
        #expect(TaskSeed.of(key: "{\"e\":25}#1") == TaskSeed.of(key: "{\"e\":25}#1"))
        #expect(TaskSeed.of(key: "{\"e\":25}#1") != TaskSeed.of(key: "{\"e\":25}#2"))
        // Pinned: a change here would change every user's FARM_SEED.
        #expect(TaskSeed.of(key: "") == 0x8422_2325 ^ 0xcbf2_9ce4)
    }

    @Test func deadlineTextReadsDurationsTimesAndEpochs() throws {
        #expect(try AllocationDeadline.parse("90m", now: 1000) == 1000 + 5400)
        #expect(try AllocationDeadline.parse("1800000000") == 1_800_000_000)
        #expect(try AllocationDeadline.parse("01:00:00", now: 0) == 3600)
        #expect(throws: SweepError.self) { try AllocationDeadline.parse("soon") }
        #expect(throws: SweepError.self) { try AllocationDeadline.parse("1e400") }
        #expect(AllocationDeadline.fromSlurm(environment: ["SLURM_JOB_END_TIME": "1e400"]) == nil)
    }

    @Test func runtimeEstimatorUsesTheQuantileOfSimilarTasksThenTheSweep() {
        var estimator = RuntimeEstimator(quantile: 0.9)
        #expect(estimator.estimate(value: nil) == nil)
        for s in [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10] { estimator.add(s, value: .integer(100)) }
        #expect(estimator.estimate(value: .integer(100)) == 10)
        for s in [0.1, 0.2, 0.3] { estimator.add(s, value: .integer(1)) }
        #expect(estimator.estimate(value: .integer(1)) == 0.3)
        // A value with too few samples falls back to the whole sweep (13 samples: the 12th smallest).
        #expect(estimator.estimate(value: .integer(7)) == 9)
    }
}
