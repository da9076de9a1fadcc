import Foundation

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
/// `run` is synchronous and follows the job on the calling thread (the slot's:
/// see `JobProcess` and `JobFollower`), so the MPI worker loop stays on one thread.
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
    /// This process's environment, read once: each job gets it plus its own variables
    /// (and a warm Python starts with it).
    var inheritedVariables: [String: String] { inherited.variables }
    private let inherited: InheritedEnvironment

    package init(host: String, rank: Int, killGrace: Double = 5, stdoutLimit: Int = 64 << 20,
                stderrTailBytes: Int = 4096, stdoutHeadBytes: Int = 1024) {
        self.host = host
        self.rank = rank
        self.killGrace = killGrace
        self.stdoutLimit = stdoutLimit
        self.stderrTailBytes = stderrTailBytes
        self.stdoutHeadBytes = stdoutHeadBytes
        self.inherited = InheritedEnvironment(ProcessInfo.processInfo.environment)
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

    private func runCold(_ a: TaskAssignment, reports: ReportSink?, shouldAbort: () -> Bool) -> TaskOutcome {
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
        // The job's own variables, put over the inherited ones at the spawn.
        var own = a.environment
        var argv = a.argv
        if let job = a.resources {
            let variables = inheritedVariables
            own.merge(job.environment(inherited: { variables[$0] }, assigned: a.environment)) { _, job in job }
        }
        // The program is found on the job's own PATH, as execvp would in the job.
        let path: String
        switch ProgramLookup.find(program, path: own["PATH"] ?? inheritedVariables["PATH"] ?? "/usr/bin:/bin") {
        case .found(let resolved): path = resolved
        case .missing(let reason):
            outcome.status = .failed(.spawn, message: "cannot start \(program): \(reason)")
            return outcome
        }
        var executable = path
        if let job = a.resources, job.pin, let pinHelper {
            // farm-pin sets the affinity and execs the job.
            executable = pinHelper
            argv = [pinHelper, CPUList.text(job.cpus), path] + argv.dropFirst()
        }
        let job: JobProcess
        switch JobProcess.start(path: executable, argv: argv, environment: inherited, overriding: own) {
        case .success(let started): job = started
        case .failure(let failure):
            outcome.wallSeconds = Double((clock.now - start) / .milliseconds(1)) / 1000
            outcome.status = .failed(.spawn, message: "cannot start \(program): \(failure.reason)")
            return outcome
        }
        orphanGuard?.started(job.pid)
        let follower = JobFollower(pid: job.pid, stdout: job.stdout, stderr: job.stderr, killGrace: killGrace,
                                   stdoutLimit: stdoutLimit, stderrTailBytes: stderrTailBytes)
        var captured = follower.follow(timeout: a.timeout, reportKey: a.reportKey, reports: reports,
                                       endDescriptor: job.exitDescriptor, ended: { job.hasExited }, shouldAbort: shouldAbort)
        let ended = job.reap()
        job.closeDescriptors()
        orphanGuard?.ended(job.pid)
        captured.usage = ended.usage
        finish(&outcome, a, status: ended.exit, captured: captured, wallSeconds: Double((clock.now - start) / .milliseconds(1)) / 1000)
        return outcome
    }
}

/// What the job wrote and why (if at all) farm stopped it.
struct Captured: Sendable {
    var stdout = BoundedCapture(limit: 0)
    var stderr = TailCapture(capacity: 0)
    var stop: JobFollower.StopReason?
    var usage: ChildUsage?
}
