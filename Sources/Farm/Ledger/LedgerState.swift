/// The ledger's answer to "what is left to do" for one sweep, in the
/// compact form the coordinator dispatches from (a million tasks fit in a few MB).
package struct LedgerState: Sendable {
    /// The ledger id of each task, by its index in the sweep's expansion.
    package var taskIDs: [Int64]
    /// Indices of tasks to run, in expansion order.
    package var pending: [Int32]
    /// Tasks to run that an earlier run lost, least suspected first: they run
    /// after everything else, so a task that kills its rank cannot stall a sweep.
    package var suspects: [Int32]
    /// Failures so far, per class, of pending tasks that already failed or were lost.
    package var failures: [Int32: FailureCounts]
    package var done: Int
    /// Tasks that failed for good (their retry budget is used up).
    package var failed: Int
    /// Tasks the last run lost: still running when its coordinator died.
    package var lost: Int
    /// Tasks quarantined by this sync: lost in more crashes than their budget allows.
    package var quarantined: Int
    /// Tasks created by this sync (new sweep, or values/replicates added).
    package var added: Int
    /// Tasks early stopping pruned.
    package var pruned = 0
    /// In a fidelity sweep, each task's state by index (pending stands for any unsettled one).
    package var settled: [TaskState]?
    /// Early stopping's reports at rungs and its decisions so far.
    package var rungReports: [RungReport] = []
    package var decisions: [RungDecision] = []
}

/// What the coordinator hands the ledger to commit in one transaction.
package struct CommitBatch: Sendable {
    package struct Started: Sendable {
        package var index: Int32
        package var rank: Int
        package var host: String
        package var startedAt: Double
        /// The argv that ran, as a JSON array.
        package var command: String
        /// Whether the task also finished within this batch: its end is written
        /// with its command, and no running-mark is.
        package var finishedInBatch = false

        package init(index: Int32, rank: Int, host: String, startedAt: Double, command: String) {
            self.index = index
            self.rank = rank
            self.host = host
            self.startedAt = startedAt
            self.command = command
        }
    }

    package struct Finished: Sendable {
        package var index: Int32
        package var outcome: TaskOutcome
        /// Whether a failed task goes back to pending (its retry budget allows it).
        package var retry: Bool
        /// The task's command when it also started within this batch (else its running-mark wrote it).
        package var command: String?

        package init(index: Int32, outcome: TaskOutcome, retry: Bool, command: String? = nil) {
            self.index = index
            self.outcome = outcome
            self.retry = retry
            self.command = command
        }
    }

    package var started: [Started] = []
    package var finished: [Finished] = []
    /// Early stopping: metrics reported at rungs, decisions taken, and the tasks they pruned (with why).
    package var rungReports: [RungReport] = []
    package var decisions: [RungDecision] = []
    package var pruned: [(index: Int32, message: String)] = []
    /// Fidelity reports that could not be stored, per task that ran them.
    package var badReports: [Int32: Int] = [:]
    /// Busy and free CPUs and GPUs per host when the batch closed, for `farmrun status` (nil: unchanged).
    package var hostUse: [HostUse]?

    package init() {}

    package var isEmpty: Bool { started.isEmpty && finished.isEmpty && rungReports.isEmpty && decisions.isEmpty && pruned.isEmpty && badReports.isEmpty }
}

/// One host's CPUs and GPUs and how many of them running jobs use.
package struct HostUse: Sendable, Equatable {
    package var host: String
    package var busyCPUs: Int
    package var cpus: Int
    package var busyGPUs: Double
    package var gpus: Int

    package init(host: String, busyCPUs: Int, cpus: Int, busyGPUs: Double, gpus: Int) {
        self.host = host
        self.busyCPUs = busyCPUs
        self.cpus = cpus
        self.busyGPUs = busyGPUs
        self.gpus = gpus
    }
}
