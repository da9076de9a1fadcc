import Foundation
import Synchronization

/// Makes sure a worker's jobs die with it. Each job runs in a session of its
/// own (so its whole process group can be stopped), which also means a worker
/// rank killed with SIGKILL would leave its job running, burning a core of the
/// next allocation. A small helper process (`farmrun guard`) holds the read
/// end of a pipe from the worker; the worker writes `+PGID` when a job starts
/// and `-PGID` when it is gone. When the pipe reaches end-of-file (the worker
/// is gone, however it died) the guard kills every group still listed.
/// (It is a `Foundation.Process`, started once per worker and kept for its whole life; jobs, started
/// thousands of times, go through `JobProcess`.)
package final class OrphanGuard: Sendable {
    /// The pipe's write end; the lock keeps two jobs' lines from interleaving.
    private let writeEnd: Mutex<Int32>
    private let process: Process

    /// Starts the guard: `executable guard`, with a pipe on its stdin.
    package init(executable: String) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw TransportError("cannot create the orphan guard's pipe: errno \(errno)") }
        // Neither the guard nor any job may hold the write end, or end-of-file never comes.
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["guard"]
        process.standardInput = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
        process.standardOutput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("OMPI_") || key.hasPrefix("PMIX_") || key.hasPrefix("PMI_") {
            environment[key] = nil  // the guard is no MPI process
        }
        process.environment = environment
        try process.run()
        close(fds[0])
        writeEnd = Mutex(fds[1])
    }

    /// The job whose process group is `pgid` started.
    func started(_ pgid: pid_t) { send("+\(pgid)\n") }

    /// The job's process group `pgid` is gone.
    func ended(_ pgid: pid_t) { send("-\(pgid)\n") }

    private func send(_ line: String) {
        writeEnd.withLock { fd in
            var line = line
            line.withUTF8 { buffer in _ = write(fd, buffer.baseAddress, buffer.count) }
        }
    }

    /// The guard's side (`farmrun guard`): tracks groups from stdin until
    /// end-of-file, then kills the groups still listed. Stop signals are
    /// ignored: only its worker's end ends it.
    package static func serve() {
        for number in [SIGTERM, SIGINT, SIGUSR1, SIGHUP] { signal(number, SIG_IGN) }
        var groups = Set<pid_t>()
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            pending.append(contentsOf: buffer[0..<n])
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = pending[..<newline]
                if let sign = line.first, let pgid = pid_t(String(decoding: line.dropFirst(), as: UTF8.self)), pgid > 1 {
                    if sign == UInt8(ascii: "+") { groups.insert(pgid) } else { groups.remove(pgid) }
                }
                pending.removeSubrange(...newline)
            }
        }
        for pgid in groups {
            kill(-pgid, SIGTERM)
            kill(-pgid, SIGCONT)
        }
        if !groups.isEmpty { usleep(200_000) }
        for pgid in groups { kill(-pgid, SIGKILL) }
    }
}
