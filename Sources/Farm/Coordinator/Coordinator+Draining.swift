import Foundation
import Logging

/// The end of a run: a stop drains (no new tasks, running jobs get the grace period, then are
/// aborted), idle workers are stopped, and the report and progress lines are made.
extension Coordinator {
    func beginDrain(signal: Int32) {
        beginDrain(reason: SignalName.of(signal), signal: signal)
    }

    func beginDrain(reason: String, signal: Int32?) {
        stopSignal = signal
        if let head = headTask {
            headTask = nil
            dispatcher.putBack(head)
        }
        retractPending = held.values.contains { !$0.isEmpty }
        drainDeadline = clock.now + .milliseconds(Int64(options.grace * 1000))
        logger.notice("\(reason): no new tasks; \(busyCount) running get \(DurationText.format(options.grace)) to finish")
    }

    func abortRunningJobs() throws {
        abortSent = true
        for (rank, worker) in workers {
            if case .busy = worker { try transport.send(.abort, to: rank) }
        }
        if busyCount > 0 { logger.notice("grace deadline: stopping \(busyCount) running job(s)") }
    }

    func stopIdleWorkers() throws {
        for rank in idle {
            try transport.send(.stop, to: rank)
            workers[rank] = .stopped
        }
        idle.removeAll()
    }

    var remaining: Int { sweep.taskCount - state.done - state.failed - state.pruned }

    func makeReport() -> CoordinatorReport {
        CoordinatorReport(total: sweep.taskCount, done: state.done, failed: state.failed, remaining: remaining,
                          doneThisRun: doneThisRun, seconds: seconds(since: started), stoppedBySignal: stopSignal,
                          firstTaskStartedAt: firstTaskStartedAt, lastTaskEndedAt: lastTaskEndedAt, pruned: state.pruned)
    }

    func printProgress(final: Bool) {
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
