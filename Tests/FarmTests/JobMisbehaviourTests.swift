import Foundation
import GRDB
import Testing
@testable import Farm

/// Jobs that do what jobs should not: each is recorded for what it is, and
/// nothing of it outlives its task or exhausts the worker.
@Suite struct JobMisbehaviourTests {
    /// Runs one job per value of `k` through `job` (a Python script given `k`)
    /// in one process, and returns each task's state, failure class and error.
    func outcomes(_ source: String, kinds: [String], timeout: Double? = nil) async throws -> [String: (state: String, failure: String?, error: String?)] {
        let folder = TemporaryFolder()
        let job = writeJob(folder, source)
        let db = folder.file("r.db")
        var overrides = SweepOverrides()
        overrides.command = ["python3", job, "{k}"]
        overrides.parameters = ["k=" + kinds.joined(separator: ",")]
        var spec = try overrides.apply(to: nil)
        spec.timeout = timeout
        var options = CoordinatorOptions()
        options.progressInterval = nil
        _ = await runFarm(RunConfiguration(spec: spec, database: db, jobs: 2, options: options, killGrace: 1))
        #expect(try scalar(db, "PRAGMA integrity_check") == "ok")
        let rows = try DatabaseQueue(path: db).read {
            try Row.fetchAll($0, sql: "SELECT json_extract(params, '$.k'), state, failure, error FROM farm_task")
        }
        var result: [String: (String, String?, String?)] = [:]
        for row in rows { result[row[0]] = (row[1], row[2], row[3]) }
        return result
    }

    @Test func oddButValidOutputIsStoredAndInvalidOutputIsARecordedFailure() async throws {
        let source = #"""
            import sys
            k = sys.argv[1]
            out = sys.stdout.buffer
            if k == "nested": out.write(b'{"a": {"b": [1, 2, {"c": null}]}}\n')
            if k == "nan": out.write(b'{"loss": NaN, "best": Infinity, "worst": -Infinity}\n')
            if k == "array": out.write(b'[{"a": 1}]\n')
            if k == "dupkeys": out.write(b'{"a": 1, "a": 2}\n')
            if k == "badutf8": out.write(b'{"a": "\xff\xfe"}\n')
            if k == "twoobjects": out.write(b'{"a": 1}\n{"a": 2}\n')
            if k == "empty": pass
            if k == "hugeline": out.write(b'{"a": "' + b"x" * (100 << 20) + b'"}\n')
            """#
        let r = try await outcomes(source, kinds: ["nested", "nan", "array", "dupkeys", "badutf8", "twoobjects", "empty", "hugeline"])
        #expect(r["nested"]?.state == "done")
        #expect(r["nan"]?.state == "done")
        for kind in ["array", "dupkeys", "badutf8", "twoobjects", "empty", "hugeline"] {
            #expect(r[kind]?.state == "failed", "\(kind)")
            #expect(r[kind]?.failure == "output", "\(kind)")
        }
        #expect(r["array"]?.error?.contains("not a JSON object") == true)
        #expect(r["dupkeys"]?.error?.contains("duplicate key") == true)
        #expect(r["hugeline"]?.error?.contains("limit") == true)
    }

    @Test func signalsEndAsRecordedFailuresAndStdinIsEmpty() async throws {
        let source = """
            import os, signal, sys
            k = sys.argv[1]
            if k == "segv": os.kill(os.getpid(), signal.SIGSEGV)
            if k == "abort": os.abort()
            if k == "stdin": print('{"read": %d}' % len(sys.stdin.read()))
            """
        let r = try await outcomes(source, kinds: ["segv", "abort", "stdin"])
        #expect(r["segv"]?.failure == "signal")
        #expect(r["segv"]?.error?.contains("SIGSEGV") == true)
        #expect(r["abort"]?.failure == "signal")
        #expect(r["stdin"]?.state == "done")
    }

    @Test func jobIgnoringSIGTERMIsKilledAfterItsTimeout() async throws {
        let source = """
            import signal, time
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            time.sleep(600)
            """
        let started = Date()
        let r = try await outcomes(source, kinds: ["stubborn"], timeout: 2)
        #expect(Date().timeIntervalSince(started) < 600, "the job should not run its 600 s (a bound on the claim itself: a loaded machine may take minutes)")
        #expect(r["stubborn"]?.failure == "timeout")
    }

    @Test func gigabyteOfOutputKeepsTheWorkerSmallAndFailsTheTask() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        // farmrun as a child of Python, which reports the peak RSS of its waited-for descendants.
        let probe = """
            import resource, subprocess, sys
            r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            """
        let r = try runProcess(["python3", "-c", probe, Binaries.farmrun, "--db", db, "--jobs", "2", "--progress", "0",
                                "-p", "stream=1,2", "--", "sh", "-c", "head -c 1000000000 /dev/zero >&$0", "{stream}"])
        let fields = r.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(fields.count == 2, "\(r.stdout) \(r.stderr)")
        #expect(fields.first == 1)
        let peakKB = fields.last ?? .max
        #expect(peakKB < 300_000, "farmrun's peak RSS was \(peakKB) KB for 2 GB of job output")
        #expect(try scalar(db, "SELECT failure FROM farm_task WHERE json_extract(params, '$.stream') = 1") == "output")
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE json_extract(params, '$.stream') = 2 AND length(stderr_tail) <= 4096") == 1)
    }
}
