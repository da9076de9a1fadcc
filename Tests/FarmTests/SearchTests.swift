import Foundation
import GRDB
import Testing
@testable import Farm

/// Fidelity sweeps and early stopping end to end, with real farmrun processes
/// and real jobs: a trial's reports become the rows a grid stores, a stopped
/// trial continues from its last stored report, and pruned trials stay pruned.
@Suite struct SearchTests {
    static let job = Slurm.repository + "/bench/search_job.py"

    func sweep(_ folder: TemporaryFolder, _ name: String, replicates: Int = 2, extra: String = "", every: Bool) -> String {
        let path = folder.file(name)
        let reports = every ? ", --every, \"25\"" : ""
        try! """
            command: [python3, \(Self.job), --lr, "{lr}", --width, "{width}", --epochs, "{epochs}", --replicate, "{replicate}"\(reports)]
            parameters:
              epochs: 25..100..25
              lr: [0.001, 0.01, 0.003]
              width: [0.3, 0.9]
            replicates: \(replicates)
            \(extra)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func rows(_ db: String) throws -> [[String]] {
        try DatabaseQueue(path: db).read { db in
            try Row.fetchAll(db, sql: "SELECT epochs, lr, width, val_loss FROM results ORDER BY lr, width, epochs, val_loss").map { row in
                (0..<4).map { "\(row[$0] as DatabaseValue)" }
            }
        }
    }

    func farmrun(_ sweep: String, _ db: String, _ more: [String] = [], epochLog: String? = nil) throws -> ProcessResult {
        var environment = ["SEARCH_EPOCH_WORK": "10"]
        if let epochLog { environment["SEARCH_EPOCH_LOG"] = epochLog }
        return try runProcess([Binaries.farmrun, "run", sweep, "--db", db, "--jobs", "2", "--progress", "0"] + more, environment: environment)
    }

    @Test func aFidelitySweepStoresTheRowsTheGridStoresFromOneJobPerTrial() throws {
        let folder = TemporaryFolder()
        let grid = try farmrun(sweep(folder, "grid.yaml", every: false), folder.file("grid.db"))
        #expect(grid.status == 0, "\(grid.stderr)")
        let log = folder.file("epochs.log")
        let fidelity = try farmrun(sweep(folder, "fidelity.yaml", extra: "fidelity: epochs", every: true), folder.file("fidelity.db"), epochLog: log)
        #expect(fidelity.status == 0, "\(fidelity.stderr)")
        let expected = try rows(folder.file("grid.db"))
        #expect(expected.count == 48)
        #expect(try rows(folder.file("fidelity.db")) == expected)
        // 12 trials of 100 epochs, not 48 jobs of 25 to 100.
        #expect(fileBytes(log)?.count == 12 * 100)
        #expect(try scalar(folder.file("fidelity.db"), "SELECT count(*) FROM farm_attempt WHERE outcome = 'done'") as Int? == 48)
    }

    @Test func aTrialStoppedMidwayContinuesFromItsLastStoredReport() throws {
        let folder = TemporaryFolder()
        let hold = folder.file("hold")
        let job = writeJob(folder, """
            import json, os, sys, time
            start = int(os.environ.get("FARM_RESUME_FROM", "0"))
            with open(sys.argv[2], "a") as f: f.write(f"{start}\\n")
            for e in range(start + 1, int(sys.argv[1]) + 1):
                while e == 3 and not os.path.exists(sys.argv[3]): time.sleep(0.05)
                print(json.dumps({"e": e, "loss": 1.0 / e}), flush=True)
            """)
        let path = folder.file("s.yaml")
        try """
            command: [python3, \(job), "{e}", \(folder.file("starts")), \(hold)]
            parameters:
              e: 1..4
            fidelity: e
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let db = folder.file("r.db")
        let first = Process()
        first.executableURL = URL(fileURLWithPath: Binaries.farmrun)
        first.arguments = ["run", path, "--db", db, "--jobs", "1", "--progress", "0"]
        first.standardError = FileHandle.nullDevice
        try first.run()
        let twoDone = { (try? scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") as Int?) == 2 }
        while !twoDone() && first.isRunning { usleep(20_000) }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        for pid in processes(containing: folder.file("starts")) { kill(pid, SIGKILL) }
        _ = FileManager.default.createFile(atPath: hold, contents: nil)
        let second = try runProcess([Binaries.farmrun, "run", path, "--db", db, "--jobs", "1", "--progress", "0"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try String(contentsOfFile: folder.file("starts"), encoding: .utf8) == "0\n2\n")
        #expect(try scalar(db, "SELECT count(*) FROM results") as Int? == 4)
        #expect(try scalar(db, "SELECT count(DISTINCT e) FROM results") as Int? == 4)
    }

    @Test func earlyStoppingPrunesConfigurationsAndAResumeNeverRevivesThem() throws {
        let folder = TemporaryFolder()
        let asha = """
            fidelity: epochs
            metric: {name: val_loss, goal: minimize}
            early_terminate: {type: asha, eta: 2}
            """
        let path = sweep(folder, "asha.yaml", replicates: 1, extra: asha, every: true)
        let db = folder.file("r.db")
        let run = try farmrun(path, db)
        #expect(run.status == 0, "\(run.stderr)")
        let pruned: Int = try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'pruned'") ?? 0
        let done: Int = try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") ?? 0
        #expect(pruned > 0 && done + pruned == 24, "done \(done), pruned \(pruned)")
        #expect(try scalar(db, "SELECT count(*) FROM results r JOIN farm_task t ON t.id = r.task_id WHERE t.state = 'pruned'") as Int? == 0)
        let decisions: Int = try scalar(db, "SELECT count(*) FROM farm_decision WHERE decision = 'prune'") ?? 0
        #expect(decisions > 0)
        let again = try farmrun(path, db)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("0 finished"), "\(again.stderr)")
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'pruned'") as Int? == pruned)
        #expect(try scalar(db, "SELECT count(*) FROM farm_decision WHERE decision = 'prune'") as Int? == decisions)
        let status = try runProcess([Binaries.farmrun, "status", "--db", db])
        #expect(status.stdout.contains("\(pruned) pruned"), "\(status.stdout)")
        #expect(status.stdout.contains("early stopping by epochs"), "\(status.stdout)")
        let missing = try runProcess([Binaries.farmrun, "status", "--db", db, "--missing", "--format", "csv"])
        #expect(missing.stdout.split(separator: "\n").count == 1, "pruned tasks are not missing: \(missing.stdout)")
        let withPruned = try runProcess([Binaries.farmrun, "status", "--db", db, "--missing", "--format", "csv", "--include-pruned"])
        #expect(withPruned.stdout.split(separator: "\n").count > 1)
    }

    @Test func badReportLinesAreCountedAndNeverStored() throws {
        let folder = TemporaryFolder()
        let job = writeJob(folder, """
            import json
            print("epoch 1/2 ━━━━━━ 50%")
            print(json.dumps({"e": 1, "loss": 0.5}))
            print(json.dumps({"e": "two", "loss": 0.4}))
            print(json.dumps({"e": 1, "loss": 0.3}))
            print('[{"e": 2}]')
            print(json.dumps({"e": 2, "loss": 0.2}), flush=True)
            """)
        let db = folder.file("r.db")
        let path = folder.file("s.yaml")
        try "command: [python3, \(job), \"{e}\"]\nparameters:\n  e: [1, 2]\nfidelity: e\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try runProcess([Binaries.farmrun, "run", path, "--db", db, "--jobs", "1", "--progress", "0"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("e is not a number") && run.stderr.contains("e=1 reported twice") && run.stderr.contains("not a JSON object"), "\(run.stderr)")
        #expect(try scalar(db, "SELECT group_concat(e || '=' || loss, ' ') FROM (SELECT * FROM results ORDER BY e)") as String? == "1=0.5 2=0.2")
        let status = try runProcess([Binaries.farmrun, "status", "--db", db])
        #expect(status.stdout.contains("bad reports: 3 report lines of 1 trial not stored"), "\(status.stdout)")
    }
}
