import Foundation
import Testing

/// Several slots per rank, checked the same way under mpirun and under srun: `width` tasks that
/// wait for each other all start (so that many ran at once, known from files, not time), then a
/// sweep SIGKILLed once it is under way and resumed ends with exactly one row per task.
enum SlotsCheck {
    static func run(_ launcher: [String], farmArguments: [String] = [], width: Int, environment: [String: String] = [:]) async throws {
        let folder = TemporaryFolder()
        let db = folder.file("wide.db")
        let sweep = folder.file("sweep.yaml")
        try """
            command: \(ResourceJob.yaml(ResourceJob.command(folder, barrier: width)))
            parameters: {x: 1..\(width)}
            resources: {cpus: 1}
            """.write(toFile: sweep, atomically: true, encoding: .utf8)
        let wide = try runProcess(launcher + [Binaries.farmrun, sweep, "--db", db, "--progress", "0"] + farmArguments, environment: environment)
        #expect(wide.status == 0, "\(wide.stderr)")
        let waited = try dbtool(["query", db, "SELECT waited, count(*) FROM results GROUP BY waited"]).stdout
        #expect(waited.contains("yes,\(width)"), "all \(width) tasks ran at once: \(waited)\n\(wide.stderr)")

        let killed = folder.file("killed.db")
        let arguments = [Binaries.farmrun, "--db", killed, "-p", "x=1..400", "--cpus-per-task", "1", "--progress", "0"] + farmArguments + ["--",
                         "python3", "-c", "import json, sys; print(json.dumps({'y': int(sys.argv[1]) * 2}))", "{x}"]
        let first = try BackgroundProcess(launcher + arguments, logPath: folder.file("first.log"), environment: environment)
        try await waitFor("100 tasks done with more running", timeout: 300) {
            guard first.process.isRunning else { return true }
            let done: Int = (try? scalar(killed, "SELECT count(*) FROM farm_task WHERE state = 'done'")) ?? 0
            let running: Int = (try? scalar(killed, "SELECT count(*) FROM farm_task WHERE state = 'running'")) ?? 0
            return done >= 100 && running > 0
        }
        #expect(first.process.isRunning, "the first run should still be running when killed: \(first.log)")
        // The ranks die, not the launcher: mpirun and srun see their tasks killed and end by themselves
        // (a SIGKILLed srun would leave its allocation to Slurm's timeouts).
        for pid in pids(containing: killed) where commandLine(of: pid).first == Binaries.farmrun { kill(pid, SIGKILL) }
        _ = await first.wait()
        try await waitUntilNoProcess(containing: killed)
        let resumed = try runProcess(launcher + arguments, environment: environment)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try scalar(killed, "SELECT count(*) FROM results") as Int? == 400)
        #expect(try scalar(killed, "SELECT count(DISTINCT task_id) FROM results") as Int? == 400)
        #expect(try scalar(killed, "SELECT count(*) FROM results WHERE y != x * 2") as Int? == 0)
    }
}

/// The argv of process `pid` (empty if it is gone).
func commandLine(of pid: pid_t) -> [String] {
    let bytes = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
    return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
}
