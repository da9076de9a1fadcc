import Foundation

/// Endpoints that talk through memory: the coordinator and its worker threads
/// in one process. Used for single-process mode (`--jobs N`), for rank 0's own
/// local slot, and to test the coordinator and worker logic without `mpirun`.
package final class InProcessNetwork: Sendable {
    private let mailboxes: [Int: Mailbox]

    /// A network with a coordinator (rank 0) and workers at `workerRanks`.
    package init(workerRanks: [Int]) {
        var boxes: [Int: Mailbox] = [0: Mailbox()]
        for rank in workerRanks { boxes[rank] = Mailbox() }
        mailboxes = boxes
        self.workerRanks = workerRanks
    }

    package let workerRanks: [Int]

    /// The endpoint of `rank`.
    package func endpoint(_ rank: Int) -> InProcessTransport {
        InProcessTransport(rank: rank, network: self, workerRanks: rank == 0 ? workerRanks : [])
    }

    func deliver(_ envelope: Envelope, to rank: Int) throws {
        guard let box = mailboxes[rank] else { throw TransportError("no in-process endpoint with rank \(rank)") }
        box.put(envelope)
    }

    func mailbox(_ rank: Int) -> Mailbox { mailboxes[rank]! }
}

/// One endpoint of an `InProcessNetwork`.
package final class InProcessTransport: Transport, Sendable {
    package let rank: Int
    package let workerRanks: [Int]
    private let network: InProcessNetwork

    init(rank: Int, network: InProcessNetwork, workerRanks: [Int]) {
        self.rank = rank
        self.network = network
        self.workerRanks = workerRanks
    }

    package func send(_ message: Message, to destination: Int) throws {
        try network.deliver(Envelope(source: rank, message: message), to: destination)
    }

    package func receive(timeout: Double) throws -> Envelope? {
        network.mailbox(rank).take(timeout: timeout)
    }
}

/// A queue of envelopes with a blocking, timed take. (Unchecked: a timed wait needs a
/// condition variable, which Swift's `Mutex` has not; every access holds `condition`'s lock.)
final class Mailbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue = FIFOQueue<Envelope>()

    func put(_ envelope: Envelope) {
        condition.lock()
        queue.append(envelope)
        condition.signal()
        condition.unlock()
    }

    func take(timeout: Double) -> Envelope? {
        condition.lock()
        defer { condition.unlock() }
        if queue.isEmpty && timeout > 0 {
            let limit = Date(timeIntervalSinceNow: timeout)
            while queue.isEmpty && condition.wait(until: limit) {}
        }
        return queue.popFirst()
    }
}
