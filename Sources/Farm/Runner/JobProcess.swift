import CLinux
import Foundation

/// How a job's main process ended.
enum JobExit: Sendable, Equatable {
    case exited(Int32)
    case signaled(Int32)
}

/// A spawned job seen from the slot that started it: the leader of its own session and process
/// group, the read ends of its stdout and stderr, and a descriptor that polls readable when it
/// exits, so one thread can follow it with poll(2) alone.
///
/// It exists because the job path is farm's hottest: a no-op task through swift-subprocess
/// (an async scope, a task per stream, a watchdog task, the pool's threads handing the outcome
/// back) spent about a third of a 5,000-task run's CPU on that machinery (`perf record` of
/// `farmrun --jobs 2` over 5,000 no-op tasks), against a few syscalls here.
/// It is reaped once: until then its pid, and so its process group, cannot be reused, which
/// makes the group kill after it exits safe.
struct JobProcess {
    let pid: pid_t
    let stdout: Int32
    let stderr: Int32
    /// A pidfd (nil on a kernel without pidfd_open: then `hasExited` is asked each time round).
    let exitDescriptor: Int32?

    /// Starts `path` (found already: see `ProgramLookup`) with `argv` and `environment` with
    /// `overriding` put over it; the failure, worded for the ledger, if it cannot start.
    static func start(path: String, argv: [String], environment: InheritedEnvironment,
                      overriding: [String: String]) -> Result<JobProcess, SpawnFailure> {
        var stdoutPipe: [Int32] = [-1, -1], stderrPipe: [Int32] = [-1, -1]
        guard farm_pipe_cloexec(&stdoutPipe) == 0 else { return .failure(SpawnFailure(errno: errno, path: path)) }
        guard farm_pipe_cloexec(&stderrPipe) == 0 else {
            let code = errno
            close(stdoutPipe[0]); close(stdoutPipe[1])
            return .failure(SpawnFailure(errno: code, path: path))
        }
        var pid: pid_t = 0
        let rc = CStringArray.with(argv) { cArgv in
            environment.withEnvironment(overriding: overriding) { cEnvironment in
                farm_spawn_job(path, cArgv, cEnvironment, stdoutPipe[1], stderrPipe[1], &pid)
            }
        }
        close(stdoutPipe[1]); close(stderrPipe[1])
        guard rc == 0 else {
            close(stdoutPipe[0]); close(stderrPipe[0])
            return .failure(SpawnFailure(errno: rc, path: path))
        }
        let pidfd = farm_pidfd_open(pid)
        return .success(JobProcess(pid: pid, stdout: stdoutPipe[0], stderr: stderrPipe[0], exitDescriptor: pidfd >= 0 ? pidfd : nil))
    }

    /// Whether the main process has exited (it is not reaped by asking).
    var hasExited: Bool {
        var info = siginfo_t()
        let rc = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        return rc == 0 && info._sifields._sigchld.si_pid == pid  // stays 0 while it runs
    }

    /// Reaps the exited main process: how it ended and what it and the children it waited for cost.
    func reap() -> (exit: JobExit, usage: ChildUsage) {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        // WIFSIGNALED / WTERMSIG / WEXITSTATUS are macros Swift cannot call: their definitions.
        let signal = status & 0x7F
        let exit: JobExit = signal != 0 && signal != 0x7F ? .signaled(signal) : .exited((status >> 8) & 0xFF)
        return (exit, ChildUsage(cpuSeconds: cpu, maxRSSKiB: Int64(usage.ru_maxrss)))
    }

    /// Closes what farm holds of it (the pipes' read ends, the pidfd).
    func closeDescriptors() {
        close(stdout)
        close(stderr)
        if let exitDescriptor { close(exitDescriptor) }
    }
}

/// Why a job could not be started, in the words the ledger keeps.
struct SpawnFailure: Error, Sendable {
    let reason: String

    init(reason: String) {
        self.reason = reason
    }

    init(errno code: Int32, path: String) {
        switch code {
        case ENOENT: reason = "no such program (check the command and PATH)"
        case EACCES: reason = "permission denied: the program is not executable (chmod +x it, or start it with its interpreter, e.g. python3 job.py)"
        case ENOEXEC: reason = "\(path) is not a program this machine can run (a script needs a #! line, or start it with its interpreter)"
        default: reason = "\(String(cString: strerror(code))) (errno \(code))"
        }
    }
}

/// NUL-terminated C string arrays (argv, envp) for the length of one call.
enum CStringArray {
    static func with<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
