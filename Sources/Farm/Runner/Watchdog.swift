import Foundation

/// Watches a running job for its timeout, an abort from the worker, and the
/// case where the job's main process exited but a background child still holds
/// its output pipes open.
enum Watchdog {
    enum StopReason: Sendable {
        case timedOut
        case aborted
    }

    /// Returns when the job should be stopped (after calling `stop`), or nil
    /// when it is cancelled because the job ended by itself. It looks every
    /// `maxInterval` ms at most (a fidelity job is watched closely: early
    /// stopping's prune should stop it within an epoch or so).
    static func watch(pid: pid_t, deadline: ContinuousClock.Instant?, control: JobControl, maxInterval: Int = 50,
                      stop: @Sendable (StopReason) async -> Void) async -> StopReason? {
        var interval = 2
        while !Task.isCancelled {
            if control.aborted {
                await stop(.aborted)
                return .aborted
            }
            if let deadline, ContinuousClock.now >= deadline {
                await stop(.timedOut)
                return .timedOut
            }
            if mainProcessExited(pid) {
                // The job is over; whatever of its group still runs holds the pipes.
                kill(-pid, SIGKILL)
                return nil
            }
            do { try await Task.sleep(for: .milliseconds(interval)) } catch { return nil }
            interval = min(interval * 2, maxInterval)
        }
        return nil
    }

    /// Whether `pid` has exited, without reaping it (swift-subprocess does that).
    static func mainProcessExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        let rc = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        return rc == 0 && info._sifields._sigchld.si_pid == pid  // stays 0 while it runs
    }
}

/// Names of the signals a job most often dies of.
package enum SignalName {
    package static func of(_ signal: Int32) -> String {
        switch signal {
        case SIGHUP: "SIGHUP"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGILL: "SIGILL"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        case SIGUSR1: "SIGUSR1"
        case SIGSEGV: "SIGSEGV"
        case SIGUSR2: "SIGUSR2"
        case SIGPIPE: "SIGPIPE"
        case SIGALRM: "SIGALRM"
        case SIGTERM: "SIGTERM"
        case SIGXCPU: "SIGXCPU"
        default: "signal \(signal)"
        }
    }
}
