import Foundation
import Logging

/// Rank 0's loop: hands one task at a time to whichever worker asks, records
/// every outcome in the ledger in batched transactions, retries failures
/// within their budget, and on a stop signal stops dispatching, gives running
/// jobs until the grace deadline, aborts the rest, commits and returns.
///
/// It is the only writer of the database. It never blocks on anything but the
/// transport's bounded wait, so batches close and progress prints on time; the
/// batches are written by a `BackgroundCommitter`, so dispatch goes on while
/// SQLite writes.
package final class Coordinator {
    enum WorkerState {
        case starting, idle, stopped
        /// Running task `index`, whose running-mark is `batch.started[slot]` while `batchNumber` is the current batch's.
        case busy(index: Int32, batchNumber: Int, slot: Int)
    }

    let ledger: Ledger
    let sweep: Sweep
    var state: LedgerState
    let transport: any Transport
    let options: CoordinatorOptions
    let logger: Logger
    let clock = ContinuousClock()

    var workers: [Int: WorkerState] = [:]
    var idle: [Int] = []
    /// A task handed to a busy worker ahead (see `Message`), with its command for the running-mark.
    struct HeldTask {
        var index: Int32
        var command: String
        /// What it runs on: the CPUs and devices of the job it waits behind.
        var grant: ResourcePool.Grant?
    }
    /// What each worker holds ahead, in the order it will start them.
    var held: [Int: FIFOQueue<HeldTask>] = [:]
    /// Busy workers that may take one more task ahead.
    var wantAhead: [Int] = []
    /// Whether held tasks still have to be taken back (a stop began).
    var retractPending = false
    /// Tasks held by workers in all, and the workers asked to give theirs back.
    var heldCount = 0
    var retracting: Set<Int> = []
    var busyCount = 0
    /// What runs next: pending tasks, lost ones, the deadline's fit.
    var dispatcher: Dispatcher
    var batch = CommitBatch()
    /// Counts the batches handed to the committer.
    var batchNumber = 0
    /// Set while `run()` runs: the ledger is written through it then.
    var committer: BackgroundCommitter?
    var batchOpened: ContinuousClock.Instant?
    var lastCommit: ContinuousClock.Instant
    var lastProgress: ContinuousClock.Instant
    let started: ContinuousClock.Instant
    var dispatched = 0
    var doneThisRun = 0
    /// When this run's first task started and its last one ended (seconds since the epoch): how much of an allocation went to tasks.
    var firstTaskStartedAt: Double?
    var lastTaskEndedAt: Double?
    var drainDeadline: ContinuousClock.Instant?
    var abortSent = false
    var stopSignal: Int32?
    var nextStopFileCheck: ContinuousClock.Instant
    /// A fidelity sweep's trials (see `Coordinator+Trials`), and where each running (or held) one runs.
    var trials: TrialBook?
    var trialOn: [Int32: (rank: Int, index: Int32)] = [:]
    var trialStarted: [Int32: Double] = [:]
    /// Trials handed to a worker ahead, not started yet (they have not reported, and will not soon).
    var trialsHeld: Set<Int32> = []
    var badReports = 0
    var warnedMissingMetric = false
    /// Each worker's host, from its `ready`.
    var hosts: [Int: String] = [:]
    /// What every rank holds and its running jobs use (see `Coordinator+Placement`).
    var pool: ResourcePool
    /// Whether every rank has said what it holds (nothing is dispatched before).
    var placementReady = false
    /// The next task, taken from the dispatcher, waiting for room: nothing passes it.
    var headTask: Int32?
    /// The first slots of every rank not heard from yet (placement waits for all).
    var awaitingSlots: Set<Int>
    /// `pool.releases` when the head task last found no room (nil: try it).
    var headBlockedAt: Int?
    /// Slots beyond what their rank's CPUs can run, stopped once they are idle.
    var surplus: Set<Int> = []
    /// Why the run was refused before any task ran (a task no rank can hold).
    var refusal: String?
    /// When slot use per host is next written with a batch.
    var nextHostUseWrite: ContinuousClock.Instant
    /// What each job's warm Python preloads (nil: jobs start cold), settled once from the sweep.
    let preload: PreloadSpec?
    /// The workers' notes already logged (each is said once, however many slots send it).
    var notesLogged: Set<String> = []

    package init(ledger: Ledger, state: LedgerState, transport: any Transport, options: CoordinatorOptions, logger: Logger) {
        self.ledger = ledger
        self.sweep = ledger.sweep
        self.state = state
        self.transport = transport
        self.options = options
        self.logger = logger
        pool = ResourcePool(pins: ledger.sweep.spec.resources.declared, assignsDevices: ledger.sweep.spec.resources.declaresGPUs)
        preload = PreloadPlan.settle(ledger.sweep.spec, logger: logger)
        started = clock.now
        lastCommit = started
        lastProgress = started
        nextStopFileCheck = started
        nextHostUseWrite = started
        awaitingSlots = Set(transport.workerRanks)
        for rank in transport.workerRanks { workers[rank] = .starting }
        var estimator: RuntimeEstimator?
        if let policy = options.deadline {
            var learned = RuntimeEstimator(quantile: policy.quantile)
            for sample in (try? ledger.recentRunTimes(parameter: policy.runtimeParameter))?.reversed() ?? [] {
                learned.add(sample.seconds, value: sample.value)
            }
            estimator = learned
            let end = Date(timeIntervalSince1970: policy.deadline)
            logger.info("deadline \(end) (\(policy.source)): a task starts only if the \(policy.quantile) quantile of its run time ends \(DurationText.format(policy.margin)) before it; learning from \(learned.sampleCount) finished task(s)\(policy.runtimeParameter.map { " by \($0)" } ?? "")")
        }
        let sweep = ledger.sweep
        let runtimeParameter = options.deadline?.runtimeParameter.flatMap { sweep.names.firstIndex(of: $0) }
        dispatcher = Dispatcher(pending: state.pending, suspects: state.suspects, lostRuns: state.failures.mapValues(\.lostRuns),
                                estimator: estimator, stopBy: options.deadline?.stopBy,
                                runtimeValue: { index in runtimeParameter.map { sweep.combinations[sweep.address(of: Int(index)).combination][$0] } },
                                now: { Date().timeIntervalSince1970 })
        if let plan = sweep.search, let settled = state.settled { startTrials(plan, settled: settled) }
    }

    var hasPending: Bool { headTask != nil || dispatcher.hasPending }
    var draining: Bool { drainDeadline != nil }

    /// Runs until every task is done or failed for good, or a stop signal ends the run.
    package func run() throws -> CoordinatorReport {
        let committer = BackgroundCommitter(ledger: ledger)
        self.committer = committer
        defer {
            committer.finish()
            self.committer = nil
        }
        while true {
            if !draining, let signal = ShutdownSignal.pending ?? stopFileSignal() { beginDrain(signal: signal) }
            if !draining, let policy = options.deadline, Date().timeIntervalSince1970 >= policy.stopBy - options.grace {
                beginDrain(reason: "the allocation ends at \(Date(timeIntervalSince1970: policy.deadline))", signal: nil)
            }
            if let deadline = drainDeadline, !abortSent, clock.now >= deadline { try abortRunningJobs() }
            let finished = busyCount == 0 && (!hasPending || draining || reachedMaxTasks)
            if finished { try stopIdleWorkers() }
            if workers.values.allSatisfy({ if case .stopped = $0 { true } else { false } }) { break }
            try dispatchToIdleWorkers()
            if let envelope = try transport.receive(timeout: nextWakeUp()) {
                try handle(envelope)
                // Take whatever else is already waiting before housekeeping.
                var more = 0
                while more < 64, let next = try transport.receive(timeout: 0) {
                    try handle(next)
                    more += 1
                }
            }
            try housekeeping()
        }
        try commitBatch(waiting: true)
        takeStoreFailures(try committer.drain())
        if let refusal { throw SweepError(refusal) }
        printProgress(final: true)
        let report = makeReport()
        return report
    }

    /// SIGUSR1's number once `options.stopFile` exists (checked at most every 100 ms).
    func stopFileSignal() -> Int32? {
        guard let path = options.stopFile, clock.now >= nextStopFileCheck else { return nil }
        nextStopFileCheck = clock.now + .milliseconds(100)
        guard access(path, F_OK) == 0 else { return nil }
        logger.notice("stop file \(path) appeared")
        return SIGUSR1
    }

    var reachedMaxTasks: Bool {
        if let max = options.maxTasks { return dispatched >= max }
        return false
    }

    func nextWakeUp() -> Double {
        var wait = 0.25
        if let opened = batchOpened {
            wait = min(wait, draining ? 0 : max(0, options.batchInterval - seconds(since: opened)))
            // A batch that is due waits for the one being written: look again in a millisecond.
            if wait == 0, committer?.isIdle == false { return 0.001 }
        }
        if !batch.started.isEmpty {
            wait = min(wait, max(0, options.markInterval - seconds(since: lastCommit)))
        }
        if let deadline = drainDeadline, !abortSent {
            wait = min(wait, max(0, Double((deadline - clock.now) / .milliseconds(1)) / 1000))
        }
        return wait
    }

    func seconds(since instant: ContinuousClock.Instant) -> Double {
        Double((clock.now - instant) / .microseconds(1)) / 1e6
    }

    func handle(_ envelope: Envelope) throws {
        let source = envelope.source
        switch envelope.message {
        case .ready(let host, let resources):
            registerReady(source, host: host, resources: resources)
            try becameIdle(source)
        case .report(let taskID, let row):
            report(row, taskID: taskID, from: source)
        case .outcome(let outcome):
            record(outcome, from: source)
            pool.release(slot: source)
            if let next = held[source]?.popFirst() {
                heldCount -= 1
                if held[source]?.isEmpty == true { retracting.remove(source) }
                if let grant = next.grant { pool.take(grant, slot: source) }
                startedHeld(next, on: source)
            } else {
                try becameIdle(source)
            }
        case .retracted(let taskID):
            takeBack(taskID, from: source)
        case .signalled(let number):
            if !draining {
                logger.notice("rank \(source) received \(SignalName.of(number))")
                beginDrain(signal: number)
            }
        default:
            logger.warning("unexpected message from rank \(source): \(envelope.message)")
        }
    }
}
