import Foundation

/// One slot's warm Python: an interpreter that has imported the sweep's `preload:` modules and
/// forks each task from itself (see `WarmServerSource`). Started lazily at the slot's first
/// Python task, replaced after `preload_tasks` tasks or when its memory grows past half as
/// much again as it had once ready, started anew when it dies. An interpreter that cannot
/// preload (a module that does not import, one not safe to fork) is not tried again: its tasks
/// start cold, and the first of them carries a note saying why.
///
/// Used by its slot's thread only, like the `Worker` that owns it.
package final class WarmInterpreter {
    /// What makes two tasks need the same interpreter: its launcher, flags and modules, and the
    /// variables of the sweep's `env:` that shape an interpreter (every other one is set per task).
    struct Identity: Hashable {
        var interpreter: [String]
        var modules: [String]
        var environment: [String: String]
    }

    /// A running warm Python.
    final class Server {
        let identity: Identity
        let process: Process
        let channel: WarmChannel
        /// The environment it started with: each task's differences are sent with it.
        let environment: [String: String]
        var pid: pid_t = 0
        var readyKiB: Int64 = 0
        var tasksRun = 0

        init(identity: Identity, process: Process, channel: WarmChannel, environment: [String: String]) {
            self.identity = identity
            self.process = process
            self.channel = channel
            self.environment = environment
        }
    }

    enum Start {
        case ready(Server)
        /// Run this task cold; `note` (once per identity) says why in rank 0's log.
        case cold(note: String?)
        case aborted
    }

    private var server: Server?
    private var refused: Set<Identity> = []
    /// Servers that died under a task; past a few, this slot stops trying.
    private var deaths = 0
    private var gaveUpSaid = false
    private let orphanGuard: OrphanGuard?

    package init(orphanGuard: OrphanGuard?) {
        self.orphanGuard = orphanGuard
    }

    deinit { shutdown() }

    /// The server for a task of `command` whose start-up environment is `environment`, started
    /// (and its imports awaited, hearing `shouldAbort` meanwhile) if there is none for it yet.
    func server(for command: PythonCommand, preload: PreloadSpec, environment: [String: String], sweepEnvironment: [String: String],
                shouldAbort: () -> Bool) -> Start {
        let identity = Identity(interpreter: command.interpreter, modules: preload.modules, environment: sweepEnvironment)
        if let server, server.identity == identity, !server.channel.closed { return .ready(server) }
        stopServer()
        guard !refused.contains(identity) else { return .cold(note: nil) }
        guard deaths < 3 else {
            defer { gaveUpSaid = true }
            return .cold(note: gaveUpSaid ? nil : "preload: the warm Python (\(command.interpreter.joined(separator: " "))) died under 3 tasks on this slot; its tasks start cold from now on")
        }
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        guard case .found(let executable) = ProgramLookup.find(command.interpreter[0], path: path) else {
            return .cold(note: nil)  // the cold start reports the missing program as the task's spawn failure
        }
        let name = command.interpreter.joined(separator: " ")
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            return refuse(identity, "preload: cannot make a socket for the warm Python (errno \(errno)); tasks start cold")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.interpreter.dropFirst()) + ["-c", WarmServerSource.program] + preload.modules
        process.environment = environment
        process.standardInput = FileHandle(fileDescriptor: ends[1], closeOnDealloc: false)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            close(ends[0]); close(ends[1])
            return refuse(identity, "preload: cannot start the warm Python (\(name)): \(error.localizedDescription); tasks start cold")
        }
        close(ends[1])
        let started = Server(identity: identity, process: process, channel: WarmChannel(fd: ends[0]), environment: environment)
        while true {
            if shouldAbort() {
                kill(process.processIdentifier, SIGKILL)
                return .aborted
            }
            if let frame = started.channel.receive(timeout: 0.005) {
                if let pid = frame.integer("ready") {
                    started.pid = pid_t(pid)
                    started.readyKiB = frame.integer("rss") ?? 0
                    orphanGuard?.started(started.pid)
                    server = started
                    return .ready(started)
                }
                kill(process.processIdentifier, SIGKILL)
                if let module = frame.text("failed") {
                    return refuse(identity, "preload: cannot import \(module) (\(frame.text("error") ?? "it failed")); the sweep runs without preloading")
                }
                if let why = frame.text("unsupported") {
                    return refuse(identity, "preload: cannot preload with \(name): \(why); the sweep runs without preloading")
                }
                if let module = frame.text("unsafe") {
                    return refuse(identity, "preload: importing \(preload.modules.joined(separator: ", ")) loaded \(module), which is not safe to fork after import; the sweep runs without preloading")
                }
                return refuse(identity, "preload: the warm Python (\(name)) said something farm does not understand; the sweep runs without preloading")
            }
            if started.channel.closed {
                process.waitUntilExit()
                let how = process.terminationReason == .uncaughtSignal ? "was killed by signal \(process.terminationStatus)" : "exited with status \(process.terminationStatus)"
                return refuse(identity, "preload: the warm Python (\(name)) \(how) before its imports were done (it needs Python 3.9 or newer); the sweep runs without preloading")
            }
        }
    }

    /// A task ran on `server`; `residentKiB` is the server's memory after it. Replaces the server
    /// when it has run its share of tasks or grown.
    func finished(on server: Server, preload: PreloadSpec, residentKiB: Int64?) {
        server.tasksRun += 1
        let grown = residentKiB.map { $0 > server.readyKiB + max(server.readyKiB / 2, 64 << 10) } ?? false
        if server.tasksRun >= preload.recycleAfterTasks || grown { stopServer() }
    }

    /// `server` died under a task: the next task starts a new one (after three deaths, tasks start cold).
    func died(_ server: Server) {
        deaths += 1
        if self.server === server { stopServer() }
    }

    /// Stops the server, if one runs (the worker is done, or a task needs another interpreter).
    package func shutdown() { stopServer() }

    private func stopServer() {
        guard let server else { return }
        self.server = nil
        // Between tasks it waits on its socket: end-of-file ends it, SIGKILL makes sure.
        server.channel.hangUp()
        kill(server.process.processIdentifier, SIGKILL)
        if server.pid > 0 { orphanGuard?.ended(server.pid) }
        server.process.waitUntilExit()
    }

    private func refuse(_ identity: Identity, _ note: String) -> Start {
        refused.insert(identity)
        return .cold(note: note)
    }
}
