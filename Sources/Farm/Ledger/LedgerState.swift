/// The ledger's answer to "what is left to do" for one sweep, in the
/// compact form the coordinator dispatches from (a million tasks fit in a few MB).
public struct LedgerState: Sendable {
    /// The ledger id of each task, by its index in the sweep's expansion.
    public var taskIDs: [Int64]
    /// Indices of tasks to run, in expansion order.
    public var pending: [Int32]
    /// Failures so far of pending tasks that already failed at least once.
    public var failures: [Int32: Int]
    public var done: Int
    /// Tasks that failed for good (their retry budget is used up).
    public var failed: Int
    /// Tasks that were running when an earlier coordinator stopped.
    public var interrupted: Int
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
