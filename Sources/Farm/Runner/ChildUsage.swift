import CLinux
import Foundation

/// What a finished job cost: CPU time (user + system) and peak resident
/// memory, its own and its waited-for children's, as the kernel counted them.
///
/// Read from the exited child before swift-subprocess reaps it (Linux's waitid
/// with WNOWAIT and a rusage pointer), so it is exact per job even when a
/// worker runs several jobs at once.
package struct ChildUsage: Sendable, Equatable {
    package var cpuSeconds: Double
    /// Peak resident set size in KiB (Linux reports ru_maxrss in KiB).
    package var maxRSSKiB: Int64

    package init(cpuSeconds: Double, maxRSSKiB: Int64) {
        self.cpuSeconds = cpuSeconds
        self.maxRSSKiB = maxRSSKiB
    }

    /// The usage of `pid` if it has exited (not reaped), nil while it runs or on error.
    static func ofExited(_ pid: pid_t) -> ChildUsage? {
        var usage = rusage()
        guard farm_peek_child_usage(pid, &usage) == 1 else { return nil }
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return ChildUsage(cpuSeconds: cpu, maxRSSKiB: Int64(usage.ru_maxrss))
    }

    /// Waits (without blocking a thread) for `pid` to exit and returns its
    /// usage; nil if cancelled first. Called once the job's output has ended,
    /// which is normally microseconds before its exit.
    static func awaitExit(of pid: pid_t) async -> ChildUsage? {
        var pause = 50
        while !Task.isCancelled {
            if let usage = ofExited(pid) { return usage }
            do { try await Task.sleep(for: .microseconds(pause)) } catch { return nil }
            pause = min(pause * 2, 20_000)
        }
        return nil
    }
}
