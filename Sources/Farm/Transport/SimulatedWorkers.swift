import Foundation

/// A transport whose workers answer every task at once with a small result,
/// without spawning anything: the coordinator-only benchmark
/// (`farmrun simulate`) runs the real coordinator, ledger and SQLite commits
/// against it, to measure how many dispatch+commit decisions one rank 0 makes
/// per second, hence how many ranks it can serve.
///
/// Single-threaded: an answer is queued when the task is sent.
package final class SimulatedWorkers: Transport {
    package let rank = 0
    package let workerRanks: [Int]
    private var inbox: FIFOQueue<Envelope>
    /// How many tasks were answered.
    package private(set) var answered = 0
    /// When the first task was sent (seconds since 1970), for the resume-cost figure.
    package private(set) var firstAssignAt: Double?

    package init(workers: Int) {
        workerRanks = Array(1...max(1, workers))
        inbox = FIFOQueue(workerRanks.map { Envelope(source: $0, message: .ready(host: "simulated")) })
    }

    package func send(_ message: Message, to destination: Int) throws {
        guard case .assign(let assignment) = message else { return }
        if firstAssignAt == nil { firstAssignAt = Date().timeIntervalSince1970 }
        answered += 1
        let row = ResultRow(columns: ["value", "worker"], values: [.real(Double(assignment.taskID) * 0.5), .integer(Int64(destination))])
        let outcome = TaskOutcome(taskID: assignment.taskID, status: .succeeded(row), exitCode: 0,
                                  startedAt: 0, wallSeconds: 0.001, host: "simulated", rank: destination)
        inbox.append(Envelope(source: destination, message: .outcome(outcome)))
    }

    package func receive(timeout: Double) throws -> Envelope? {
        inbox.popFirst()
    }
}
