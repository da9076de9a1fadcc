import Foundation
import GRDB
import Logging
@testable import Farm

/// A fresh folder per test, removed at the end.
final class TemporaryFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "farm-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The outcome of running a real child process.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Binaries {
    /// The folder holding the built `dbtool` and `farmrun` (beside the test bundle).
    static let folder: String = {
        if let override = ProcessInfo.processInfo.environment["FARM_BIN_DIR"] { return override }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("dbtool").path) { return url.path }
            url = url.deletingLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath + "/.build/debug"
    }()

    static var dbtool: String { folder + "/dbtool" }
    static var farmrun: String { folder + "/farmrun" }
}

/// Runs `argv` with `stdin` and waits for it.
@discardableResult
func runProcess(_ argv: [String], stdin: String? = nil, environment: [String: String] = [:], inDirectory directory: String? = nil) throws -> ProcessResult {
    let process = Process()
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.executableURL = URL(fileURLWithPath: argv[0].contains("/") ? argv[0] : "/usr/bin/env")
    process.arguments = argv[0].contains("/") ? Array(argv.dropFirst()) : argv
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Read both pipes concurrently so neither fills up.
    let group = DispatchGroup()
    nonisolated(unsafe) var stdoutData = Data()
    nonisolated(unsafe) var stderrData = Data()
    DispatchQueue.global().async(group: group) { stdoutData = out.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: group) { stderrData = err.fileHandleForReading.readDataToEndOfFile() }
    group.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                         stderr: String(decoding: stderrData, as: UTF8.self))
}

@discardableResult
func dbtool(_ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
    try runProcess([Binaries.dbtool] + arguments, stdin: stdin)
}

/// Reads a scalar from a database with a plain connection.
func scalar<T: DatabaseValueConvertible>(_ path: String, _ sql: String) throws -> T? {
    var configuration = Configuration()
    configuration.busyMode = .timeout(30)  // a farm may be writing it right now
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    return try queue.read { try T.fetchOne($0, sql: sql) }
}

/// Waits until `condition` holds: a file, the ledger or a process, never a guess at how long
/// something takes. `timeout` only bounds a hang (then the test fails, naming `what`).
func waitFor(_ what: String, timeout: Double, _ condition: () throws -> Bool) async throws {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while try !condition() {
        guard Date() < deadline else { throw WaitTimeout(description: "gave up waiting for \(what) after \(Int(timeout)) s") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

struct WaitTimeout: Error, CustomStringConvertible {
    var description: String
}

func fileBytes(_ path: String) -> Data? {
    FileManager.default.contents(atPath: path)
}

/// Processes whose command line contains `marker` (to prove none are left).
func processes(containing marker: String) -> [pid_t] {
    pids(containing: marker)
}

/// Waits until no process's command line contains `marker`. A SIGKILLed group's processes end a moment
/// after the signal (the kernel tears them down asynchronously), so "none left" is a state to wait for;
/// the bound is far below the jobs' own 300 s, so a process farm failed to kill still fails the test.
func waitUntilNoProcess(containing marker: String, timeout: Double = 30) async throws {
    try await waitFor("every process of \(marker) to end", timeout: timeout) { processes(containing: marker).isEmpty }
}

/// A small Python job for tests, written into `folder`.
func writeJob(_ folder: TemporaryFolder, _ source: String, name: String = "job.py") -> String {
    let path = folder.file(name)
    try! source.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Runs a farm on a thread of its own and waits for its exit status.
///
/// `FarmLauncher.run` blocks its caller while jobs run on Swift's cooperative
/// pool; calling it from a test's pool thread could starve that pool (tests
/// run in parallel on 2 cores), so the test awaits it instead.
func runFarm(_ configuration: RunConfiguration, logger: Logger = Logger(label: "test")) async -> Int32 {
    await withCheckedContinuation { continuation in
        let thread = Thread {
            continuation.resume(returning: FarmLauncher.run(configuration, logger: logger))
        }
        thread.stackSize = 4 << 20
        thread.start()
    }
}

/// The tests' own Python with pinned packages (pandas, …), made by `scripts/test-venv.sh`.
enum TestPython {
    static var path: String { Slurm.repository + "/.build/test-venv/bin/python3" }
    static var available: Bool { FileManager.default.isExecutableFile(atPath: path) }
}
