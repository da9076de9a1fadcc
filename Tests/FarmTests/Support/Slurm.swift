import Foundation
import Testing

/// The local Slurm cluster of `slurm/local-cluster.sh`, as tests reach it.
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

    /// Submits `slurm/farm.sbatch` with `sbatchOptions` and farmrun's `arguments`; returns the job id.
    static func submit(_ sbatchOptions: [String], _ arguments: [String], in folder: String,
                       environment extra: [String: String] = [:]) throws -> String {
        var env = environment
        for (k, v) in extra { env[k] = v }
        let r = try runProcess(["/usr/bin/env", "-C", folder, "sbatch", "--parsable"] + sbatchOptions
                               + [repository + "/slurm/farm.sbatch"] + arguments, environment: env)
        guard r.status == 0 else { throw SlurmTestError("sbatch failed: \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
    }

    /// Job ids still pending, running or completing under this job name; nil when
    /// squeue did not answer (a busy slurmctld), which is no answer at all.
    static func activeJobs(named name: String) throws -> [String]? {
        let r = try runProcess(["squeue", "-h", "-n", name, "-o", "%i"])
        guard r.status == 0 else { return nil }
        return r.stdout.split(separator: "\n").map(String.init)
    }

    /// Waits until no job of this name is queued or running.
    static func waitForChain(named name: String, timeout: Double) async throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while try activeJobs(named: name)?.isEmpty != true {
            guard Date() < deadline else { throw SlurmTestError("jobs named \(name) still queued after \(Int(timeout))s") }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Waits until no job of this name is queued and every batch log in `folder`
    /// (`farm-*.out`) has farm.sbatch's last line: squeue alone can miss a job
    /// for a moment when slurmctld is busy.
    static func waitForChainAndLogs(named name: String, in folder: String, timeout: Double) async throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            try await waitForChain(named: name, timeout: max(1, deadline.timeIntervalSinceNow))
            let logs = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("farm-") && $0.hasSuffix(".out") }
            let ended = logs.allSatisfy { log in
                ((try? String(contentsOfFile: folder + "/" + log, encoding: .utf8)) ?? "").contains("farmrun exited with status")
            }
            if ended, try activeJobs(named: name)?.isEmpty == true { return }
            guard Date() < deadline else { throw SlurmTestError("batch logs in \(folder) did not end within \(Int(timeout))s") }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Waits until job `id` is running.
    static func waitUntilRunning(_ id: String, timeout: Double = 60) async throws {
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
