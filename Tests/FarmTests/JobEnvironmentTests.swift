import Foundation
import Testing

/// What a job finds in its environment: the sweep's `env:` (filled per task) and `--env`, beside farm's own
/// `FARM_…` variables, which a sweep cannot override.
@Suite struct JobEnvironmentTests {
    @Test func eachJobSeesItsEnvValuesFilledForItsTask() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let job = writeJob(folder, """
            import json, os
            print(json.dumps({"out": os.environ["OUT_DIR"], "level": os.environ["LOG_LEVEL"], "task": os.environ["FARM_TASK_ID"]}))
            """)
        try """
            command: [python3, \(job), "{m}"]
            parameters: {m: [small, wide]}
            env: {OUT_DIR: "runs/{m}/{task}", LOG_LEVEL: 2}
            """.write(toFile: folder.file("sweep.yaml"), atomically: true, encoding: .utf8)
        let r = try runProcess([Binaries.farmrun, folder.file("sweep.yaml"), "--db", db, "--jobs", "2", "--quiet", "--env", "LOG_LEVEL=3"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try dbtool(["query", db, "SELECT m, out, level, task FROM results ORDER BY m"]).stdout
        let lines = rows.split(separator: "\n").dropFirst().map(String.init)
        #expect(lines.count == 2, "\(rows)")
        for line in lines {
            let cells = line.split(separator: ",").map(String.init)
            #expect(cells[1] == "runs/\(cells[0])/\(cells[3])" && cells[2] == "3", "\(line)")
        }
        let bad = try runProcess([Binaries.farmrun, folder.file("sweep.yaml"), "--db", db, "--env", "FARM_SEED=1"])
        #expect(bad.status == 64 && bad.stderr.split(separator: "\n").count == 1 && bad.stderr.contains("farm's own"), "\(bad.stderr)")
    }
}
