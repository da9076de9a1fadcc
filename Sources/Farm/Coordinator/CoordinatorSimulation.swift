import Foundation
import Logging

/// The coordinator-only benchmark behind `farmrun simulate`: the real sweep
/// expansion, ledger sync, coordinator loop and batched SQLite commits, with
/// `SimulatedWorkers` answering instantly. It measures what bounds a farm of
/// many ranks: dispatch+commit decisions per second, rank 0's memory, and how
/// long a resume takes before the first task goes out.
package struct CoordinatorSimulation: Sendable {
    /// Tasks the simulated workers answered in this run.
    package var answered: Int
    /// Seconds from the start of the run (sweep expansion included) to the first dispatch.
    package var secondsToFirstDispatch: Double?
    /// Seconds from the first dispatch to the end of the run (the last commit included).
    package var dispatchSeconds: Double
    /// The process's peak resident memory, in bytes.
    package var peakResidentBytes: Int
    package var exitCode: Int32

    package var decisionsPerSecond: Double {
        dispatchSeconds > 0 ? Double(answered) / dispatchSeconds : 0
    }

    package static func run(_ configuration: RunConfiguration, workers: Int, logger: Logger) -> CoordinatorSimulation {
        let start = Date().timeIntervalSince1970
        let transport = SimulatedWorkers(workers: workers)
        let (code, _) = FarmLauncher.coordinate(configuration, transport: transport, logger: logger)
        let end = Date().timeIntervalSince1970
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        let first = transport.firstAssignAt
        return CoordinatorSimulation(
            answered: transport.answered, secondsToFirstDispatch: first.map { $0 - start },
            dispatchSeconds: first.map { end - $0 } ?? 0, peakResidentBytes: Int(usage.ru_maxrss) * 1024, exitCode: code)
    }

    /// One line for the benchmark script.
    package var line: String {
        let rate = String(format: "%.0f", decisionsPerSecond)
        let first = secondsToFirstDispatch.map { String(format: "%.3f s", $0) } ?? "-"
        let memory = String(format: "%.1f MB", Double(peakResidentBytes) / 1e6)
        return "simulate: \(answered) tasks in \(String(format: "%.2f", dispatchSeconds)) s = \(rate) dispatch+commit/s; first dispatch \(first) after start; peak RSS \(memory); exit \(exitCode)"
    }
}
