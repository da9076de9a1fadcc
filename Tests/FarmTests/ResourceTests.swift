import Foundation
import Testing
@testable import Farm

/// `resources:` end to end on this machine: jobs on CPUs of their own with their thread variables,
/// one at a time when a task needs all the CPUs, GPUs handed out whole or in fractions, mixed
/// demands that all run, and a task no rank can hold refused before anything runs.
@Suite(.enabled(if: ProcessInfo.processInfo.activeProcessorCount >= 2, "needs two CPUs"))
struct ResourceTests {
    func sweep(_ folder: TemporaryFolder, tasks: Int, resources: String, barrier: Int, perDevice: Int = 1, extra: String = "") throws -> String {
        let path = folder.file("sweep.yaml")
        try """
            command: \(ResourceJob.yaml(ResourceJob.command(folder, barrier: barrier, perDevice: perDevice)))
            parameters: {x: 1..\(tasks)\(extra)}
            resources: \(resources)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func rows(_ db: String, _ columns: String = "x, cpus_seen, omp, clash, waited, devices") throws -> [[String]] {
        try dbtool(["query", db, "SELECT \(columns) FROM results ORDER BY x"]).stdout
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func oneCPUTasksOnTwoSlotsRunSideBySideOnDistinctCPUsWithOneThreadEach() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let r = try runProcess([Binaries.farmrun, try sweep(folder, tasks: 6, resources: "{cpus: 1}", barrier: 2), "--db", db, "--jobs", "2", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try rows(db)
        #expect(rows.count == 6)
        #expect(rows.allSatisfy { $0[2] == "1" && $0[3] == "0" && !$0[1].contains("-") && !$0[1].contains(",") }, "\(rows)")
        // The first two waited for each other: they ran at once, on two different CPUs.
        #expect(rows[0][4] == "yes" && rows[1][4] == "yes" && rows[0][1] != rows[1][1], "\(rows)")
        let attempts = try dbtool(["query", db, "SELECT DISTINCT cpus FROM farm_attempt ORDER BY cpus"]).stdout
        #expect(attempts.split(separator: "\n").count == 3, "two single CPUs recorded: \(attempts)")
    }

    @Test func aTaskThatNeedsEveryCPURunsAloneWithThemAll() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let all = CPUList.text(Array(0..<ProcessInfo.processInfo.activeProcessorCount))
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        let r = try runProcess([Binaries.farmrun, try sweep(folder, tasks: 4, resources: "{cpus: \(cpus)}", barrier: 0), "--db", db, "--jobs", "2", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try rows(db)
        #expect(rows.allSatisfy { $0[1] == all && $0[2] == String(cpus) && $0[3] == "0" }, "\(rows)")
    }

    @Test func aFarmRestrictedToOneCPURunsOneTaskAtATime() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset") else { return }
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let r = try runProcess(["/usr/bin/taskset", "-c", "0", Binaries.farmrun, try sweep(folder, tasks: 4, resources: "{cpus: 1}", barrier: 0),
                                "--db", db, "--jobs", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("up to 1 task(s) at once"), "\(r.stderr)")
        let rows = try rows(db)
        #expect(rows.allSatisfy { $0[1] == "0" && $0[3] == "0" }, "\(rows)")
    }

    @Test func declaredGPUsAreGivenOutWholeOrInFractionsAndAllAreUsed() throws {
        for (gpus, perDevice) in [("1", 1), ("0.5", 2)] {
            let folder = TemporaryFolder()
            let db = folder.file("r.db")
            // As many start at once as the devices hold: the first 4 (or 8) wait for each other.
            let r = try runProcess([Binaries.farmrun, try sweep(folder, tasks: 16, resources: "{gpus: \(gpus)}", barrier: 4 * perDevice, perDevice: perDevice),
                                    "--db", db, "--cpus", "8", "--jobs", "8", "--quiet"], environment: ["CUDA_VISIBLE_DEVICES": "0,1,2,3"])
            #expect(r.status == 0, "gpus \(gpus): \(r.stderr)")
            let rows = try rows(db)
            #expect(rows.count == 16)
            #expect(rows.allSatisfy { $0[3] == "0" && $0[5].split(separator: ",").count == 1 }, "gpus \(gpus): a device over-shared: \(rows)")
            #expect(rows.prefix(4 * perDevice).allSatisfy { $0[4] == "yes" }, "\(rows)")
            #expect(Set(rows.prefix(4 * perDevice).map { $0[5] }) == ["0", "1", "2", "3"], "gpus \(gpus): \(rows)")
            let attempts = try dbtool(["query", db, "SELECT count(DISTINCT devices) FROM farm_attempt"]).stdout
            #expect(attempts.hasSuffix("4\n"), "\(attempts)")
        }
    }

    @Test func oneAndTwoCPUTasksMixedOnTwoSlotsAllRunAndNeverShareACPU() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let r = try runProcess([Binaries.farmrun, try sweep(folder, tasks: 10, resources: "{cpus: \"{n}\"}", barrier: 0, extra: ", n: [2, 1]"),
                                "--db", db, "--jobs", "2", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try rows(db, "n, cpus_seen, omp, clash")
        #expect(rows.count == 20)
        #expect(rows.allSatisfy { $0[2] == $0[0] && $0[3] == "0" }, "\(rows)")
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done'") as Int? == 20)
    }

    @Test func aTaskNoRankCanHoldIsRefusedWithOneLineAndNothingRuns() throws {
        let cases: [(arguments: [String], expected: String)] = [
            (["--cpus-per-task", "3", "--cpus", "2"], "a task asks cpus 3, and the most any rank holds is 2 CPU(s)"),
            (["--gpus-per-task", "1"], "no GPU was found (CUDA_VISIBLE_DEVICES=\"\")"),
            (["--gpus-per-task", "1.5"], "--gpus-per-task is 1.5; give 0, a fraction of one GPU"),
            (["--cpus-per-task", "{nope}"], "resources: {nope} is not a parameter"),
            (["--cpus", "0"], "--cpus 0: a rank holds at least 1 CPU"),
        ]
        for (arguments, expected) in cases {
            let folder = TemporaryFolder()
            let db = folder.file("r.db")
            let r = try runProcess([Binaries.farmrun, "--db", db, "-p", "x=1..3", "--jobs", "2"] + arguments + ["--", "/bin/echo", "{\"x\": {x}}"],
                                   environment: ["CUDA_VISIBLE_DEVICES": "", "PATH": "/usr/bin:/bin"])
            #expect(r.status == 64, "\(arguments): \(r.stderr)")
            let errors = r.stderr.split(separator: "\n").filter { $0.contains("error") || $0.hasPrefix("farmrun: ") && !$0.contains(" farmrun: ") }
            #expect(r.stderr.contains(expected) && errors.count <= 1, "\(arguments): \(r.stderr)")
            let ran: Int = FileManager.default.fileExists(atPath: db) ? (try scalar(db, "SELECT count(*) FROM farm_attempt") ?? 0) : 0
            #expect(ran == 0, "\(arguments): nothing runs")
        }
    }
}

/// Slot use per host while a run holds the lease: `farmrun status` and its JSON.
@Suite(.enabled(if: ProcessInfo.processInfo.activeProcessorCount >= 2, "needs two CPUs"))
struct SlotUseStatusTests {
    @Test func statusShowsBusyAndFreeCPUsPerHostWhileTasksRun() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let gate = folder.file("gate")
        _ = FileManager.default.createFile(atPath: gate, contents: nil)
        let job = writeJob(folder, """
            import json, os, sys, time
            open(sys.argv[2] + "-" + sys.argv[1], "w").close()
            while os.path.exists(sys.argv[2]): time.sleep(0.02)
            print(json.dumps({"x": int(sys.argv[1])}))
            """)
        let farm = try BackgroundProcess([Binaries.farmrun, "--db", db, "-p", "x=1..3", "--jobs", "2", "--cpus-per-task", "1",
                                          "--batch-interval", "0.1s", "--", "python3", job, "{x}", gate], logPath: folder.file("run.log"))
        // Both slots run a job (their files exist) and the ledger has marked them running.
        try await waitFor("two jobs running", timeout: 120) {
            FileManager.default.fileExists(atPath: "\(gate)-1") && FileManager.default.fileExists(atPath: "\(gate)-2")
                && ((try? scalar(db, "SELECT count(*) FROM farm_host WHERE busy_cpus = 2") as Int?) ?? 0) == 1
        }
        let text = try runProcess([Binaries.farmrun, "status", "--db", db])
        let host = ProcessInfo.processInfo.hostName
        #expect(text.stdout.contains("slots: \(host): 2/\(ProcessInfo.processInfo.activeProcessorCount) CPUs busy"), "\(text.stdout)")
        let json = try runProcess([Binaries.farmrun, "status", "--db", db, "--format", "json"])
        #expect(json.stdout.contains("\"busy_cpus\":2"), "\(json.stdout)")
        try FileManager.default.removeItem(atPath: gate)
        #expect(await farm.wait() == 0, "\(farm.log)")
        // No run holds the lease: no slots line.
        #expect(!(try runProcess([Binaries.farmrun, "status", "--db", db]).stdout.contains("slots:")))
    }
}
