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
}

/// What the coordinator hands the ledger to commit in one transaction.
public struct CommitBatch: Sendable {
    public struct Started: Sendable {
        public var index: Int32
        public var rank: Int
        public var host: String
        public var startedAt: Double
        public var argv: [String]
    }

    public struct Finished: Sendable {
        public var index: Int32
        public var outcome: TaskOutcome
        /// Whether a failed task goes back to pending (its retry budget allows it).
        public var retry: Bool
    }

    public var started: [Started] = []
    public var finished: [Finished] = []

    public init() {}

    public var isEmpty: Bool { started.isEmpty && finished.isEmpty }
}
