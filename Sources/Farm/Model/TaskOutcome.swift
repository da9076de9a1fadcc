/// How one run of a task ended, as a worker reports it to the coordinator.
package struct TaskOutcome: Sendable, Equatable {
    /// Why a run did not give a result.
    package enum Failure: String, Sendable, Equatable {
        /// The job ran past its timeout and was killed.
        case timeout
        /// The job was killed by a signal (the OOM killer included).
        case signal
        /// The job exited with a non-zero status.
        case exit
        /// The job exited 0 but its stdout was not one JSON object.
        case output
        /// farm itself stopped the job (shutdown, time limit); never uses up a retry.
        case interrupted
        /// The job could not be started (no such program, not executable).
        case spawn
        /// The result could not be stored: the table refused the row (a CHECK, NOT NULL or UNIQUE rule); the row is kept.
        case store
        /// The farm ended while the job ran (its worker rank died, or farmrun was
        /// killed without a chance to stop it): found by the next run.
        case lost
    }

    package enum Status: Sendable, Equatable {
        case succeeded(ResultRow)
        case failed(Failure, message: String)
    }

    package var taskID: Int64
    package var status: Status
    package var exitCode: Int32?
    package var signal: Int32?
    /// Seconds since the epoch when the job started.
    package var startedAt: Double
    package var wallSeconds: Double
    package var host: String
    package var rank: Int
    /// The CPUs and devices the job was given (`0-3`, `0,1`), when rank 0 chose them.
    package var cpus: String?
    package var devices: String?
    /// The last bytes the job wrote to stderr.
    package var stderrTail: String
    /// The first bytes of stdout, kept when stdout was not a result.
    package var stdoutHead: String
    /// CPU time and peak memory of the job (nil when it never ran or could not be read).
    package var usage: ChildUsage?
    /// Something the worker wants said in rank 0's log (once per text), such as a preload that
    /// could not be used.
    package var note: String?

    package init(taskID: Int64, status: Status, exitCode: Int32? = nil, signal: Int32? = nil, startedAt: Double = 0,
                wallSeconds: Double = 0, host: String = "", rank: Int = 0, stderrTail: String = "", stdoutHead: String = "",
                usage: ChildUsage? = nil) {
        self.taskID = taskID
        self.status = status
        self.exitCode = exitCode
        self.signal = signal
        self.startedAt = startedAt
        self.wallSeconds = wallSeconds
        self.host = host
        self.rank = rank
        self.stderrTail = stderrTail
        self.stdoutHead = stdoutHead
        self.usage = usage
    }

    package var failure: Failure? {
        if case .failed(let f, _) = status { return f }
        return nil
    }
}
