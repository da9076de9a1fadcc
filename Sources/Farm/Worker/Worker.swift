import Foundation

/// A worker rank (or a local slot thread): asks the coordinator for a task,
/// runs it with the `JobRunner`, reports the outcome, and asks again, until
/// told to stop. While a job runs it keeps listening for `abort`.
public final class Worker {
    private let transport: any Transport
    private let runner: JobRunner
    /// Whether this worker reacts to the process's own stop signals (an MPI
    /// worker rank does; a local slot leaves that to the coordinator beside it).
    private let watchesSignals: Bool
    /// How long after its own stop signal a worker waits for the coordinator's
    /// abort before it stops its job by itself.
    private let selfAbortAfter: Double
    private var reportedSignal = false
    private var signalledAt: Date?

    public init(transport: any Transport, runner: JobRunner, watchesSignals: Bool, selfAbortAfter: Double = 30) {
        self.transport = transport
        self.runner = runner
        self.watchesSignals = watchesSignals
        self.selfAbortAfter = selfAbortAfter
    }

    /// Serves tasks until the coordinator says stop.
    public func run() throws {
        try transport.send(.ready(host: runner.host), to: 0)
        while true {
            try reportSignal()
            guard let envelope = try transport.receive(timeout: 0.25) else { continue }
            switch envelope.message {
            case .assign(let assignment):
                var stopAfter = false
                var failure: (any Error)?
                let outcome = runner.run(assignment) {
                    do {
                        try reportSignal()
                        if let e = try transport.receive(timeout: 0) {
                            if case .stop = e.message { stopAfter = true; return true }
                            if case .abort = e.message { return true }
                        }
                    } catch {
                        failure = error
                        return true
                    }
                    if let signalledAt, Date().timeIntervalSince(signalledAt) > selfAbortAfter { return true }
                    return false
                }
                if let failure { throw failure }
                // Say "I was signalled" before the outcome, so the coordinator knows a job
                // killed by that signal was interrupted, not failed (MPI keeps this order).
                try reportSignal()
                try transport.send(.outcome(outcome), to: 0)
                if stopAfter { return }
            case .stop:
                return
            default:
                continue
            }
        }
    }

    private func reportSignal() throws {
        guard watchesSignals, !reportedSignal, let number = ShutdownSignal.pending else { return }
        reportedSignal = true
        signalledAt = Date()
        try transport.send(.signalled(number), to: 0)
    }
}
