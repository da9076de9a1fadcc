import Foundation

/// A worker rank (or a local slot thread): asks the coordinator for a task,
/// runs it with the `JobRunner`, reports the outcome, and asks again, until
/// told to stop. While a job runs it keeps listening for `abort`, and holds
/// the tasks the coordinator hands out ahead (see `Message`), so the next one
/// starts without a round trip.
package final class Worker {
    private let transport: any Transport
    private let runner: JobRunner
    /// Whether this worker reacts to the process's own stop signals (an MPI
    /// worker rank does; a local slot leaves that to the coordinator beside it).
    private let watchesSignals: Bool
    /// How long after its own stop signal a worker waits for the coordinator's
    /// abort before it stops its job by itself.
    private let selfAbortAfter: Double
    /// What this worker's rank holds, said in its `ready` (nil: one CPU, nothing declared).
    private let resources: RankResources?
    /// This slot's warm Python, for a sweep with `preload:` (started at its first Python task).
    private let warm: WarmInterpreter
    private var reportedSignal = false
    private var signalledAt: Date?

    package init(transport: any Transport, runner: JobRunner, watchesSignals: Bool, selfAbortAfter: Double = 30, resources: RankResources? = nil) {
        self.resources = resources
        self.transport = transport
        self.runner = runner
        self.watchesSignals = watchesSignals
        self.selfAbortAfter = selfAbortAfter
        warm = WarmInterpreter(orphanGuard: runner.orphanGuard)
    }

    /// Serves tasks until the coordinator says stop.
    package func run() throws {
        defer { warm.shutdown() }
        try transport.send(.ready(host: runner.host, resources: resources), to: 0)
        // Tasks handed out ahead while a job runs, started in order the moment it ends.
        var held = FIFOQueue<TaskAssignment>([])
        while true {
            try reportSignal()
            let assignment: TaskAssignment
            if let next = held.popFirst() {
                assignment = next
            } else {
                guard let envelope = try transport.receive(timeout: 0.25) else { continue }
                switch envelope.message {
                case .assign(let a): assignment = a
                case .stop: return
                default: continue  // a retract that found nothing held, an abort that found no job
                }
            }
            var stopAfter = false
            var failure: (any Error)?
            let reports = assignment.reportKey == nil ? nil : ReportSink()
            let outcome = runner.run(assignment, warm: warm, reports: reports) {
                do {
                    try reportSignal()
                    for row in reports?.take() ?? [] { try transport.send(.report(taskID: assignment.taskID, row: row), to: 0) }
                    while let e = try transport.receive(timeout: 0) {
                        switch e.message {
                        case .stop: stopAfter = true; return true
                        case .abort: return true
                        case .prune(let taskID) where taskID == assignment.taskID: return true
                        case .prune(let taskID):
                            if held.remove(where: { $0.taskID == taskID }) != nil { try transport.send(.retracted(taskID: taskID), to: 0) }
                        case .assign(let next): held.append(next)
                        case .retract:
                            while let dropped = held.popFirst() { try transport.send(.retracted(taskID: dropped.taskID), to: 0) }
                        default: break
                        }
                    }
                } catch {
                    failure = error
                    return true
                }
                if let signalledAt, Date().timeIntervalSince(signalledAt) > selfAbortAfter { return true }
                return false
            }
            if let failure { throw failure }
            for row in reports?.take() ?? [] { try transport.send(.report(taskID: assignment.taskID, row: row), to: 0) }
            // Say "I was signalled" before the outcome, so the coordinator knows a job
            // killed by that signal was interrupted, not failed (MPI keeps this order).
            try reportSignal()
            try transport.send(.outcome(outcome), to: 0)
            if stopAfter { return }
        }
    }

    private func reportSignal() throws {
        guard watchesSignals, !reportedSignal, let number = ShutdownSignal.pending else { return }
        reportedSignal = true
        signalledAt = Date()
        try transport.send(.signalled(number), to: 0)
    }
}
