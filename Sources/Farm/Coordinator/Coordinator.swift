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
public final class Coordinator {
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
    private let clock = ContinuousClock()

    var workers: [Int: WorkerState] = [:]
    private var idle: [Int] = []
    /// A task handed to a busy worker ahead (see `Message`), with its command for the running-mark.
    struct HeldTask {
        var index: Int32
        var command: String
    }
    /// What each worker holds ahead, in the order it will start them.
    var held: [Int: FIFOQueue<HeldTask>] = [:]
    /// Busy workers that may take one more task ahead.
    private var wantAhead: [Int] = []
    /// Whether held tasks still have to be taken back (a stop began).
    private var retractPending = false
    /// Tasks held by workers in all, and the workers asked to give theirs back.
    private var heldCount = 0
    private var retracting: Set<Int> = []
    private var busyCount = 0
    /// What runs next: pending tasks, lost ones, the deadline's fit.
    var dispatcher: Dispatcher
    var batch = CommitBatch()
    /// Counts the batches handed to the committer.
    var batchNumber = 0
    /// Set while `run()` runs: the ledger is written through it then.
    private var committer: BackgroundCommitter?
    private var batchOpened: ContinuousClock.Instant?
    private var lastCommit: ContinuousClock.Instant
    private var lastProgress: ContinuousClock.Instant
    private let started: ContinuousClock.Instant
    private var dispatched = 0
    var doneThisRun = 0
    /// When this run's first task started and its last one ended (seconds since the epoch): how much of an allocation went to tasks.
    private var firstTaskStartedAt: Double?
    var lastTaskEndedAt: Double?
    private var drainDeadline: ContinuousClock.Instant?
    private var abortSent = false
    private var stopSignal: Int32?
    private var nextStopFileCheck: ContinuousClock.Instant
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

