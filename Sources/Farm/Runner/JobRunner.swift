import Dispatch
import Foundation
import Subprocess
import Synchronization
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs one task's command as a child process and says how it ended.
///
/// The job is started from its argv (never a shell) in a new session with
/// stdin on /dev/null. Its stdout is collected (bounded) and must be one JSON
/// object (or, in a fidelity sweep, a stream of report lines read as they
/// come); a tail of stderr is kept. At its timeout, or when told to abort,
/// the whole process group gets SIGTERM, then SIGKILL after `killGrace`; a
/// background child left behind by a job that exited is killed too, so no
/// process of a finished task keeps running.
///
/// `run` is synchronous so the MPI worker loop stays on one thread; the child
/// is driven by swift-subprocess on the concurrency pool meanwhile.
package struct JobRunner: Sendable {
    package var host: String
    package var rank: Int
    /// Seconds between SIGTERM and SIGKILL when a job is stopped.
    package var killGrace: Double
    /// The most stdout kept; more is a failed task.
    package var stdoutLimit: Int
    /// How much of stderr's end is kept.
    package var stderrTailBytes: Int
    /// How much of a bad stdout is kept in the ledger.
    package var stdoutHeadBytes: Int
    /// Kills this worker's jobs if the worker dies without stopping them (nil: no guard).
    package var orphanGuard: OrphanGuard?
    /// `farm-pin`, through which a job with CPUs of its own starts pinned to them (nil: jobs are not pinned).
    package var pinHelper: String?
    /// This process's environment, read once: each job gets it plus its own variables.
    /// (swift-subprocess's `.inherit` parses `environ` into a dictionary at every spawn,
    /// twice for a program found through PATH: a tenth of the spawning threads' time.)
    let inheritedEnvironment: [Environment.Key: String]
    /// The same, keyed by plain names: a warm Python's start environment, per task.
    let inheritedVariables: [String: String]

    package init(host: String, rank: Int, killGrace: Double = 5, stdoutLimit: Int = 64 << 20,
                stderrTailBytes: Int = 4096, stdoutHeadBytes: Int = 1024) {
        self.host = host
        self.rank = rank
        self.killGrace = killGrace
        self.stdoutLimit = stdoutLimit
        self.stderrTailBytes = stderrTailBytes
        self.stdoutHeadBytes = stdoutHeadBytes
        let environment = ProcessInfo.processInfo.environment
        // Room for a job's own variables (FARM_…, threads, devices), so adding them never rehashes.
        var inherited = [Environment.Key: String](minimumCapacity: environment.count + 24)
        for (key, value) in environment { inherited[Environment.Key(stringLiteral: key)] = value }
        self.inheritedEnvironment = inherited
        self.inheritedVariables = environment
    }

    /// Runs `assignment`; `shouldAbort` is asked every few milliseconds and a
    /// `true` stops the job (recorded as interrupted). With the assignment's
    /// `reportKey`, the job's reports go to `reports` as they are printed.
    /// A `warm` interpreter (the slot's) runs a Python job of a sweep with `preload:` by forking
    /// it from a Python that has imported those modules; otherwise (or when it cannot) the job
    /// is spawned.
    package func run(_ assignment: TaskAssignment, warm: WarmInterpreter? = nil, reports: ReportSink? = nil, shouldAbort: () -> Bool) -> TaskOutcome {
        var note: String?
        if let warm, let preload = assignment.preload, let command = PythonCommand(argv: assignment.argv) {
            switch runWarm(assignment, command: command, preload: preload, on: warm, reports: reports, shouldAbort: shouldAbort) {
            case .ran(let outcome): return outcome
            case .cold(let why): note = why
            }
        }
        var outcome = runCold(assignment, reports: reports, shouldAbort: shouldAbort)
        outcome.note = note
        return outcome
    }

    private func runCold(_ assignment: TaskAssignment, reports: ReportSink?, shouldAbort: () -> Bool) -> TaskOutcome {
        let done = DispatchSemaphore(value: 0)
        // A report wakes the loop at once, so it reaches the coordinator (and a prune comes back) without a poll's wait.
        let wake = DispatchSemaphore(value: 0)
        let box = OutcomeBox()
        let control = JobControl()
        let runner = self
        reports?.onPut { wake.signal() }
        Task.detached {
            box.outcome = await runner.runAsync(assignment, reports: reports, control: control)
            done.signal()
            wake.signal()
        }
        while done.wait(timeout: .now()) == .timedOut {
            _ = wake.wait(timeout: .now() + .milliseconds(5))
            if !control.aborted && shouldAbort() { control.abort() }
        }
        return box.outcome!
    }

    private func runAsync(_ a: TaskAssignment, reports: ReportSink?, control: JobControl) async -> TaskOutcome {
        let startedAt = Date().timeIntervalSince1970
        let clock = ContinuousClock()
        let start = clock.now
        var outcome = TaskOutcome(taskID: a.taskID, status: .failed(.spawn, message: ""), startedAt: startedAt, host: host, rank: rank)
        guard let program = a.argv.first, !program.isEmpty else {
            outcome.status = .failed(.spawn, message: "the command is empty")
            return outcome
        }
        if let failure = Self.makeTaskFolder(a) {
            outcome.status = failure
            return outcome
        }
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [.send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(Int(killGrace * 1000)))]
        var environment = inheritedEnvironment
        for (k, v) in a.environment { environment[Environment.Key(stringLiteral: k)] = v }
        var executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        var arguments = Array(a.argv.dropFirst())
        if let job = a.resources {
            let inherited = inheritedEnvironment
            for (k, v) in job.environment(inherited: { inherited[Environment.Key(stringLiteral: $0)] }, assigned: a.environment) {
                environment[Environment.Key(stringLiteral: k)] = v
            }
            if job.pin, let pinHelper {
                // farm-pin sets the affinity and execs the job: find the program first, so a missing one fails as a spawn.
                let path = a.environment["PATH"] ?? inherited[Environment.Key(stringLiteral: "PATH")] ?? "/usr/bin:/bin"
                switch ProgramLookup.find(program, path: path) {
                case .found(let resolved):
                    executable = .path(FilePath(pinHelper))
                    arguments = [CPUList.text(job.cpus), resolved] + arguments
                case .missing(let reason):
                    outcome.status = .failed(.spawn, message: "cannot start \(program): \(reason)")
                    return outcome
                }
            }
        }
        let deadline: ContinuousClock.Instant? = a.timeout > 0 ? start + .milliseconds(Int64(a.timeout * 1000)) : nil
        let limits = (stdout: stdoutLimit, stderr: stderrTailBytes)
        let grace = killGrace
        let orphanGuard = self.orphanGuard
        let reportLines = a.reportKey.map { ReportLines(key: $0, sink: reports ?? ReportSink()) }
        let watchInterval = a.reportKey == nil ? 50 : 2
        do {
            let result = try await Subprocess.run(
                executable, arguments: Arguments(arguments),
                environment: .custom(environment), platformOptions: options,
                input: .none, output: .sequence, error: .sequence
            ) { execution -> Captured in
                let pid = execution.processIdentifier.value
                orphanGuard?.started(pid)
                return await withTaskGroup(of: Captured.Part.self) { group in
                    group.addTask {
                        var capture = BoundedCapture(limit: limits.stdout)
                        var lines = reportLines
                        do {
                            for try await chunk in execution.standardOutput {
                                chunk.withUnsafeBytes {
                                    capture.append($0)
                                    lines?.append($0)
                                }
                            }
                        } catch {}
                        lines?.finish()
                        return .stdout(capture)
                    }
                    group.addTask {
                        var capture = TailCapture(capacity: limits.stderr)
                        do { for try await chunk in execution.standardError { chunk.withUnsafeBytes { capture.append($0) } } } catch {}
                        return .stderr(capture)
                    }
                    group.addTask {
                        .stop(await Watchdog.watch(pid: pid, deadline: deadline, control: control, maxInterval: watchInterval) { reason in
                            await execution.teardown(using: [
                                .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(Int(grace * 1000))),
                            ])
                            _ = reason
                        })
                    }
                    var captured = Captured()
                    var streamsOpen = 2
                    while let part = await group.next() {
                        switch part {
                        case .stdout(let c): captured.stdout = c; streamsOpen -= 1
                        case .stderr(let c): captured.stderr = c; streamsOpen -= 1
                        case .stop(let reason): captured.stop = reason
                        case .exited(let usage): captured.usage = usage; group.cancelAll()
                        }
                        if streamsOpen == 0 {
                            // Output is over: read the job's CPU time and peak memory once it has
                            // exited (the watchdog still enforces the timeout meanwhile).
                            streamsOpen = -1
                            if let usage = ChildUsage.ofExited(pid) {  // the usual case: it has already exited
                                captured.usage = usage
                                group.cancelAll()
                            } else {
                                group.addTask { .exited(await ChildUsage.awaitExit(of: pid)) }
                            }
                        }
                    }
                    return captured
                }
            }
            let pid = result.processIdentifier.value
            // Whatever of the job's process group is still alive (a background child) goes now.
            kill(-pid, SIGKILL)
            orphanGuard?.ended(pid)
            finish(&outcome, a, status: result.terminationStatus, captured: result.closureResult, wallSeconds: Double((clock.now - start) / .milliseconds(1)) / 1000)
        } catch {
            outcome.wallSeconds = Double((clock.now - start) / .milliseconds(1)) / 1000
            outcome.status = .failed(.spawn, message: "cannot start \(program): \(JobRunner.describeSpawnError(error, program: program))")
        }
        return outcome
    }
}

/// What the job wrote and why (if at all) farm stopped it.
struct Captured: Sendable {
    enum Part: Sendable {
        case stdout(BoundedCapture)
        case stderr(TailCapture)
        case stop(Watchdog.StopReason?)
        case exited(ChildUsage?)
    }

    var stdout = BoundedCapture(limit: 0)
    var stderr = TailCapture(capacity: 0)
    var stop: Watchdog.StopReason?
    var usage: ChildUsage?
}

/// Where the job's task leaves its outcome for the worker's thread.
final class OutcomeBox: Sendable {
    private let value = Mutex<TaskOutcome?>(nil)

    var outcome: TaskOutcome? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// A switch the worker's thread flips to stop a running job.
final class JobControl: Sendable {
    private let flag = Atomic<Bool>(false)

    var aborted: Bool { flag.load(ordering: .acquiring) }

    func abort() {
        flag.store(true, ordering: .releasing)
    }
}
