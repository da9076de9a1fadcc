import Foundation
import Testing
@testable import Farm

/// `farmrun serve` over HTTP, byte for byte: the token on every path, nothing outside the embedded assets,
/// the API's documents, a database that goes away, clients that misbehave. (The page in a real browser:
/// `DashboardBrowserTests`.)
@Suite struct DashboardTests {
    /// A finished sweep: 7 tasks done, one failed with hostile stderr.
    static func sweep(_ folder: TemporaryFolder, name: String = "r.db", values: String = "1..8") throws -> String {
        let db = folder.file(name)
        let job = writeJob(folder, """
            import json, sys
            x = int(sys.argv[1])
            if x == 8:
                sys.stderr.write("<script>window.__xss=1</script><img src=x onerror=window.__xss=2>\\n"); sys.exit(3)
            print(json.dumps({"loss": 1.0 / x, "acc": x / 10}))
            """)
        let r = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "--retries", "0", "--quiet", "-p", "x=\(values)", "--", "python3", job, "{x}"])
        #expect(r.status == 1, "\(r.stderr)")
        return db
    }

    @Test func withoutTheRightTokenEveryPathAnswers401() async throws {
        let folder = TemporaryFolder()
        let serve = try await ServeProcess(database: try Self.sweep(folder), folder: folder)
        let paths = ["/", "/app.js", "/style.css", "/api/status", "/api/failures", "/api/chart", "/nothing", "/../../etc/passwd"]
        let wrong = String(repeating: "0", count: serve.token.count)
        for path in paths {
            for headers in [[], ["Authorization: Bearer \(wrong)"], ["Cookie: farm_token=\(serve.token)x"], ["Authorization: Basic \(serve.token)"]] {
                let answer = try RawHTTP.get(port: serve.port, path, headers: headers)
                #expect(answer.status == 401, "\(path) \(headers): \(answer.status)")
                #expect(!answer.body.contains("farm_task") && !answer.body.contains("<script"), "\(path)")
            }
            let query = path.contains("?") ? "&" : "?"
            #expect(try RawHTTP.get(port: serve.port, path + query + "token=\(wrong)").status == 401, "\(path)")
            #expect(try RawHTTP.get(port: serve.port, path + query + "token=").status == 401, "\(path)")
        }
        // The printed URL: a cookie, and the token out of the address bar; the cookie then opens everything.
        let first = try RawHTTP.get(port: serve.port, "/?token=\(serve.token)")
        #expect(first.status == 303 && first.header("Location") == "/")
        let cookie = try #require(first.header("Set-Cookie"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        let pair = String(cookie.split(separator: ";")[0])
        let page = try RawHTTP.get(port: serve.port, "/", headers: ["Cookie: \(pair)"])
        #expect(page.status == 200 && page.body.contains("<script src=\"/app.js\""))
        #expect(page.header("Content-Security-Policy")?.contains("script-src 'self'") == true)
        #expect(try RawHTTP.get(port: serve.port, "/api/status", headers: ["Cookie: \(pair)"]).status == 200)
        await serve.stop()
    }

    @Test func pathsOutsideTheEmbeddedAssetsAreNeverServed() async throws {
        let folder = TemporaryFolder()
        let db = try Self.sweep(folder)
        try "secret-beside-the-database".write(toFile: folder.file("secret.txt"), atomically: true, encoding: .utf8)
        let serve = try await ServeProcess(database: db, folder: folder)
        let paths = ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "/app.js/../../../etc/passwd",
                     "//etc/passwd", "/%2fetc%2fpasswd", "/secret.txt", "/../secret.txt", "/r.db", "/api/../../r.db",
                     "/.%2e/.%2e/etc/passwd", "/api/status/../../../etc/passwd", "/%c0%ae%c0%ae/etc/passwd", "/etc/passwd%00.js"]
        for path in paths {
            let answer = try serve.get(path)
            #expect(answer.status == 404 || answer.status == 400, "\(path): \(answer.status)")
            #expect(!answer.body.contains("root:") && !answer.body.contains("secret-beside") && !answer.body.contains("SQLite format"), "\(path)")
        }
        await serve.stop()
    }

    @Test func apiStatusIsTheDocumentFarmrunStatusPrints() async throws {
        let folder = TemporaryFolder()
        let db = try Self.sweep(folder)
        let serve = try await ServeProcess(database: db, folder: folder)
        let answer = try serve.get("/api/status")
        #expect(answer.status == 200 && answer.header("Content-Type")?.hasPrefix("application/json") == true)
        let printed = try runProcess([Binaries.farmrun, "status", "--db", db, "--format", "json"]).stdout
        func sweeps(_ text: String) throws -> JSONValue? {
            guard case .object(let members) = try JSONParser.parseOne(Array(text.utf8)) else { return nil }
            return members.first { $0.key == "sweeps" }?.value
        }
        #expect(try sweeps(answer.body) == sweeps(printed), "\(answer.body)\n\(printed)")
        #expect(answer.body.contains(#""counts":{"pending":0,"running":0,"done":7,"failed":1,"pruned":0}"#), "\(answer.body)")
        // Unchanged since the browser's copy: 304, no body.
        let etag = try #require(answer.header("ETag"))
        let again = try RawHTTP.get(port: serve.port, "/api/status", headers: serve.bearer + ["If-None-Match: \(etag)"])
        #expect(again.status == 304 && again.body.isEmpty)
        // The other documents the page reads.
        for path in ["/api/sweeps", "/api/failures", "/api/coverage", "/api/results?metric=loss", "/api/attempts"] {
            #expect(try serve.get(path).status == 200, "\(path)")
        }
        let failures = try serve.get("/api/failures").body
        #expect(failures.contains(#""stderr_tail":"<script>window.__xss=1</script>"#) && failures.contains(#""exit_status":3"#), "\(failures)")
        let chart = try serve.get("/api/chart?kind=line&x=x&y=acc")
        #expect(chart.status == 200 && chart.header("Content-Type")?.hasPrefix("image/svg+xml") == true && chart.body.contains("<svg"))
        let bad = try serve.get("/api/results?metric=nonsense")
        #expect(bad.status == 400 && bad.body.contains("nonsense"), "\(bad.body)")
        #expect(try serve.get("/api/failures?table=other").status == 404)
        await serve.stop()
    }

    @Test func aDatabaseDeletedWhileServingIsAClearErrorAndAReplacementIsReadAnew() async throws {
        let folder = TemporaryFolder()
        let db = try Self.sweep(folder)
        let other = try Self.sweep(folder, name: "other.db", values: "1..12")
        let serve = try await ServeProcess(database: db, folder: folder)
        #expect(try serve.get("/api/status").body.contains(#""done":7"#))
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        var answer = try serve.get("/api/status")
        try await waitFor("the deleted database to be reported", timeout: 60) {
            answer = try serve.get("/api/status")
            return answer.status != 200
        }
        #expect(answer.status == 503 && answer.body.contains("r.db") && answer.body.contains("no such file"), "\(answer.body)")
        #expect(try serve.get("/").status == 200)  // the page itself still loads, and shows the error
        try FileManager.default.copyItem(atPath: other, toPath: db)
        try await waitFor("the replaced database to be read", timeout: 60) {
            try serve.get("/api/status").body.contains(#""done":11"#)
        }
        #expect(serve.process.process.isRunning)
        await serve.stop()
    }

    @Test func clientsThatNeverReadOrNeverFinishDoNotStallOthers() async throws {
        let folder = TemporaryFolder()
        let serve = try await ServeProcess(database: try Self.sweep(folder), folder: folder)
        var held: [Int32] = []
        defer { held.forEach { close($0) } }
        // Twenty that pipeline requests for the largest document and never read an answer …
        let request = "GET /app.js HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(serve.token)\r\n\r\n"
        for _ in 0..<20 {
            let fd = try RawHTTP.connect(port: serve.port, timeoutSeconds: 2)
            held.append(fd)
            for _ in 0..<200 where RawHTTP.send(fd, request) {}
        }
        // … twenty that send half a request and stop …
        for _ in 0..<20 {
            let fd = try RawHTTP.connect(port: serve.port)
            held.append(fd)
            RawHTTP.send(fd, "GET /api/status HTTP/1.1\r\nHost: x\r\nAuthor")
        }
        // … and one whose headers never end within the bound.
        let huge = try RawHTTP.exchange(port: serve.port, "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: \(String(repeating: "a", count: 100_000))\r\nConnection: close\r\n\r\n")
        #expect(huge.status == 431 || huge.status == 400, "\(huge.status)")
        // Everyone else is answered.
        for _ in 0..<10 {
            let answer = try serve.get("/api/status")
            #expect(answer.status == 200)
        }
        #expect(serve.process.process.isRunning)
        await serve.stop()
    }

    @Test func badServeOptionsAreOneLineAndNothingStarts() throws {
        let folder = TemporaryFolder()
        let db = try Self.sweep(folder)
        try "short".write(toFile: folder.file("short"), atomically: true, encoding: .utf8)
        try "has space in it and is long enough to pass the length".write(toFile: folder.file("spaces"), atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["--db", folder.file("missing.db")], "missing.db"),
            (["--db", db, "--port", "70000"], "--port 70000"),
            (["--db", db, "--bind", "nowhere"], "--bind nowhere"),
            (["--db", db, "--token-file", folder.file("none")], "--token-file"),
            (["--db", db, "--token-file", folder.file("short")], "at least 32"),
            (["--db", db, "--token-file", folder.file("spaces")], "only letters, digits"),
            (["--db", folder.path], "it is a folder"),
        ]
        for (arguments, expected) in cases {
            let r = try runProcess([Binaries.farmrun, "serve", "--port", "0"] + arguments)
            #expect(r.status == 1, "\(arguments): \(r.status)")
            #expect(r.stdout.isEmpty && r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(expected), "\(arguments): \(r.stderr)")
        }
    }

    @Test func aSearchShowsItsRungsAndTheBestSoFar() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("s.db")
        let job = writeJob(folder, """
            import json, os, sys
            lr = float(sys.argv[1])
            for e in range(int(os.environ.get("FARM_RESUME_FROM", "0")) + 1, 10):
                print(json.dumps({"e": e, "loss": lr * 10 / e}), flush=True)
            """)
        try """
            command: [python3, \(job), "{lr}"]
            parameters: {lr: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], e: [1, 3, 9]}
            fidelity: e
            metric: {name: loss, goal: minimize}
            early_terminate: {type: asha, eta: 3, min: 1}
            """.write(toFile: folder.file("s.yaml"), atomically: true, encoding: .utf8)
        let run = try runProcess([Binaries.farmrun, folder.file("s.yaml"), "--db", db, "--jobs", "2", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let serve = try await ServeProcess(database: db, folder: folder)
        let search = try serve.get("/api/search")
        #expect(search.status == 200, "\(search.body)")
        #expect(search.body.contains(#""fidelity":"e""#) && search.body.contains(#""rungs":[{"value":"1","continued":"#), "\(search.body)")
        #expect(search.body.contains(#""best":[{"parameters":{"lr":0.1},"reached":"9""#), "\(search.body)")
        await serve.stop()
        let plain = try await ServeProcess(database: try Self.sweep(folder), folder: folder)
        let answer = try plain.get("/api/search")
        #expect(answer.status == 400 && answer.body.contains("not a search"), "\(answer.body)")
        await plain.stop()
    }

    @Test func documentsTooLargeForAPageAreRefusedWithAChoice() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("big.db")
        // 60,000 tasks and rows in a second: the coordinator-only simulation (workers that answer at once).
        let made = try runProcess([Binaries.farmrun, "simulate", "--db", db, "--tasks", "60000", "--workers", "8"])
        #expect(made.status == 0, "\(made.stderr)")
        let serve = try await ServeProcess(database: db, folder: folder)
        let scatter = try serve.get("/api/chart?kind=scatter&x=i&y=task_id")
        #expect(scatter.status == 400 && scatter.body.contains("a scatter of 60000 rows") && scatter.body.contains("choose line or heatmap"), "\(scatter.body)")
        let grid = try serve.get("/api/coverage?by=i")
        #expect(grid.status == 400 && grid.body.contains("60000 cells"), "\(grid.body)")
        #expect(try serve.get("/api/status").body.contains(#""done":60000"#))
        let summary = try serve.get("/api/results?metric=task_id&by=i").body
        #expect(summary.contains(#""configurations":60000"#) && summary.components(separatedBy: #""n":"#).count == 1001, "\(summary.prefix(300))")
        await serve.stop()
    }

    @Test func aPortInUseIsOneLineNamingIt() async throws {
        let folder = TemporaryFolder()
        let db = try Self.sweep(folder)
        let first = try await ServeProcess(database: db, folder: folder)
        let second = try runProcess([Binaries.farmrun, "serve", "--db", db, "--port", String(first.port)])
        #expect(second.status == 1 && second.stderr == "farmrun serve: cannot listen on 127.0.0.1:\(first.port): Address already in use; choose another --port (--port 0 takes any free one), or stop what uses it\n", "\(second.stderr)")
        #expect(try first.get("/api/status").status == 200)
        await first.stop()
    }

    @Test func aTokenFileKeepsTheURLAcrossRestarts() async throws {
        let folder = TemporaryFolder()
        let db = try Self.sweep(folder)
        let token = String(repeating: "ab12", count: 10)
        try (token + "\n").write(toFile: folder.file("token"), atomically: true, encoding: .utf8)
        for _ in 0..<2 {
            let serve = try await ServeProcess(database: db, folder: folder, extra: ["--token-file", folder.file("token")])
            #expect(serve.token == token)
            #expect(try serve.get("/api/status").status == 200)
            await serve.stop()
        }
    }
}
