/// What runs next, decided apart from the coordinator's loop and transport:
/// pending tasks in expansion order, then the tasks an earlier run lost
/// (suspects: least suspected first, one lost twice or more never beside
/// another suspect), and with a deadline only tasks whose estimated run time
/// ends before it (the others are deferred to the next run). A value with its
/// clock injected, so the policy is tested without workers or waiting.
struct Dispatcher {
    private var pending: FIFOQueue<Int32>
    private var suspects: FIFOQueue<Int32>
    private var suspectsRunning: Set<Int32> = []
    /// Suspects lost in two runs or more: each runs with no other suspect beside it.
    private let repeatSuspects: Set<Int32>
    /// Tasks set aside because they would not finish before the deadline.
    private(set) var deferred: [Int32] = []
    private var estimator: RuntimeEstimator?
    /// When tasks must have ended (seconds since the epoch), if there is a deadline.
    private let stopBy: Double?
    /// The value of the parameter run times depend on, per task (nil: one estimate for all).
    private let runtimeValue: @Sendable (Int32) -> ParameterValue?
    private let now: () -> Double

    init(pending: [Int32], suspects: [Int32], lostRuns: [Int32: Int], estimator: RuntimeEstimator?, stopBy: Double?,
         runtimeValue: @escaping @Sendable (Int32) -> ParameterValue? = { _ in nil }, now: @escaping () -> Double) {
        self.pending = FIFOQueue(pending)
        self.suspects = FIFOQueue(suspects)
        repeatSuspects = Set(lostRuns.filter { $0.value >= 2 }.keys)
        self.estimator = estimator
        self.stopBy = stopBy
        self.runtimeValue = runtimeValue
        self.now = now
    }

    var hasPending: Bool { !pending.isEmpty || !suspects.isEmpty }

    /// The next task to start now; those that would not finish before the deadline are deferred.
    /// `resolve` turns a queued entry into the task to run, or nil to drop it (a fidelity sweep's trials).
    mutating func next(resolve: (Int32) -> Int32? = { $0 }) -> Int32? {
        while let index = take(resolve: resolve) {
            if fits(index) { return index }
            deferred.append(index)
        }
        return nil
    }

    /// A task to hand ahead to a worker running `current` and holding `held` (in that order): it
    /// must fit after they all end; one that does not stays queued (it may fit on a worker that
    /// frees up) and nil is returned.
    mutating func nextAhead(after current: Int32, held: [Int32] = [], resolve: (Int32) -> Int32? = { $0 }) -> Int32? {
        guard let index = take(resolve: resolve) else { return nil }
        guard fits(index, after: [current] + held) else {
            putBack(index)
            return nil
        }
        return index
    }

    /// Whether task `index` (already taken) may be handed ahead to a worker running `current` and holding `held`.
    mutating func fitsAhead(_ index: Int32, after current: Int32, held: [Int32] = []) -> Bool {
        fits(index, after: [current] + held)
    }

    /// A task taken but not started goes back to its queue.
    mutating func putBack(_ index: Int32) {
        if suspectsRunning.remove(index) != nil { suspects.append(index) } else { pending.append(index) }
    }

    /// A task to run again (retried, interrupted), after what is queued.
    mutating func requeue(_ index: Int32) {
        pending.append(index)
    }

    /// Task `index` ended (however it did).
    mutating func ended(_ index: Int32) {
        suspectsRunning.remove(index)
    }

    /// Task `index` succeeded in `seconds`: the deadline's estimate learns from it.
    mutating func learn(_ seconds: Double, of index: Int32) {
        estimator?.add(seconds, value: runtimeValue(index))
    }

    /// Replaces the queues (a fidelity sweep queues one entry per trial).
    mutating func replaceQueues(pending: [Int32], suspects: [Int32]) {
        self.pending = FIFOQueue(pending)
        self.suspects = FIFOQueue(suspects)
    }

    /// The next pending task; once none is left, the next suspect that may start.
    private mutating func take(resolve: (Int32) -> Int32?) -> Int32? {
        while let index = pending.popFirst() {
            if let task = resolve(index) { return task }
        }
        while let first = suspects.first {
            guard let next = resolve(first) else { _ = suspects.popFirst(); continue }
            guard mayStartSuspect(next) else { return nil }
            _ = suspects.popFirst()
            suspectsRunning.insert(next)
            return next
        }
        return nil
    }

    /// Suspects lost once run side by side; one lost twice or more runs with no
    /// other suspect beside it, so that if the farm dies again the blame is its own.
    private func mayStartSuspect(_ index: Int32) -> Bool {
        if suspectsRunning.contains(where: repeatSuspects.contains) { return false }
        return !repeatSuspects.contains(index) || suspectsRunning.isEmpty
    }

    /// Whether task `index` is likely to end before the deadline (always, without one or without an
    /// estimate), started now or once task `after` (running now) ends.
    /// Whether task `index` ends before the deadline when it starts after the tasks `before` end.
    private mutating func fits(_ index: Int32, after before: [Int32] = []) -> Bool {
        guard let stopBy, let estimate = estimator?.estimate(value: runtimeValue(index)) else { return true }
        let ahead = before.reduce(0.0) { $0 + (estimator?.estimate(value: runtimeValue($1)) ?? 0) }
        return now() + ahead + estimate <= stopBy
    }
}
