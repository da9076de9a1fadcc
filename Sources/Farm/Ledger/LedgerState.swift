/// The ledger's answer to "what is left to do" for one sweep, in the
/// compact form the coordinator dispatches from (a million tasks fit in a few MB).
public struct LedgerState: Sendable {
    /// The ledger id of each task, by its index in the sweep's expansion.
    public var taskIDs: [Int64]
    /// Indices of tasks to run, in expansion order.
    public var pending: [Int32]
    /// Tasks to run that an earlier run lost, least suspected first: they run
    /// after everything else, so a task that kills its rank cannot stall a sweep.
    public var suspects: [Int32]
    /// Failures so far, per class, of pending tasks that already failed or were lost.
    public var failures: [Int32: FailureCounts]
    public var done: Int
    /// Tasks that failed for good (their retry budget is used up).
    public var failed: Int
    /// Tasks the last run lost: still running when its coordinator died.
    public var lost: Int
    /// Tasks quarantined by this sync: lost in more crashes than their budget allows.
    public var quarantined: Int
    /// Tasks created by this sync (new sweep, or values/replicates added).
    public var added: Int
    /// Tasks early stopping pruned.
    public var pruned = 0
    /// In a fidelity sweep, each task's state by index (pending stands for any unsettled one).
    public var settled: [TaskState]?
    /// Early stopping's reports at rungs and its decisions so far.
    public var rungReports: [RungReport] = []
    public var decisions: [RungDecision] = []
}

/// What the coordinator hands the ledger to commit in one transaction.
public struct CommitBatch: Sendable {
    public struct Started: Sendable {
        public var index: Int32
        public var rank: Int
        public var host: String
        public var startedAt: Double
        /// The argv that ran, as a JSON array.
        public var command: String
        /// Whether the task also finished within this batch: its end is written
        /// with its command, and no running-mark is.
        public var finishedInBatch = false

        public init(index: Int32, rank: Int, host: String, startedAt: Double, command: String) {
            self.index = index
            self.rank = rank
            self.host = host
            self.startedAt = startedAt
            self.command = command
        }
    }

    public struct Finished: Sendable {
        public var index: Int32
        public var outcome: TaskOutcome
        /// Whether a failed task goes back to pending (its retry budget allows it).
        public var retry: Bool
        /// The task's command when it also started within this batch (else its running-mark wrote it).
        public var command: String?

        public init(index: Int32, outcome: TaskOutcome, retry: Bool, command: String? = nil) {
            self.index = index
            self.outcome = outcome
            self.retry = retry
            self.command = command
        }
    }

    public var started: [Started] = []
    public var finished: [Finished] = []
    /// Early stopping: metrics reported at rungs, decisions taken, and the tasks they pruned (with why).
    public var rungReports: [RungReport] = []
    public var decisions: [RungDecision] = []
    public var pruned: [(index: Int32, message: String)] = []
    /// Fidelity reports that could not be stored, per task that ran them.
    public var badReports: [Int32: Int] = [:]

    public init() {}

    public var isEmpty: Bool { started.isEmpty && finished.isEmpty && rungReports.isEmpty && decisions.isEmpty && pruned.isEmpty && badReports.isEmpty }
}
