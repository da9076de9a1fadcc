import Foundation

/// Writes the coordinator's commit batches on a thread of its own, so rank 0
/// keeps handing out tasks while SQLite writes the previous batch (and, on a
/// network filesystem, syncs it).
///
/// One batch is written at a time. The coordinator gathers the next one
/// meanwhile, so batches grow by themselves when results come faster than a
/// commit takes. A write that fails (the lease was lost, the disk is full) ends
/// all writing: nothing handed over later is written, and the coordinator gets
/// the error at its next `collect()` or `drain()`.
///
/// Between `init` and `finish()` the ledger is this thread's alone.
final class BackgroundCommitter: @unchecked Sendable {
    private enum Work {
        case batch(CommitBatch)
        case heartbeat
    }

    private let ledger: Ledger
    private let condition = NSCondition()
    /// Handed over and not yet taken by the thread.
    private var work: Work?
    private var writing = false
    private var storeFailures: [Int32] = []
    private var failure: (any Error)?
    private var ending = false
    private var ended = false

    init(ledger: Ledger) {
        self.ledger = ledger
        let thread = Thread { [self] in writeUntilFinished() }
        thread.name = "farm ledger writer"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Whether the last batch is written, so the next one can be handed over without waiting.
    var isIdle: Bool {
        condition.lock()
        defer { condition.unlock() }
        return work == nil && !writing
    }

    /// Hands `batch` over, first waiting for the one being written.
    func submit(_ batch: CommitBatch) throws {
        try handOver(.batch(batch))
    }

    /// Renews the lease (a commit renews it too), unless a write is under way.
    func heartbeat() throws {
        guard isIdle else { return }
        try handOver(.heartbeat)
    }

    /// The tasks whose results could not be stored (each now failed for good)
    /// since the last call; throws the error a write failed with.
    func collect() throws -> [Int32] {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        defer { storeFailures = [] }
        return storeFailures
    }

    /// Waits until everything handed over is written, then `collect()`s.
    func drain() throws -> [Int32] {
        condition.lock()
        while (work != nil || writing) && failure == nil { condition.wait() }
        condition.unlock()
        return try collect()
    }

    /// Lets the write under way (and one handed over) end, then ends the thread:
    /// the ledger is the caller's again.
    func finish() {
        condition.lock()
        ending = true
        condition.broadcast()
        while !ended { condition.wait() }
        condition.unlock()
    }

    private func handOver(_ next: Work) throws {
        condition.lock()
        defer { condition.unlock() }
        while (work != nil || writing) && failure == nil { condition.wait() }
        if let failure { throw failure }
        precondition(!ending, "a batch handed over after finish()")
        work = next
        condition.broadcast()
    }

    private func writeUntilFinished() {
        condition.lock()
        while true {
            while work == nil && !ending { condition.wait() }
            guard let next = work, failure == nil else { break }
            work = nil
            writing = true
            condition.unlock()
            var failures: [Int32] = []
            var thrown: (any Error)?
            do {
                switch next {
                case .batch(let batch): failures = try ledger.commit(batch)
                case .heartbeat: try ledger.heartbeat()
                }
            } catch {
                thrown = error
            }
            condition.lock()
            writing = false
            storeFailures += failures
            if failure == nil { failure = thrown }
            condition.broadcast()
        }
        work = nil
        ended = true
        condition.broadcast()
        condition.unlock()
    }
}
