import CLinux
import Foundation
import Subprocess

/// A Python job forked from the slot's warm interpreter rather than spawned: the same outcome
/// (output, stderr tail, exit or signal, timeout, abort, usage, failure classes) from the same
/// contract: its own session, its whole group killed at its timeout and when it ends (a child
/// it left behind), the orphan guard told. Driven on the slot's thread with poll(2).
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
        let ended = followWarmJob(pid: pid, a, channel: server.channel, stdout: stdoutPipe[0], stderr: stderrPipe[0],
                                  reports: reports, shouldAbort: shouldAbort)
        kill(-pid, SIGKILL)  // whatever of its group still runs (a background child) goes now
        orphanGuard?.ended(pid)
        let wall = Double((clock.now - start) / .milliseconds(1)) / 1000
        guard let exit = ended.exit else {
            warm.died(server)
            outcome.wallSeconds = wall
            outcome.stderrTail = ended.captured.stderr.text
            outcome.status = .failed(.interrupted, message: "the warm Python that ran it died; it runs again")
            return .ran(outcome)
        }
        var captured = ended.captured
        captured.usage = ChildUsage(cpuSeconds: exit.number("cpu") ?? 0, maxRSSKiB: exit.integer("maxrss") ?? 0)
        let status: TerminationStatus = exit.integer("signal").map { .signaled(Int32($0)) } ?? .exited(Int32(exit.integer("code") ?? 0))
        finish(&outcome, a, status: status, captured: captured, wallSeconds: wall)
        warm.finished(on: server, preload: preload, residentKiB: exit.integer("rss"))
        return .ran(outcome)
    }

    /// Whether a variable of the sweep's `env:` is read when an interpreter starts (or by slurm/job.sh).
    static func shapesInterpreter(_ name: String) -> Bool {
        name.hasPrefix("PYTHON") || ["PATH", "LD_LIBRARY_PATH", "LD_PRELOAD", "VIRTUAL_ENV", "CONDA_PREFIX", "HOME"].contains(name)
    }

    /// Reads the job's output until both pipes close and the server has said how it ended (nil
    /// `exit`: the server died first), stopping it at its timeout or when told to.
    private func followWarmJob(pid: pid_t, _ a: TaskAssignment, channel: WarmChannel, stdout: Int32, stderr: Int32,
                               reports: ReportSink?, shouldAbort: () -> Bool) -> (captured: Captured, exit: [(key: String, value: JSONValue)]?) {
        var captured = Captured(stdout: BoundedCapture(limit: stdoutLimit), stderr: TailCapture(capacity: stderrTailBytes))
        var lines = a.reportKey.map { ReportLines(key: $0, sink: reports ?? ReportSink()) }
        let clock = ContinuousClock()
        let deadline = a.timeout > 0 ? clock.now + .milliseconds(Int64(a.timeout * 1000)) : nil
        var killAt: ContinuousClock.Instant?
        var open = (stdout: true, stderr: true)
        var exit: [(key: String, value: JSONValue)]?
        var chunk = [UInt8](repeating: 0, count: 65536)
        while open.stdout || open.stderr || (exit == nil && !channel.closed) {
            var watched = [pollfd]()
            if open.stdout { watched.append(pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)) }
            if open.stderr { watched.append(pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)) }
            if exit == nil && !channel.closed { watched.append(pollfd(fd: channel.fd, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&watched, nfds_t(watched.count), 5)
            // The server's report may already be read (it can come in one read with "started"): look for a
            // whole frame every time round, not only when the socket polls readable.
            if exit == nil {
                if let frame = channel.receive(timeout: 0), frame.integer("exited") != nil {
                    exit = frame
                    kill(-pid, SIGKILL)  // it is over; a background child would hold the pipes open
                }
                if channel.closed && exit == nil { kill(-pid, SIGKILL) }
            }
            for entry in watched where entry.revents != 0 && entry.fd != channel.fd {
                let n = chunk.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    if entry.fd == stdout { open.stdout = false } else { open.stderr = false }
                    continue
                }
                chunk.withUnsafeBytes { bytes in
                    let part = UnsafeRawBufferPointer(rebasing: bytes[0..<n])
                    if entry.fd == stdout {
                        captured.stdout.append(part)
                        lines?.append(part)
                    } else {
                        captured.stderr.append(part)
                    }
                }
            }
            if captured.stop == nil {
                if shouldAbort() {
                    captured.stop = .aborted
                } else if let deadline, clock.now >= deadline {
                    captured.stop = .timedOut
                }
                if captured.stop != nil {
                    kill(-pid, SIGTERM)
                    killAt = clock.now + .milliseconds(Int64(killGrace * 1000))
                }
            } else if let due = killAt, clock.now >= due {
                kill(-pid, SIGKILL)
                killAt = nil
            }
        }
        lines?.finish()
        return (captured, exit)
    }
}
