import ArgumentParser
import Farm
import FarmDashboard
import Foundation

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a live, read-only dashboard of a results database.",
        discussion: """
            Prints the URL to open, with the token every request needs:

              farmrun serve --db results.db
              http://127.0.0.1:8787/?token=…

            On a login node, tunnel the port from your laptop (ssh -L 8787:127.0.0.1:8787 login-node) and open \
            the same URL there. The database is opened read-only; a farm writing it is not slowed. The pages \
            (overview, failures, coverage, results, attempts) update every two seconds; /api/status and the \
            other /api/ documents are JSON (see the README's "Watching a sweep").
            """)

    @Option(name: .long, help: "The results database.") var db: String
    @Option(help: "The TCP port (0: any free port).") var port: Int = 8787
    @Option(help: "The address to listen on: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface; the token is still required).")
    var bind: String = "127.0.0.1"
    @Option(help: "Read the token from this file (its first line) instead of making a new one per start, so a URL keeps working.")
    var tokenFile: String?

    func run() throws {
        do {
            _ = try Store.openForReading(db)
            var options = DashboardServer.Options(database: db)
            options.port = port
            options.bind = bind
            if let tokenFile { options.token = try DashboardToken.read(from: tokenFile) }
            let server = try DashboardServer(options)
            // Below the farm in the CPU's queue: on a shared node the farm's own work comes first. Set before
            // the server's threads exist, which inherit it.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            if bind != "127.0.0.1" && bind != "::1" && bind != "localhost" {
                StandardStreams.writeError("farmrun serve: listening on \(bind): anyone who reaches this port and has the token reads the results\n")
            }
            try server.runBlocking { url, port in
                StandardStreams.writeOutput(url + "\n")
                StandardStreams.writeError("farmrun serve: \(db) on port \(port); from another machine: ssh -L \(port):127.0.0.1:\(port) \(ProcessInfo.processInfo.hostName), then open the URL above. Ctrl-C stops.\n")
            }
        } catch let error as DashboardError {
            StandardStreams.writeError("farmrun serve: \(error)")
            throw ExitCode(1)
        } catch {
            StandardStreams.writeError("farmrun serve: " + ErrorText.line(for: error, database: db))
            throw ExitCode(1)
        }
    }
}
