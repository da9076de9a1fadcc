import Foundation

/// A child process started in the background, for tests that kill things.
final class BackgroundProcess {
    let process = Process()
    private let output: FileHandle
    let logPath: String

    /// Starts `argv` with stdout and stderr going to `logPath`.
    init(_ argv: [String], logPath: String, environment: [String: String] = [:]) throws {
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        output = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        output.seekToEndOfFile()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits for the process to end (polling, so no thread is parked forever) and returns its status.
    func wait(timeout: Double = 600) async -> Int32? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while process.isRunning {
            if Date() > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        try? output.close()
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

/// The pids of processes whose command line contains `marker`, except this test process.
func pids(containing marker: String) -> [pid_t] {
    let own = getpid()
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> pid_t? in
        guard let pid = pid_t(entry), pid != own,
              let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        let cmdline = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
        return cmdline.contains(marker) ? pid : nil
    }
}

/// A small seeded generator (SplitMix64), so a failing random test replays from its printed seed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// The seed from `FARM_TEST_SEED`, or a new one; printed either way.
    static func fromEnvironment(_ label: String) -> SeededRandom {
        let seed = ProcessInfo.processInfo.environment["FARM_TEST_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64(UInt32.max))
        print("\(label): seed \(seed) (replay with FARM_TEST_SEED=\(seed))")
        return SeededRandom(seed: seed)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum MPI {
    /// `mpirun` as tests run it: as root if need be, oversubscribed, quiet about both.
    static func command(ranks: Int, _ arguments: [String]) -> [String] {
        ["/usr/bin/mpirun", "--oversubscribe", "--allow-run-as-root", "-n", String(ranks)] + arguments
    }

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/mpirun") }
}
