/// How the coordinator and workers exchange messages, so their logic runs the
/// same over MPI (ranks in an allocation) and in-process (threads in tests and
/// in single-process mode). Rank 0 is the coordinator.
///
/// A transport is used from one thread at a time (MPI's "funneled" model):
/// the coordinator's loop, or one worker's loop.
package protocol Transport: AnyObject {
    /// This endpoint's rank.
    var rank: Int { get }
    /// The ranks of the workers this endpoint's coordinator serves (empty on a worker).
    var workerRanks: [Int] { get }
    /// Sends `message` to `destination`.
    func send(_ message: Message, to destination: Int) throws
    /// The next message, waiting at most `timeout` seconds (0: just check).
    /// Waiting never spins a core: it sleeps between checks.
    func receive(timeout: Double) throws -> Envelope?
}

/// Errors in moving messages between ranks.
package struct TransportError: FarmError {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
