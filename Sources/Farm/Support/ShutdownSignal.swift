import Foundation
import Synchronization

/// Catches SIGTERM, SIGINT and SIGUSR1 (Slurm's time-limit and pre-timeout
/// signals, Ctrl-C) and remembers the first one, so the coordinator can stop
/// handing out tasks, let running jobs finish until the grace deadline, commit
/// and exit. The handler only stores a number; all work happens in the loops.
package enum ShutdownSignal {
    private static let received = Atomic<Int32>(0)

    /// Installs the handlers (and ignores SIGPIPE, so a closed pipe is an error, not death).
    package static func install() {
        signal(SIGPIPE, SIG_IGN)
        for sig in [SIGTERM, SIGINT, SIGUSR1] {
            signal(sig) { number in
                _ = ShutdownSignal.received.compareExchange(expected: 0, desired: number, ordering: .relaxed)
            }
        }
    }

    /// The first stop signal received, if any.
    package static var pending: Int32? {
        let value = received.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// Forgets a received signal (tests run several farms in one process).
    package static func reset() {
        received.store(0, ordering: .relaxed)
    }

    /// Pretends `number` arrived (tests, and a worker's report of its own signal).
    package static func raise(_ number: Int32) {
        _ = received.compareExchange(expected: 0, desired: number, ordering: .relaxed)
    }
}
