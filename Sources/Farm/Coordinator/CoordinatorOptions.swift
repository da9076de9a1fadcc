/// How the coordinator paces itself; the defaults suit thousands of short tasks.
package struct CoordinatorOptions: Sendable {
    /// A commit closes after this many finished tasks…
    package var batchSize = 256
    /// …or this many seconds after its first one, whichever comes first.
    package var batchInterval = 0.5
    /// Started tasks are marked 'running' in the ledger at most this many seconds
    /// after the previous commit, so a farm that dies (SIGKILL, a dead rank) is
    /// known to have been running them: that is how a task that kills its rank
    /// is found and, after its budget, quarantined.
    package var markInterval = 0.02
    /// The least `markInterval` on a rollback journal (network filesystems), where a commit syncs.
    package static let networkMarkInterval = 0.25
    /// After a stop signal, seconds running jobs get to finish before they are killed.
    package var grace = 20.0
    /// Seconds between progress lines on stderr (nil: none).
    package var progressInterval: Double? = 30
    /// Seconds between lease renewals while nothing else is committed.
    package var heartbeatInterval = 10.0
    /// Stop after this many tasks were dispatched in this run (tests and trials).
    package var maxTasks: Int?
    /// A file whose appearance stops the run as SIGUSR1 would. The batch script
    /// uses it: Slurm's signals reach every process of a step, jobs included.
    package var stopFile: String?
    /// When the allocation ends and how sure a task must be to finish before it (nil: no deadline).
    package var deadline: DeadlinePolicy?
    /// A work folder: each job gets `FARM_TASK_DIR` = FOLDER/TABLE/TASK_ID, kept across runs
    /// so a long job can checkpoint there and continue in the next allocation (nil: none).
    package var taskDirectory: String?
    /// Tasks a busy worker holds ahead, started the moment its job ends (0: none). They are not
    /// running until they start, so a farm that dies loses nothing held; a stop takes them back.
    package var prefetch = 4

    package init() {}
}
