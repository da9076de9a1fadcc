/// How a coordinator run ended, and the exit status that says so to scripts.
package struct CoordinatorReport: Sendable, Equatable {
    package var total: Int
    package var done: Int
    /// Tasks failed for good (retry budget used up).
    package var failed: Int
    /// Tasks still to do (pending, or interrupted by the stop).
    package var remaining: Int
    package var doneThisRun: Int
    package var seconds: Double
    package var stoppedBySignal: Int32?
    /// When this run's first task started and its last one ended, in seconds since the epoch (nil if none ran).
    package var firstTaskStartedAt: Double?
    package var lastTaskEndedAt: Double?
    /// Tasks early stopping pruned (settled: not failures, not left).
    package var pruned = 0

    package init(total: Int, done: Int, failed: Int, remaining: Int, doneThisRun: Int, seconds: Double, stoppedBySignal: Int32? = nil,
                firstTaskStartedAt: Double? = nil, lastTaskEndedAt: Double? = nil, pruned: Int = 0) {
        self.pruned = pruned
        self.total = total
        self.done = done
        self.failed = failed
        self.remaining = remaining
        self.doneThisRun = doneThisRun
        self.seconds = seconds
        self.stoppedBySignal = stoppedBySignal
        self.firstTaskStartedAt = firstTaskStartedAt
        self.lastTaskEndedAt = lastTaskEndedAt
    }

    /// The report as one JSON object (`farmrun --summary FILE`), for scripts that decide whether to
    /// resubmit (a run with `done_this_run` 0 made no progress) and say how much of the allocation
    /// went to tasks (`first_task_started_at`, `last_task_ended_at`: seconds since the epoch).
    package var jsonText: String {
        var members: [(key: String, value: JSONValue)] = [
            ("exit", .integer(Int64(exitCode))), ("total", .integer(Int64(total))), ("done", .integer(Int64(done))),
            ("failed", .integer(Int64(failed))), ("pruned", .integer(Int64(pruned))), ("remaining", .integer(Int64(remaining))),
            ("done_this_run", .integer(Int64(doneThisRun))), ("seconds", .real((seconds * 1000).rounded() / 1000)),
        ]
        if let first = firstTaskStartedAt, let last = lastTaskEndedAt {
            members.append(("first_task_started_at", .real((first * 1000).rounded() / 1000)))
            members.append(("last_task_ended_at", .real((last * 1000).rounded() / 1000)))
        }
        return JSONValue.object(members).jsonText + "\n"
    }

    /// The summary of a run that ended before it coordinated anything (bad sweep, lease held): the same
    /// JSON writer, with only `exit` and `done_this_run`.
    package static func earlyExitSummary(_ code: Int32) -> String {
        JSONValue.object([("exit", .integer(Int64(code))), ("done_this_run", .integer(0))]).jsonText + "\n"
    }

    /// 0 all tasks done (or pruned); 75 stopped with tasks left (resubmit); 1 finished but some failed for good.
    package var exitCode: Int32 {
        if remaining > 0 { return ExitStatus.tasksLeft }
        return failed > 0 ? ExitStatus.someFailed : ExitStatus.success
    }
}

/// farmrun's exit statuses, a contract with the scripts that run it.
package enum ExitStatus {
    package static let success: Int32 = 0
    package static let someFailed: Int32 = 1
    package static let usage: Int32 = 64
    /// EX_SOFTWARE: an internal error (the database could not be written, a rank failed).
    package static let internalError: Int32 = 70
    /// EX_TEMPFAIL: stopped with tasks left, or another farmrun holds the database; run again.
    package static let tasksLeft: Int32 = 75
}
