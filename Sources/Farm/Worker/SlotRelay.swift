import Foundation
import Synchronization

/// A worker rank that runs several tasks at once: each slot is a `Worker` on its own thread,
/// talking through memory, and this relay — on the rank's main thread, the only one that calls
/// MPI — carries their messages to rank 0 and back, each tagged with its slot.
package final class SlotRelay {
    private let mpi: MPITransport
    private let network: InProcessNetwork
    private let slotCount: Int
    private let finished = FinishedSlots()

    /// `network` has the relay at 0 and the slots at 1...slotCount (slot `k` at `k + 1`).
    package init(mpi: MPITransport, network: InProcessNetwork, slotCount: Int) {
        self.mpi = mpi
        self.network = network
        self.slotCount = slotCount
    }

    /// The in-process rank of slot `k`.
    package static func localRank(ofSlot slot: Int) -> Int { slot + 1 }

    /// Starts each slot's worker (`makeWorker` gets the slot's endpoint and slot number) and
    /// relays until every one has returned.
    package func run(makeWorker: @escaping @Sendable (InProcessTransport, Int) -> Worker, onError: @escaping @Sendable (Int, any Error) -> Void) throws {
        for slot in 0..<slotCount {
            let endpoint = network.endpoint(Self.localRank(ofSlot: slot))
            let finished = self.finished
            let thread = Thread {
                do { try makeWorker(endpoint, slot).run() } catch { onError(slot, error) }
                finished.count.add(1, ordering: .releasing)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        let local = network.endpoint(0)
        while true {
            // Read the count first: a slot's last message is in the mailbox before it counts itself done.
            let done = finished.count.load(ordering: .acquiring) == slotCount
            if let frame = try mpi.receiveFrame(timeout: done ? 0 : 0.25) {
                switch frame {
                case .fromCoordinator(let slot, let message):
                    try local.send(message, to: Self.localRank(ofSlot: slot))
                case .fromSlot(let envelope):
                    try mpi.send(envelope.message, toRank: 0, slot: envelope.source - 1)
                }
            } else if done {
                return
            }
        }
    }
}

/// How many of a relay's slots have returned.
private final class FinishedSlots: Sendable {
    let count = Atomic<Int>(0)
}
