import Foundation
import Testing

/// The local Slurm cluster of `Tests/cluster/local-cluster.sh`, as tests reach it.
enum Slurm {
    /// The cluster's config (from `SLURM_CONF`, set by scripts/test.sh).
    static var conf: String? { ProcessInfo.processInfo.environment["SLURM_CONF"] }

    /// Whether Slurm tests run: a cluster is configured and sbatch exists.
    /// With FARM_REQUIRE_SLURM=1 (CI) they run regardless, and fail loudly if it is missing.
    static var available: Bool {
        if ProcessInfo.processInfo.environment["FARM_REQUIRE_SLURM"] == "1" { return true }
        guard let conf else { return false }
        return FileManager.default.fileExists(atPath: conf) && FileManager.default.isExecutableFile(atPath: "/usr/bin/sbatch")
    }

    /// The repository's top folder (for slurm/farm.sbatch).
    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The environment sbatch exports to the job: farmrun on PATH.
    static var environment: [String: String] {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return ["PATH": Binaries.folder + ":" + path, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"]
    }

    /// Submits `slurm/farm.sbatch` with `sbatchOptions` and farmrun's `arguments`, through plain
    /// `sbatch` or, with `replayed`, through `slurm/submit` (which records the line for resubmissions);
    /// returns the job id.
    static func submit(_ sbatchOptions: [String], _ arguments: [String], in folder: String,
                       environment extra: [String: String] = [:], replayed: Bool = false) throws -> String {
        var env = environment
        for (k, v) in extra { env[k] = v }
        let submitter = replayed ? [repository + "/slurm/submit"] : ["sbatch"]
        let r = try runProcess(["/usr/bin/env", "-C", folder] + submitter + ["--parsable"] + sbatchOptions
                               + [repository + "/slurm/farm.sbatch"] + arguments, environment: env)
        guard r.status == 0 else { throw SlurmTestError("sbatch failed: \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
    }

    /// The log of job `id` in `folder` (farm.sbatch's `farm-%j.out`).
    static func log(of id: String, in folder: String) -> String {
        (try? String(contentsOfFile: "\(folder)/farm-\(id).out", encoding: .utf8)) ?? ""
    }

    /// Follows a chain of batch jobs through their logs (`farm-ID.out` in
    /// `folder`): waits until job `first`'s log has farm.sbatch's last line, then
    /// for the job it says it resubmitted, and so on; returns the chain's ids.
    /// Logs, not squeue, decide: a busy slurmctld can leave a job out of squeue.
    @discardableResult
    static func waitForChain(from first: String, in folder: String, timeout: Double) async throws -> [String] {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var chain = [first]
        while let job = chain.last {
            let read = { (try? String(contentsOfFile: "\(folder)/farm-\(job).out", encoding: .utf8)) ?? "" }
            let log = read()
            if log.contains("farmrun exited with status"), try await ended(job) {
                // The job is gone, so its log is complete: did it resubmit itself?
                let complete = read()
                guard let range = complete.range(of: "resubmitted as job ") else { return chain }
                chain.append(String(complete[range.upperBound...].prefix { $0.isNumber }))
                continue
            }
            let state = try runProcess(["scontrol", "show", "job", "-o", job]).stdout
            if state.contains("JobState=FAILED") || state.contains("JobState=CANCELLED") {
                // The job may have written its last line and ended after the log was read above
                // (a job that exits 75 to be resubmitted is FAILED to Slurm): read it again.
                let final = read()
                if final.contains("farmrun exited with status") { continue }
                throw SlurmTestError("job \(job) of the chain ended without finishing its log: \(state.prefix(300)) \(final)")
            }
            guard Date() < deadline else { throw SlurmTestError("the chain from job \(first) did not end within \(Int(timeout))s: \(chain)") }
            try await Task.sleep(for: .milliseconds(500))
        }
        return chain
    }

    /// Whether job `id` has left the queue (its batch script wrote its last line a moment ago).
    private static func ended(_ id: String) async throws -> Bool {
        for _ in 0..<120 {
            let r = try runProcess(["squeue", "-h", "-j", id, "-o", "%T"])
            if r.status == 0, r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return true }
            try await Task.sleep(for: .milliseconds(500))
        }
        return false
    }

    /// Waits until job `id` is running.
    static func waitUntilRunning(_ id: String, timeout: Double = 600) async throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            let state = try runProcess(["squeue", "-h", "-j", id, "-o", "%T"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if state == "RUNNING" { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw SlurmTestError("job \(id) did not start within \(Int(timeout))s")
    }
}

struct SlurmTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
