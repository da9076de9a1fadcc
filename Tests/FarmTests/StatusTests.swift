import Foundation
import GRDB
import Testing
@testable import Farm

/// `farmrun status` on a real sweep with failures: causes grouped, coverage
/// per parameter value, and `--missing` as a sweep that runs only what is left.
@Suite struct StatusTests {
    /// e = 3 runs out of "GPU memory", e = 4 prints no JSON, while the flag file exists.
    static let job = """
        if [ -e "$1" ] && [ "$2" -ge 3 ]; then
          if [ "$2" = 3 ]; then echo "loading model" >&2; echo "CUDA out of memory" >&2; exit 1; fi
          echo "not json"; exit 0
        fi
        echo "{\\"v\\": $2}"
        """

    func failingSweep(_ folder: TemporaryFolder) throws -> (db: String, flag: String) {
        let db = folder.file("r.db")
        let flag = folder.file("broken")
        _ = FileManager.default.createFile(atPath: flag, contents: nil)
        let r = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "e=1..4", "-p", "t=a,b", "--replicates", "2",
                                "--", "/bin/sh", "-c", StatusTests.job, "sh", flag, "{e}", "{t}"])
        #expect(r.status != 0, "\(r.stderr)")
        #expect(try scalar(db, "SELECT count(*) FROM results") == 8)
        return (db, flag)
    }

    @Test func failuresAreGroupedByTheLastLineOfStderr() throws {
        let folder = TemporaryFolder()
        let (db, _) = try failingSweep(folder)
        let status = try runProcess([Binaries.farmrun, "status", "--db", db]).stdout
        #expect(status.contains("sweep results: 16 tasks: 8 done (50.0%), 8 failed"))
        #expect(status.contains("    4 × CUDA out of memory\n"), "\(status)")
        let causes = status.split(separator: "\n").filter { $0.contains(" × ") }
        #expect(causes.count == 2, "\(status)")
        // Not a terminal here: no bar.
        #expect(!status.contains("█"))
    }

    @Test func coverageShowsDoneOverTotalPerValueAndAsAGrid() throws {
        let folder = TemporaryFolder()
        let (db, _) = try failingSweep(folder)
        let one = try runProcess([Binaries.farmrun, "status", "--db", db, "--by", "e"]).stdout
        let rows = one.split(separator: "\n").filter { $0.hasPrefix("    ") && $0.contains("/") && !$0.contains("done/total") }
        #expect(rows.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == ["1 4/4", "2 4/4", "3 0/4", "4 0/4"], "\(one)")
        let grid = try runProcess([Binaries.farmrun, "status", "--db", db, "--by", "t,e"]).stdout
        #expect(grid.contains("    t \\ e    1    2    3    4\n    a      2/2  2/2  0/2  0/2\n    b      2/2  2/2  0/2  0/2\n"), "\(grid)")
        let bad = try runProcess([Binaries.farmrun, "status", "--db", db, "--by", "epochs"])
        #expect(bad.status == 1 && bad.stderr == "farmrun: --by epochs: sweep results has no such parameter (parameters: e, t)\n")
    }

    @Test func missingPrintsASweepThatRunsExactlyWhatIsLeft() throws {
        let folder = TemporaryFolder()
        let (db, flag) = try failingSweep(folder)
        let csv = try runProcess([Binaries.farmrun, "status", "--db", db, "--missing", "--format", "csv"])
        #expect(csv.stdout == "e,t,missing_replicates\n3,a,2\n3,b,2\n4,a,2\n4,b,2\n")
        let yaml = try runProcess([Binaries.farmrun, "status", "--db", db, "--missing"]).stdout
        #expect(yaml.contains("parameters:\n  e: [3,4]\n  t: [\"a\",\"b\"]\n"), "\(yaml)")
        #expect(yaml.contains("retries: 1\n"))
        let rest = folder.file("rest.yaml")
        try yaml.write(toFile: rest, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: flag)
        let run = try runProcess([Binaries.farmrun, rest, "--db", db, "--jobs", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try scalar(db, "SELECT count(*) FROM results") == 16)
        #expect(try scalar(db, "SELECT count(DISTINCT task_id) FROM results") == 16)
        #expect(try runProcess([Binaries.farmrun, "status", "--db", db, "--missing"]).stdout.contains("# Nothing is missing."))
    }

    @Test func aResultTheTableRefusesShowsItsCommandAndIsKeptUntilTheTableTakesIt() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try DatabaseQueue(path: db).write { try $0.execute(sql: "CREATE TABLE results (task_id INTEGER, v INTEGER CHECK (v < 5), x INTEGER)") }
        let runs = folder.file("runs")
        let job = ["/bin/sh", "-c", #"echo run >> "$1"; echo "{\"v\": $(($0 * 3))}""#, "{x}", runs]
        let run = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "1", "-p", "x=1,2", "--"] + job)
        #expect(run.status == 1)
        let status = try runProcess([Binaries.farmrun, "status", "--db", db, "--failed"]).stdout
        #expect(status.contains("[failed, store]: table results refused the row: CHECK constraint failed: v < 5"), "\(status)")
        #expect(status.contains("the next farmrun stores it once the table takes it, without running the job again"), "\(status)")
        #expect(status.contains(#"command: /bin/sh -c 'echo run"#), "\(status)")
        #expect(try scalar(db, "SELECT stdout_head FROM farm_task WHERE state = 'failed'") == #"{"v":6}"#)
        // Still refused: it stays failed, and its job does not run again.
        #expect(try runProcess([Binaries.farmrun, "--db", db, "--jobs", "1", "-p", "x=1,2", "--"] + job).status == 1)
        // The table fixed, the next run stores the kept result, and still runs no job.
        try DatabaseQueue(path: db).write { db in
            try db.execute(sql: "ALTER TABLE results RENAME TO old; CREATE TABLE results (task_id INTEGER, v INTEGER, x INTEGER); INSERT INTO results SELECT * FROM old; DROP TABLE old")
        }
        let fixed = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "1", "-p", "x=1,2", "--"] + job)
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(fixed.stderr.contains("stored 1 kept result(s)"), "\(fixed.stderr)")
        #expect(try scalar(db, "SELECT group_concat(v) FROM (SELECT v FROM results ORDER BY x)") == "3,6")
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'done' AND stdout_head IS NULL") == 2)
        #expect(try String(contentsOfFile: runs, encoding: .utf8) == "run\nrun\n")
    }

    @Test func progressBarShowsDoneFailedAndLeft() {
        #expect(ProgressBar.text(done: 5, failed: 1, total: 10, width: 10) == "[█████▒░░░░]")
        #expect(ProgressBar.text(done: 0, failed: 0, total: 0, width: 4) == "[░░░░]")
        #expect(ProgressBar.text(done: 9_999, failed: 1, total: 10_000, width: 10) == "[█████████▒]")
    }

    @Test func aJobsControlCharactersAreShownAsTextNeverSentToTheTerminal() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let hostile = #"printf '\033]0;pwned\007\033[2Jcleared\n' >&2; exit 1"#
        let run = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "1", "-p", "x=1", "--", "/bin/sh", "-c", hostile])
        #expect(run.status == 1, "\(run.stderr)")
        let status = try runProcess([Binaries.farmrun, "status", "--db", db, "--failed"])
        #expect(!status.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(status.stdout)")
        #expect(status.stdout.contains(#"\x1b]0;pwned\x07\x1b[2Jcleared"#), "\(status.stdout)")
    }

    @Test func statusAsJSONCountsEveryStateAndGroupsFailures() throws {
        let folder = TemporaryFolder()
        let (db, _) = try failingSweep(folder)
        let r = try runProcess([Binaries.farmrun, "status", "--db", db, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        guard case .object(let top)? = try? JSONParser.parseOne(Array(r.stdout.utf8)),
              case .array(let sweeps)? = top.first(where: { $0.key == "sweeps" })?.value,
              case .object(let sweep)? = sweeps.first,
              case .object(let counts)? = sweep.first(where: { $0.key == "counts" })?.value else {
            Issue.record("not the status document: \(r.stdout)")
            return
        }
        let byState = Dictionary(uniqueKeysWithValues: counts.map { ($0.key, $0.value) })
        #expect(byState["done"] == .integer(8))
        #expect(byState["failed"] == .integer(8))
        #expect(byState["pending"] == .integer(0) && byState["running"] == .integer(0) && byState["pruned"] == .integer(0))
        #expect(r.stdout.contains(#""cause":"CUDA out of memory","count":4"#), "\(r.stdout)")
    }
}
