import Foundation
import Testing

/// The dashboard in a real headless chromium while a farm runs (`Tests/dashboard/browser_check.py`,
/// selenium from the test venv): counts equal to `farmrun status --format json` and moving without a
/// reload, hostile job output shown as text, the coverage grid, a sortable summary and a chart redrawn
/// for another metric. Its screenshots go to `FARM_SCREENSHOTS` (the README's come from
/// `FARM_SCREENSHOTS=docs`), else to a temporary folder.
@Suite struct DashboardBrowserTests {
    static var browserAvailable: Bool {
        TestPython.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
    }

    @Test(.enabled(if: browserAvailable, "needs chromium, chromium-driver (scripts/install-deps.sh --browser) and the test venv"))
    func thePageFollowsARunningFarmAndShowsJobOutputAsText() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("results.db")
        let gate = folder.file("gate")
        // 20 × 15 = 300 tasks; those with a > 7 wait for the gate; a = 1, b = 7 fails with markup on stderr.
        let job = writeJob(folder, """
            import json, os, sys, time
            a, b = int(sys.argv[1]), int(sys.argv[2])
            if a == 1 and b == 7:
                sys.stderr.write("<script>window.__xss=1</script><img src=x onerror=window.__xss=2>\\n"); sys.exit(3)
            while a > 7 and not os.path.exists(sys.argv[3]):
                time.sleep(0.05)
            print(json.dumps({"loss": round(1.0 / (a + 0.3 * b), 4), "acc": round(1 - 0.5 / (a + 0.2 * b), 4)}))
            """)
        let farm = try BackgroundProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "--retries", "0", "--progress", "0",
                                          "-p", "a=1..20", "-p", "b=1..15", "--", "python3", job, "{a}", "{b}", gate],
                                         logPath: folder.file("farm.log"))
        try await waitFor("the farm to create its ledger", timeout: 120) {
            FileManager.default.fileExists(atPath: db) && (try? runProcess([Binaries.farmrun, "status", "--db", db]).stdout.contains("300 tasks")) == true
        }
        let serve = try await ServeProcess(database: db, folder: folder)
        let shots = ProcessInfo.processInfo.environment["FARM_SCREENSHOTS"].map { $0.hasPrefix("/") ? $0 : Slurm.repository + "/" + $0 } ?? folder.path
        let check = try runProcess([TestPython.path, Slurm.repository + "/Tests/dashboard/browser_check.py", serve.url, Binaries.farmrun, db, gate, shots])
        if !FileManager.default.fileExists(atPath: gate) { _ = FileManager.default.createFile(atPath: gate, contents: nil) }
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
        #expect(check.stdout.contains("browser check passed"))
        #expect(await farm.wait() == 1, "\(farm.log)")
        await serve.stop()
    }
}
