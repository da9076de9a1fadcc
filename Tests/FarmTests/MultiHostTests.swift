import Foundation
import Testing

/// farm across three test hosts made of network namespaces (Tests/cluster):
/// under mpirun, the coordinator on fh1, workers on fh2 and fh3 over TCP,
/// every process of fh3 killed mid-run, a resume, one row per task; and under
/// a Slurm of one slurmd per host, `sbatch -N 3` with `srun --mpi=pmix`.
@Suite(.serialized, .enabled(if: MPI.available && TestHosts.available, "needs root, iproute2 and mpirun (network namespaces)"))
struct MultiHostTests {
    @Test func sweepAcrossThreeHostsSurvivesLosingAWorkerHost() throws {
        let script = FileManager.default.currentDirectoryPath + "/Tests/cluster/multihost-farm.sh"
        let r = try runProcess(["/bin/bash", script, "1000"], environment: ["FARM_BIN": Binaries.folder])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("results: 1000 rows, 1000 distinct task ids, 1000 of 1000 done"), "\(r.stdout)")
        #expect(r.stdout.contains("MPI ok: 7 rank(s) on 3 host(s)"), "\(r.stdout)")
        #expect(r.stdout.contains("integrity: ok"))
        #expect(r.stdout.hasSuffix("multihost: ok\n"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/slurmctld"), "needs Slurm (scripts/install-deps.sh --slurm)"))
    func sbatchOverThreeHostsSpreadsRanksOverEveryHost() throws {
        let script = FileManager.default.currentDirectoryPath + "/Tests/cluster/multihost-slurm.sh"
        let r = try runProcess(["/bin/bash", script, "300"], environment: ["FARM_BIN": Binaries.folder])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("MPI ok: 7 rank(s) on 3 host(s)"), "\(r.stdout)")
        #expect(r.stdout.contains("results: 300 rows, 300 distinct task ids"), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("multihost-slurm: ok\n"))
    }
}

/// Whether this machine can make test hosts (root, `ip netns`).
enum TestHosts {
    static let available: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip"),
              ProcessInfo.processInfo.environment["FARM_SKIP_MULTIHOST"] == nil else { return false }
        let name = "farm-probe-\(getpid())"
        guard let add = try? runProcess(["ip", "netns", "add", name]), add.status == 0 else { return false }
        _ = try? runProcess(["ip", "netns", "del", name])
        return true
    }()
}
