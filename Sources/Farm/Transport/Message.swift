/// What the coordinator and its workers say to each other. A worker asks for
/// work by sending `ready` (or an outcome, which also means ready); the
/// coordinator answers each with exactly one `assign` or `stop`. To a busy
/// worker it may also send `assign`s ahead (prefetch): the worker holds them
/// and starts the first the moment its job ends, right after that job's
/// outcome, so it never waits for the coordinator between tasks; `retract`
/// takes held tasks back (each one dropped is answered by `retracted`). In a
/// fidelity sweep a running job's reports travel as `report`s before its
/// outcome, and `prune` stops a job early stopping gave up on.
package enum Message: Sendable, Equatable {
    /// Worker → coordinator: idle, send a task; with what the worker's rank holds (nil: one CPU, nothing declared).
    case ready(host: String, resources: RankResources? = nil)
    /// Coordinator → worker: run this task.
    case assign(TaskAssignment)
    /// Worker → coordinator: the task ended this way (and the worker is idle).
    case outcome(TaskOutcome)
    /// Worker → coordinator: this worker got a stop signal (SIGTERM, SIGINT, SIGUSR1).
    case signalled(Int32)
    /// Coordinator → worker: kill the running job now (the grace deadline passed).
    case abort
    /// Coordinator → worker: no more work; leave the loop.
    case stop
    /// Coordinator → worker: drop the tasks you hold and have not started (farm is stopping).
    case retract
    /// Worker → coordinator: this held task was dropped, never started.
    case retracted(taskID: Int64)
    /// Worker → coordinator: the running job of a fidelity sweep printed this report (see `FidelitySpec`).
    case report(taskID: Int64, row: ResultRow)
    /// Coordinator → worker: stop the job of this task now, early stopping pruned it (ignored if another runs).
    case prune(taskID: Int64)
}

/// A message with the rank that sent it.
package struct Envelope: Sendable, Equatable {
    package var source: Int
    package var message: Message

    package init(source: Int, message: Message) {
        self.source = source
        self.message = message
    }
}
