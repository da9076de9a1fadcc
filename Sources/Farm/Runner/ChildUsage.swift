import Foundation

/// What a finished job cost: CPU time (user + system) and peak resident
/// memory, its own and its waited-for children's, as the kernel counted them.
///
/// Read as the job is reaped (wait4's rusage, or the warm Python's for a
/// forked job), so it is exact per job even when a worker runs several at once.
package struct ChildUsage: Sendable, Equatable {
    package var cpuSeconds: Double
    /// Peak resident set size in KiB (Linux reports ru_maxrss in KiB).
    package var maxRSSKiB: Int64

    package init(cpuSeconds: Double, maxRSSKiB: Int64) {
        self.cpuSeconds = cpuSeconds
        self.maxRSSKiB = maxRSSKiB
    }
}
