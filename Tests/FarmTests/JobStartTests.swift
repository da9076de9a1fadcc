import Foundation
import GRDB
import Testing
@testable import Farm

/// How a job is started: its program found on its own PATH, a failure to start recorded as a
/// spawn failure that says what to fix, and a clean start whatever the worker holds (no
/// inherited descriptors, no blocked signals, stdin on /dev/null).
@Suite struct JobStartTests {
    func run(_ command: [String], params: [String], environment: [String: String] = [:], in folder: TemporaryFolder) async throws -> String {
        let db = folder.file("r.db")
        var overrides = SweepOverrides()
        overrides.command = command
        overrides.parameters = params
        var spec = try overrides.apply(to: nil)
        spec.environment = environment
        var options = CoordinatorOptions()
        options.progressInterval = nil
        _ = await runFarm(RunConfiguration(spec: spec, database: db, jobs: 2, options: options, killGrace: 1))
        return db
    }

    @Test func aProgramThatCannotStartFailsAsASpawnSayingWhatToFix() async throws {
        let folder = TemporaryFolder()
        let plain = writeJob(folder, "print('{}')\n", name: "plain.py")
        let garbage = writeJob(folder, "\u{7f}ELF not really\n", name: "garbage")
        chmod(garbage, 0o755)
        let db = try await run(["{p}"], params: ["p=farm-no-such-program,/no/such/folder/job,\(plain),\(garbage)"], in: folder)
        let rows = try DatabaseQueue(path: db).read {
            try Row.fetchAll($0, sql: "SELECT json_extract(params, '$.p') AS p, state, failure, error FROM farm_task")
        }
        var errors: [String: String] = [:]
        for row in rows {
            #expect(row["state"] as String == "failed")
            #expect(row["failure"] as String? == "spawn", "\(row)")
            errors[row["p"]] = row["error"]
        }
        #expect(errors["farm-no-such-program"]?.contains("no such program (check the command and PATH)") == true)
        #expect(errors["/no/such/folder/job"]?.contains("no such program") == true)
        #expect(errors[plain]?.contains("chmod +x it") == true)
        #expect(errors[garbage]?.contains("not a program this machine can run") == true)
    }

    @Test func aProgramIsFoundOnTheJobsOwnPath() async throws {
        let folder = TemporaryFolder()
        let bin = folder.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let tool = bin + "/farm-test-tool"
        try "#!/bin/sh\necho '{\"found\": 1}'\n".write(toFile: tool, atomically: true, encoding: .utf8)
        chmod(tool, 0o755)
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let db = try await run(["farm-test-tool"], params: ["x=1,2"], environment: ["PATH": path], in: folder)
        #expect(try scalar(db, "SELECT count(*) FROM results WHERE found = 1") == 2)
    }

    @Test func aJobStartsWithNoneOfTheWorkersDescriptorsAndNoBlockedSignals() async throws {
        let folder = TemporaryFolder()
        let job = writeJob(folder, """
            import json, os
            links = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd") if int(fd) > 2 and os.path.exists(f"/proc/self/fd/{fd}")]
            status = dict(line.split(":", 1) for line in open("/proc/self/status"))
            print(json.dumps({"stdin": os.readlink("/proc/self/fd/0"), "ledger": sum(".db" in link for link in links),
                              "inherited": sum("inheritable" in link for link in links), "blocked": int(status["SigBlk"].strip(), 16)}))
            """)
        // A descriptor the worker holds without close-on-exec (as a library may leave one) is not the job's either.
        let inheritable = open(folder.file("inheritable"), O_CREAT | O_WRONLY, 0o644)
        #expect(inheritable >= 0)
        defer { close(inheritable) }
        let db = try await run(["python3", job], params: ["x=1..4"], in: folder)
        #expect(try scalar(db, "SELECT count(*) FROM results WHERE stdin = '/dev/null' AND ledger = 0 AND inherited = 0 AND blocked = 0") == 4)
    }
}
