import CLinux
import Foundation

/// A Python job forked from the slot's warm interpreter rather than spawned: the same outcome
/// (output, stderr tail, exit or signal, timeout, abort, usage, failure classes) from the same
/// contract: its own session, its whole group killed at its timeout and when it ends (a child
/// it left behind), the orphan guard told. Followed on the slot's thread by the same
/// `JobFollower` as a spawned job.
extension JobRunner {
    enum WarmRun {
        case ran(TaskOutcome)
        /// Spawn it instead; the text, if any, is for rank 0's log.
        case cold(String?)
    }

    func runWarm(_ a: TaskAssignment, command: PythonCommand, preload: PreloadSpec, on warm: WarmInterpreter,
                 reports: ReportSink?, shouldAbort: () -> Bool) -> WarmRun {
        let startedAt = Date().timeIntervalSince1970
        let clock = ContinuousClock()
        let start = clock.now
        var outcome = TaskOutcome(taskID: a.taskID, status: .failed(.spawn, message: ""), startedAt: startedAt, host: host, rank: rank)
        if let failure = Self.makeTaskFolder(a) {
            outcome.status = failure
            return .ran(outcome)
        }
        // The interpreter starts with the variables that shape an interpreter (PYTHONPATH, PATH, a venv):
        // tasks that differ in those need another one. Every other variable is set in each task.
        let sweepEnvironment = a.environment.filter { Self.shapesInterpreter($0.key) }
        var startEnvironment = inheritedVariables
        startEnvironment.merge(sweepEnvironment) { _, sweep in sweep }
        let server: WarmInterpreter.Server
        switch warm.server(for: command, preload: preload, environment: startEnvironment, sweepEnvironment: sweepEnvironment, shouldAbort: shouldAbort) {
        case .ready(let ready): server = ready
        case .cold(let note): return .cold(note)
        case .aborted:
            outcome.status = .failed(.interrupted, message: "stopped by farm's shutdown before it started")
            return .ran(outcome)
        }
        var taskEnvironment = startEnvironment
        taskEnvironment.merge(a.environment) { _, task in task }
        var cpus: [Int]?
        if let job = a.resources {
            let inherited = startEnvironment
            taskEnvironment.merge(job.environment(inherited: { inherited[$0] }, assigned: a.environment)) { _, job in job }
            if job.pin { cpus = job.cpus }
        }
        var request: [(key: String, value: JSONValue)] = [
            ("argv", .array(command.taskArgv.map { .string($0) })),
            ("module", .bool({ if case .module = command.target { true } else { false } }())),
            ("cwd", .string(FileManager.default.currentDirectoryPath)),
            ("set", .object(taskEnvironment.filter { server.environment[$0.key] != $0.value }.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("unset", .array(server.environment.keys.filter { taskEnvironment[$0] == nil }.sorted().map { .string($0) })),
        ]
        if let cpus { request.append(("cpus", .array(cpus.map { .integer(Int64($0)) }))) }
        var stdoutPipe: [Int32] = [0, 0], stderrPipe: [Int32] = [0, 0]
        guard farm_pipe_cloexec(&stdoutPipe) == 0 else { return .cold(nil) }
        guard farm_pipe_cloexec(&stderrPipe) == 0 else {
            close(stdoutPipe[0]); close(stdoutPipe[1])
            return .cold(nil)
        }
        let sent = server.channel.send(.object(request), descriptors: [stdoutPipe[1], stderrPipe[1]])
        close(stdoutPipe[1]); close(stderrPipe[1])
        defer { close(stdoutPipe[0]); close(stderrPipe[0]) }
        // The server forks and answers once the child has its own session.
        var answer: [(key: String, value: JSONValue)]?
        while sent, answer == nil, !server.channel.closed {
            answer = server.channel.receive(timeout: 0.05)
        }
        guard let answer, let childPID = answer.integer("started") else {
            if let error = answer?.text("error") {
                outcome.status = .failed(.spawn, message: "cannot start \(command.taskArgv[0]) in the warm Python: \(error)")
                return .ran(outcome)
            }
            warm.died(server)
            return .cold(nil)  // the server is gone before the task began: spawn this one
        }
        let pid = pid_t(childPID)
        orphanGuard?.started(pid)
        var exit: [(key: String, value: JSONValue)]?
        let follower = JobFollower(pid: pid, stdout: stdoutPipe[0], stderr: stderrPipe[0], killGrace: killGrace,
                                   stdoutLimit: stdoutLimit, stderrTailBytes: stderrTailBytes)
        var captured = follower.follow(timeout: a.timeout, reportKey: a.reportKey, reports: reports, endDescriptor: server.channel.fd, ended: {
            // The server's report may already be read (it can come in one read with "started"): look for a
            // whole frame every time round, not only when the socket polls readable.
            if let frame = server.channel.receive(timeout: 0), frame.integer("exited") != nil { exit = frame }
            return exit != nil || server.channel.closed
        }, shouldAbort: shouldAbort)
        kill(-pid, SIGKILL)  // whatever of its group still runs (a background child) goes now
        orphanGuard?.ended(pid)
        let wall = Double((clock.now - start) / .milliseconds(1)) / 1000
        guard let exit else {
            warm.died(server)
            outcome.wallSeconds = wall
            outcome.stderrTail = captured.stderr.text
            outcome.status = .failed(.interrupted, message: "the warm Python that ran it died; it runs again")
            return .ran(outcome)
        }
        captured.usage = ChildUsage(cpuSeconds: exit.number("cpu") ?? 0, maxRSSKiB: exit.integer("maxrss") ?? 0)
        let status: JobExit = exit.integer("signal").map { .signaled(Int32($0)) } ?? .exited(Int32(exit.integer("code") ?? 0))
        finish(&outcome, a, status: status, captured: captured, wallSeconds: wall)
        warm.finished(on: server, preload: preload, residentKiB: exit.integer("rss"))
        return .ran(outcome)
    }

    /// Whether a variable of the sweep's `env:` is read when an interpreter starts (or by slurm/job.sh).
    static func shapesInterpreter(_ name: String) -> Bool {
        name.hasPrefix("PYTHON") || ["PATH", "LD_LIBRARY_PATH", "LD_PRELOAD", "VIRTUAL_ENV", "CONDA_PREFIX", "HOME"].contains(name)
    }
}
