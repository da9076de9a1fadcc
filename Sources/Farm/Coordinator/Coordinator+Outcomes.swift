import Foundation

/// How the coordinator records a finished job: into the batch, with the
/// failure's class counted against the task's retry budget, and what goes
/// back to the dispatcher. A job killed while farm stops is interrupted, not
/// failed.
extension Coordinator {
    func record(_ outcome: TaskOutcome, from rank: Int) {
        guard case .busy(let index, let startBatch, let slot) = workers[rank] else {
            logger.warning("rank \(rank) reported task \(outcome.taskID) it was not given; ignored")
            return
        }
        if let note = outcome.note, notesLogged.insert(note).inserted { logger.warning("\(note)") }
        openBatch()
        lastTaskEndedAt = Date().timeIntervalSince1970
        // Started within this batch: its end is written with its command, and no running-mark is.
        var command: String?
        if startBatch == batchNumber, !batch.started[slot].finishedInBatch {
            batch.started[slot].finishedInBatch = true
            command = batch.started[slot].command
        }
        dispatcher.ended(index)
        // A stop signal that arrived while this outcome was on its way may be what killed the job
        // (mpirun signals a rank's whole process group, and a job not yet in its own session is in it).
        if !draining, let signal = ShutdownSignal.pending { beginDrain(signal: signal) }
        if trials != nil {
            endTrial(of: index, outcome: outcome, command: command)
        } else if settle(index, outcome: outcome, command: command) {
            dispatcher.requeue(index)
        }
    }

    /// Records how task `index` ended in the batch; true if it goes back to pending.
    func settle(_ index: Int32, outcome: TaskOutcome, command: String?) -> Bool {
        switch outcome.status {
        case .succeeded:
            state.done += 1
            doneThisRun += 1
            dispatcher.learn(outcome.wallSeconds, of: index)
            batch.finished.append(.init(index: index, outcome: outcome, retry: false, command: command))
            return false
        case .failed(.interrupted, _):
            batch.finished.append(.init(index: index, outcome: outcome, retry: true, command: command))
            return !draining
        case .failed(.signal, _) where draining:
            // Slurm's time limit signals every process of the step, jobs included:
            // a job killed while farm stops is interrupted, not failed.
            var interrupted = outcome
            interrupted.status = .failed(.interrupted, message: "killed by a signal while farm was stopping (\(outcome.signal.map(SignalName.of) ?? "signal"))")
            batch.finished.append(.init(index: index, outcome: interrupted, retry: true, command: command))
            return false
        case .failed(let failure, let message):
            var counts = state.failures[index] ?? FailureCounts()
            counts.counts[failure, default: 0] += 1
            state.failures[index] = counts
            let retry = sweep.spec.retries.allows(counts)
            if !retry { state.failed += 1 }
            logger.info("task \(outcome.taskID) failed (\(failure.rawValue)): \(message)\(retry ? "; will retry" : "")")
            batch.finished.append(.init(index: index, outcome: outcome, retry: retry, command: command))
            return retry
        }
    }
}
