import Foundation

/// What a finished job's exit, output and usage make of its outcome, the same for a spawned job
/// and one forked from a warm Python.
extension JobRunner {
    /// Fills `outcome` from how the job ended and what it wrote.
    func finish(_ outcome: inout TaskOutcome, _ a: TaskAssignment, status: JobExit, captured: Captured, wallSeconds: Double) {
        if let job = a.resources {
            outcome.cpus = CPUList.text(job.cpus)
            outcome.devices = job.devices?.joined(separator: ",")
        }
        outcome.wallSeconds = wallSeconds
        outcome.stderrTail = captured.stderr.text
        outcome.usage = captured.usage
        switch status {
        case .exited(let code): outcome.exitCode = code
        case .signaled(let signal): outcome.signal = signal
        }
        outcome.status = classify(status, captured: captured, timeout: a.timeout, reporting: a.reportKey != nil)
        if case .failed = outcome.status {
            outcome.stdoutHead = String(decoding: captured.stdout.bytes.prefix(stdoutHeadBytes), as: UTF8.self)
        }
    }

    /// The task's folder (`--task-dir`), made before the job starts; the failure if it cannot be.
    static func makeTaskFolder(_ a: TaskAssignment) -> TaskOutcome.Status? {
        guard let folder = a.environment["FARM_TASK_DIR"] else { return nil }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return nil
        } catch {
            return .failed(.spawn, message: "cannot create the task folder \(folder): \(error.localizedDescription); check --task-dir")
        }
    }

    /// How the job ended; a `reporting` job's stdout is its reports, already sent, so a clean exit is an empty row.
    private func classify(_ status: JobExit, captured: Captured, timeout: Double, reporting: Bool) -> TaskOutcome.Status {
        switch captured.stop {
        case .aborted: return .failed(.interrupted, message: "stopped by farm's shutdown before it finished")
        case .timedOut: return .failed(.timeout, message: "ran past its timeout of \(DurationText.format(timeout)) and was killed")
        case .none: break
        }
        switch status {
        case .signaled(let signal):
            let hint = signal == SIGKILL ? " (the OOM killer sends this when memory runs out)" : ""
            return .failed(.signal, message: "killed by signal \(signal) (\(SignalName.of(signal)))\(hint)")
        case .exited(let code) where code != 0:
            return .failed(.exit, message: "exited with status \(code)")
        case .exited:
            break
        }
        if reporting { return .succeeded(ResultRow()) }
        if captured.stdout.overflowed {
            return .failed(.output, message: "stdout was \(captured.stdout.total) bytes, over the \(captured.stdout.limit)-byte limit; print one JSON object")
        }
        do {
            let value = try JSONParser.parseOne(captured.stdout.bytes)
            guard case .object = value else {
                return .failed(.output, message: "stdout is \(value.kindName), not a JSON object; print one object such as {\"rmse\": 0.1}")
            }
            return .succeeded(try ResultRow(json: value))
        } catch let error as JSONError {
            return .failed(.output, message: "stdout is not one JSON object: \(error)")
        } catch {
            return .failed(.output, message: "stdout is not one JSON object: \(error)")
        }
    }
}