    public init(ledger: Ledger, state: LedgerState, transport: any Transport, options: CoordinatorOptions, logger: Logger) {
        self.ledger = ledger
        self.sweep = ledger.sweep
        self.state = state
        self.transport = transport
        self.options = options
        self.logger = logger
        started = clock.now
        lastCommit = started
        lastProgress = started
        nextStopFileCheck = started
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

    private var hasPending: Bool { dispatcher.hasPending }
    var draining: Bool { drainDeadline != nil }

    /// Runs until every task is done or failed for good, or a stop signal ends the run.
    public func run() throws -> CoordinatorReport {
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
        printProgress(final: true)
        let report = makeReport()
        return report
    }

    /// SIGUSR1's number once `options.stopFile` exists (checked at most every 100 ms).
    private func stopFileSignal() -> Int32? {
        guard let path = options.stopFile, clock.now >= nextStopFileCheck else { return nil }
        nextStopFileCheck = clock.now + .milliseconds(100)
        guard access(path, F_OK) == 0 else { return nil }
        logger.notice("stop file \(path) appeared")
        return SIGUSR1
    }

    private var reachedMaxTasks: Bool {
        if let max = options.maxTasks { return dispatched >= max }
        return false
    }

    private func nextWakeUp() -> Double {
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

    private func seconds(since instant: ContinuousClock.Instant) -> Double {
        Double((clock.now - instant) / .microseconds(1)) / 1e6
    }

    private func handle(_ envelope: Envelope) throws {
        let source = envelope.source
        switch envelope.message {
        case .ready(let host):
            hosts[source] = host
            try becameIdle(source)
        case .report(let taskID, let row):
            report(row, taskID: taskID, from: source)
        case .outcome(let outcome):
            record(outcome, from: source)
            if let next = held[source]?.popFirst() {
                heldCount -= 1
                if held[source]?.isEmpty == true { retracting.remove(source) }
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

    /// The worker started the task it held the moment its last job ended.
    private func startedHeld(_ task: HeldTask, on rank: Int) {
        if let plan = trials?.plan {
            trialsHeld.remove(plan.trialOf[Int(task.index)])
            trialStarted[plan.trialOf[Int(task.index)]] = Date().timeIntervalSince1970
        }
        workers[rank] = .busy(index: task.index, batchNumber: batchNumber, slot: batch.started.count)
        openBatch()
        batch.started.append(.init(index: task.index, rank: rank, host: "", startedAt: Date().timeIntervalSince1970, command: task.command))
        wantAhead.append(rank)
    }

    /// A held task the worker dropped unstarted (farm is stopping): pending again, never run.
    private func takeBack(_ taskID: Int64, from rank: Int) {
        guard let task = held[rank]?.remove(where: { state.taskIDs[Int($0.index)] == taskID }) else {
            logger.warning("rank \(rank) gave back task \(taskID) it did not hold; ignored")
            return
        }
        trialTakenBack(task.index)
        heldCount -= 1
        if held[rank]?.isEmpty == true { retracting.remove(rank) }
        dispatched -= 1
        dispatcher.putBack(task.index)
    }


    /// Sends `retract` to every worker holding tasks, once a stop began.
    private func retractHeldTasks() throws {
        retractPending = false
        for (rank, tasks) in held where !tasks.isEmpty && retracting.insert(rank).inserted { try transport.send(.retract, to: rank) }
    }

    /// A worker is idle and nothing is pending, while another holds tasks behind a running job
    /// (which may run for hours): that one gives them back, so the idle worker gets one.
    private func reclaimHeldTask() throws {
        guard heldCount > 0, let (rank, _) = held.first(where: { !$0.value.isEmpty && !retracting.contains($0.key) }) else { return }
        retracting.insert(rank)
        try transport.send(.retract, to: rank)
    }

    private func becameIdle(_ rank: Int) throws {
        if case .busy = workers[rank] { busyCount -= 1 }
        workers[rank] = .idle
        if let index = nextTask() {
            try assign(index, to: rank)
        } else if heldCount > 0 && !draining && !reachedMaxTasks {
            idle.append(rank)
            try reclaimHeldTask()
        } else if !hasPending && (busyCount == 0 || !dispatcher.deferred.isEmpty) || draining || reachedMaxTasks {
            // With tasks set aside for the deadline, a worker with nothing that fits stops now.
            try transport.send(.stop, to: rank)
            workers[rank] = .stopped
        } else {
            idle.append(rank)
        }
    }

    /// The next task to start now; those that would not finish before the deadline are set aside.
    private func nextTask() -> Int32? {
        guard !draining, !reachedMaxTasks else { return nil }
        let deferredBefore = dispatcher.deferred.count
        let task = dispatcher.next { self.trialTask(for: $0) }
        if deferredBefore == 0, !dispatcher.deferred.isEmpty, let policy = options.deadline {
            logger.notice("deadline: tasks that would not finish by \(Date(timeIntervalSince1970: policy.stopBy)) are left for the next run")
        }
        return task
    }

    private func dispatchToIdleWorkers() throws {
        if retractPending { try retractHeldTasks() }
        while !idle.isEmpty, let index = nextTask() {
            let rank = idle.removeLast()
            try assign(index, to: rank)
        }
        // Then a task ahead for busy workers, while there is work no idle worker waits for.
        while idle.isEmpty, options.prefetch > 0, let rank = wantAhead.popLast() {
            guard case .busy(let current, _, _) = workers[rank], (held[rank]?.count ?? 0) < options.prefetch else { continue }
            // One that would not fit after the running task may still fit on a worker that frees up: not deferred.
            guard !draining, !reachedMaxTasks, let index = dispatcher.nextAhead(after: current, resolve: { self.trialTask(for: $0) }) else {
                wantAhead.append(rank)
                break
            }
            try assign(index, to: rank, ahead: true)
            if (held[rank]?.count ?? 0) < options.prefetch { wantAhead.append(rank) }
        }
    }

    private func assign(_ index: Int32, to rank: Int, ahead: Bool = false) throws {
        let taskID = state.taskIDs[Int(index)]
        let argv = sweep.argv(of: Int(index), taskID: taskID)
        let (_, replicate) = sweep.address(of: Int(index))
        let attempt = (state.failures[index]?.total ?? 0) + 1
        var environment = [
            "FARM_TASK_ID": String(taskID),
            "FARM_REPLICATE": String(replicate),
            "FARM_ATTEMPT": String(attempt),
            "FARM_SEED": String(TaskSeed.of(key: sweep.key(of: Int(index)))),
        ]
        let now = Date().timeIntervalSince1970
        let timeout = sweep.spec.timeout ?? 0
        let ends = [timeout > 0 ? now + timeout : nil, options.deadline?.stopBy].compactMap { $0 }.min()
        if let ends { environment["FARM_DEADLINE"] = String(Int64(ends.rounded(.down))) }
        if let folder = options.taskDirectory {
            environment["FARM_TASK_DIR"] = "\(folder)/\(sweep.spec.table)/\(taskID)"
        }
        let reportKey = trialAssignment(index, rank: rank, environment: &environment)
        let assignment = TaskAssignment(taskID: taskID, argv: argv, timeout: timeout, environment: environment, reportKey: reportKey)
        try transport.send(.assign(assignment), to: rank)
        dispatched += 1
        let command = JSONValue.array(argv.map { .string($0) }).jsonText
        if ahead {
            if let plan = trials?.plan { trialsHeld.insert(plan.trialOf[Int(index)]) }
            held[rank, default: FIFOQueue()].append(HeldTask(index: index, command: command))
            heldCount += 1
            return
        }
        workers[rank] = .busy(index: index, batchNumber: batchNumber, slot: batch.started.count)
        busyCount += 1
        if options.prefetch > 0 { wantAhead.append(rank) }
        openBatch()
        if firstTaskStartedAt == nil { firstTaskStartedAt = now }
        batch.started.append(.init(index: index, rank: rank, host: "", startedAt: now, command: command))
    }

    func openBatch() {
        if batchOpened == nil { batchOpened = clock.now }
    }

    private func housekeeping() throws {
        if let committer { takeStoreFailures(try committer.collect()) }
        // Once stopping, every result goes out at once: the allocation (or mpirun, when a rank died)
        // may kill this process soon, and a result not committed then is run again.
        if let opened = batchOpened,
           draining || batch.finished.count >= options.batchSize || seconds(since: opened) >= options.batchInterval {
            // While the last batch is written this one grows; past a bound, dispatch waits for the writer.
            try commitBatch(waiting: batch.finished.count >= options.batchSize * Coordinator.batchGrowth)
        } else if !batch.started.isEmpty, seconds(since: lastCommit) >= options.markInterval {
            try commitBatch(waiting: false)  // running-marks go out soon: a farm that dies must know what it was running
        } else if batchOpened == nil, seconds(since: lastCommit) >= options.heartbeatInterval {
            try committer?.heartbeat()
            lastCommit = clock.now
        }
        if let interval = options.progressInterval, seconds(since: lastProgress) >= interval {
            printProgress(final: false)
        }
    }

    /// How many times `batchSize` a batch may grow to while the previous one is being written.
    static let batchGrowth = 64

    /// Hands the batch to the committer if it is free (or, `waiting`, once it is).
    private func commitBatch(waiting: Bool) throws {
        guard !batch.isEmpty, let committer, waiting || committer.isIdle else { return }
        try committer.submit(batch)
        batch = CommitBatch()
        batchNumber += 1
        batchOpened = nil
        lastCommit = clock.now
    }

    private func takeStoreFailures(_ storeFailures: [Int32]) {
        for index in storeFailures {
            state.done -= 1
            doneThisRun -= 1
            state.failed += 1
            logger.warning("task \(state.taskIDs[Int(index)]): its result could not be stored; see farmrun status --failed")
        }
    }

    func beginDrain(signal: Int32) {
        beginDrain(reason: SignalName.of(signal), signal: signal)
    }

    private func beginDrain(reason: String, signal: Int32?) {
        stopSignal = signal
        retractPending = held.values.contains { !$0.isEmpty }
        drainDeadline = clock.now + .milliseconds(Int64(options.grace * 1000))
        logger.notice("\(reason): no new tasks; \(busyCount) running get \(DurationText.format(options.grace)) to finish")
    }

    private func abortRunningJobs() throws {
        abortSent = true
        for (rank, worker) in workers {
            if case .busy = worker { try transport.send(.abort, to: rank) }
        }
        if busyCount > 0 { logger.notice("grace deadline: stopping \(busyCount) running job(s)") }
    }

    private func stopIdleWorkers() throws {
        for rank in idle {
            try transport.send(.stop, to: rank)
            workers[rank] = .stopped
        }
        idle.removeAll()
    }

    private var remaining: Int { sweep.taskCount - state.done - state.failed - state.pruned }

    private func makeReport() -> CoordinatorReport {
        CoordinatorReport(total: sweep.taskCount, done: state.done, failed: state.failed, remaining: remaining,
                          doneThisRun: doneThisRun, seconds: seconds(since: started), stoppedBySignal: stopSignal,
                          firstTaskStartedAt: firstTaskStartedAt, lastTaskEndedAt: lastTaskEndedAt, pruned: state.pruned)
    }

    private func printProgress(final: Bool) {
        lastProgress = clock.now
        guard options.progressInterval != nil || final else { return }
        let elapsed = max(seconds(since: started), 1e-3)
        let rate = Double(doneThisRun) / elapsed * 60
        let left = remaining
        let eta = rate > 0 ? DurationText.format(Double(left) / rate * 60) : "?"
        let percent = String(format: "%.1f", Double(state.done) / Double(max(1, sweep.taskCount)) * 100)
        logger.info("\(final ? "finished" : "progress"): \(state.done)/\(sweep.taskCount) done (\(percent)%), \(state.failed) failed, \(state.pruned > 0 ? "\(state.pruned) pruned, " : "")\(busyCount) running, \(max(0, left - busyCount)) pending; \(String(format: "%.0f", rate)) tasks/min\(final || left == 0 ? "" : ", ETA \(eta)")")
    }
}
