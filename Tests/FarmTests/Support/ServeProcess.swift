import Foundation

/// `farmrun serve` started for a test, known ready once it has printed its URL (read from its log).
final class ServeProcess {
    let process: BackgroundProcess
    let url: String
    let port: Int
    let token: String

    init(database: String, folder: TemporaryFolder, extra: [String] = []) async throws {
        let log = folder.file("serve-\(UUID().uuidString.prefix(8)).log")
        process = try BackgroundProcess([Binaries.farmrun, "serve", "--db", database, "--port", "0"] + extra, logPath: log)
        let process = self.process
        try await waitFor("farmrun serve to print its URL", timeout: 60) {
            process.log.contains("?token=") || !process.process.isRunning
        }
        guard let line = process.log.split(separator: "\n").first(where: { $0.hasPrefix("http://") }),
              let portText = line.split(separator: ":").last?.split(separator: "/").first, let port = Int(portText) else {
            throw WaitTimeout(description: "farmrun serve did not start: \(process.log)")
        }
        url = String(line)
        self.port = port
        token = String(line.split(separator: "=").last ?? "")
    }

    var bearer: [String] { ["Authorization: Bearer \(token)"] }

    func get(_ path: String) throws -> RawHTTP.Answer { try RawHTTP.get(port: port, path, headers: bearer) }

    func stop() async {
        process.process.terminate()
        _ = await process.wait(timeout: 60)
    }

    deinit { if process.process.isRunning { process.process.terminate() } }
}
