import Foundation

/// Follows a running job on the slot's own thread with poll(2): reads its stdout (bounded, and
/// as report lines in a fidelity sweep) and stderr's tail until both pipes close and its end is
/// known; at its timeout, or when the worker says abort, sends SIGTERM to its whole group and
/// SIGKILL after `killGrace`; once its main process has ended, SIGKILLs what is left of the
/// group (a background child holding the pipes). The same loop serves a spawned job (its end
/// from a pidfd) and one forked by a warm Python (its end from the server's report), so both
/// keep one contract. No thread, task or timer besides the caller's.
struct JobFollower {
    /// Why farm stopped a job.
    enum StopReason: Sendable {
        case timedOut
        case aborted
    }

    let pid: pid_t
    let stdout: Int32
    let stderr: Int32
    let killGrace: Double
    let stdoutLimit: Int
    let stderrTailBytes: Int

    /// Follows the job to its end. `endDescriptor`, while `ended` has not said yes, is polled
    /// with the pipes (a pidfd, the warm server's socket); `ended` is asked each time round
    /// (after every wake-up, and at least every 5 ms, when `shouldAbort` is asked too).
    func follow(timeout: Double, reportKey: String?, reports: ReportSink?, endDescriptor: Int32?,
                ended: () -> Bool, shouldAbort: () -> Bool) -> Captured {
        var captured = Captured(stdout: BoundedCapture(limit: stdoutLimit), stderr: TailCapture(capacity: stderrTailBytes))
        var lines = reportKey.map { ReportLines(key: $0, sink: reports ?? ReportSink()) }
        let clock = ContinuousClock()
        let deadline = timeout > 0 ? clock.now + .milliseconds(Int64(timeout * 1000)) : nil
        var killAt: ContinuousClock.Instant?
        // Output held open by a process that left the group is not waited for past this.
        var giveUpOutputAt: ContinuousClock.Instant?
        var open = (stdout: true, stderr: true)
        var isOver = false
        var chunk = [UInt8](repeating: 0, count: 65536)
        var watched = [pollfd]()
        watched.reserveCapacity(3)
        while open.stdout || open.stderr || !isOver {
            watched.removeAll(keepingCapacity: true)
            if open.stdout { watched.append(pollfd(fd: stdout, events: Int16(POLLIN), revents: 0)) }
            if open.stderr { watched.append(pollfd(fd: stderr, events: Int16(POLLIN), revents: 0)) }
            if !isOver, let endDescriptor { watched.append(pollfd(fd: endDescriptor, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&watched, nfds_t(watched.count), 5)
            for entry in watched where entry.revents != 0 && (entry.fd == stdout || entry.fd == stderr) {
                let n = chunk.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                guard n > 0 else {
                    if entry.fd == stdout { open.stdout = false } else { open.stderr = false }
                    continue
                }
                chunk.withUnsafeBytes { bytes in
                    let part = UnsafeRawBufferPointer(rebasing: bytes[0..<n])
                    if entry.fd == stdout {
                        captured.stdout.append(part)
                        lines?.append(part)
                    } else {
                        captured.stderr.append(part)
                    }
                }
            }
            if !isOver && ended() {
                isOver = true
                kill(-pid, SIGKILL)  // it is over; a background child would hold the pipes open
                giveUpOutputAt = clock.now + .milliseconds(Int64(max(killGrace, 1) * 1000))
            }
            if let giveUpOutputAt, clock.now >= giveUpOutputAt { break }
            if captured.stop == nil && !isOver {
                if shouldAbort() {
                    captured.stop = .aborted
                } else if let deadline, clock.now >= deadline {
                    captured.stop = .timedOut
                }
                if captured.stop != nil {
                    kill(-pid, SIGTERM)
                    killAt = clock.now + .milliseconds(Int64(killGrace * 1000))
                }
            } else if !isOver, let due = killAt, clock.now >= due {
                kill(-pid, SIGKILL)
                killAt = nil
            }
        }
        lines?.finish()
        return captured
    }
}
