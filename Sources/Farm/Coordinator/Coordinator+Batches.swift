import Foundation
import Logging

/// The open commit batch: opened by the first outcome after a commit, closed by size or age, written
/// by the `BackgroundCommitter` while dispatch goes on.
extension Coordinator {
    func openBatch() {
        if batchOpened == nil { batchOpened = clock.now }
    }

    func housekeeping() throws {
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
    func commitBatch(waiting: Bool) throws {
        guard !batch.isEmpty, let committer, waiting || committer.isIdle else { return }
        // Slot use for status, at most once a second: it is read by people, and each write is a statement more.
        if placementReady, clock.now >= nextHostUseWrite {
            batch.hostUse = pool.use
            nextHostUseWrite = clock.now + .seconds(1)
        }
        try committer.submit(batch)
        batch = CommitBatch()
        batchNumber += 1
        batchOpened = nil
        lastCommit = clock.now
    }

    func takeStoreFailures(_ storeFailures: [Int32]) {
        for index in storeFailures {
            state.done -= 1
            doneThisRun -= 1
            state.failed += 1
            logger.warning("task \(state.taskIDs[Int(index)]): its result could not be stored; see farmrun status --failed")
        }
    }
}
