import Farm
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// `farmrun serve`: a read-only web app over a results database — the page, its script and style (all inside
/// the binary) and the JSON API they read — behind the dashboard's token. Built on Hummingbird; bounded in
/// what one client can take: connections, header size, idle time.
package struct DashboardServer: Sendable {
    package struct Options: Sendable {
        package var database: String
        package var port: Int = 8787
        package var bind: String = "127.0.0.1"
        package var token: DashboardToken = .random()
        /// Connections open at once (a browser tab holds one to six); more wait in the listen backlog.
        package var maxConnections = 512
        /// A connection idle this long (a client that neither sends nor reads) is closed.
        package var idleTimeout: Duration = .seconds(30)

        package init(database: String) { self.database = database }
    }

    package let options: Options

    package init(_ options: Options) throws(DashboardError) {
        guard (0...65535).contains(options.port) else { throw .badPort(options.port) }
        guard (try? SocketAddress(ipAddress: options.bind, port: 0)) != nil else { throw .badBind(options.bind) }
        self.options = options
    }

    /// The URL to open once the server listens on `port`.
    package func url(port: Int) -> String {
        let host = options.bind == "0.0.0.0" || options.bind == "::" ? "127.0.0.1" : options.bind
        let shown = host.contains(":") ? "[\(host)]" : host
        return "http://\(shown):\(port)/?token=\(options.token.value)"
    }

    /// Serves until SIGINT or SIGTERM; `ready` gets the URL once the port is bound.
    package func run(ready: @escaping @Sendable (_ url: String, _ port: Int) -> Void) async throws {
        var logger = Logger(label: "farm.serve")
        logger.logLevel = .critical
        let app = Application(
            router: makeRouter(),
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(options.idleTimeout.components.seconds) * 1_000_000_000),
                                                httpDecoderConfiguration: .init(maxHeaderFieldSize: 8192, maxHeaderListSize: 16384, maxHeaderFieldCount: 64))),
            configuration: .init(address: .hostname(options.bind, port: options.port), serverName: nil, backlog: 256,
                                 availableConnectionsDelegate: MaximumAvailableConnections(options.maxConnections)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                ready(url(port: port), port)
            },
            logger: logger
        )
        do {
            try await app.runService()
        } catch let error as IOError {
            throw DashboardError.cannotListen(address: "\(options.bind):\(options.port)", reason: String(cString: strerror(error.errnoCode)))
        }
    }

    /// `run` for a caller that is not async (the CLI): blocks until the server stops.
    package func runBlocking(ready: @escaping @Sendable (_ url: String, _ port: Int) -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = ResultBox()
        Task {
            do { try await run(ready: ready) } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: TokenGate(token: options.token))
        let reader = DashboardReader(database: options.database)
        let cache = SnapshotCache()
        let name = (options.database as NSString).lastPathComponent
        for asset in DashboardAssets.all {
            router.get(RouterPath(asset.path)) { request, _ in DashboardResponse.snapshot(asset.snapshot, for: request) }
        }
        func api(_ path: String, _ make: @escaping @Sendable ([String: String]) async -> Snapshot) {
            router.get(RouterPath("/api/" + path)) { request, _ in
                var given: [String: String] = [:]
                for (key, value) in request.uri.queryParameters where key != "token" { given[String(key)] = String(value) }
                let query = given
                let key = path + "?" + query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
                return DashboardResponse.snapshot(await cache.snapshot(key) { await make(query) }, for: request)
            }
        }
        api("status") { q in await reader.json { db in try DashboardAPI.status(database: name, table: q["table"], in: db) } }
        api("sweeps") { _ in await reader.json { db in try DashboardAPI.sweeps(in: db) } }
        api("failures") { q in await reader.json { db in try DashboardAPI.failures(table: q["table"], in: db) } }
        api("coverage") { q in await reader.json { db in try DashboardAPI.coverage(table: q["table"], by: q["by"], in: db) } }
        api("results") { q in
            await reader.json { db in try DashboardAPI.results(table: q["table"], metric: q["metric"], by: q["by"], descending: q["order"] == "desc", in: db) }
        }
        api("search") { q in await reader.json { db in try DashboardAPI.search(table: q["table"], in: db) } }
        api("attempts") { q in await reader.json { db in try DashboardAPI.attempts(table: q["table"], in: db) } }
        api("chart") { q in await reader.read { db in try DashboardAPI.chart(table: q["table"], query: q, in: db) } }
        return router
    }
}

/// The error a detached server task ends with, handed to the thread that waits for it.
private final class ResultBox: Sendable {
    private let stored = Mutex<(any Error)?>(nil)

    var error: (any Error)? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
