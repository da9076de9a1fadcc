import Foundation
import GRDB
import Testing
@testable import Farm

/// Tasks held ahead by busy workers (`--prefetch`): not running until they start, so a kill
/// loses none of them and a stop takes them back; an idle worker takes back what another holds.
@Suite struct PrefetchTests {
    /// A job that writes `started-X` in the folder, waits while `hold-X` exists, and prints.
    static func job(_ folder: TemporaryFolder) -> [String] {
        ["/bin/sh", "-c", #"touch "$1/started-$0"; while [ -e "$1/hold-$0" ]; do sleep 0.02; done; echo "{\"x\": \"$0\"}""#, "{x}", folder.path]
    }

    func hold(_ folder: TemporaryFolder, _ names: String...) {
        for name in names { _ = FileManager.default.createFile(atPath: folder.file("hold-\(name)"), contents: nil) }
    }

    @Test func aHeldTaskIsNotRunningSoAKillLosesOnlyTheJobThatRan() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        hold(folder, "a", "b")
        let arguments = [Binaries.farmrun, "--db", db, "--jobs", "1", "--prefetch", "1", "--progress", "0", "--lease-timeout", "1h",
                         "-p", "x=a,b", "--"] + Self.job(folder)
        let farm = try BackgroundProcess(arguments, logPath: folder.file("first.log"))
        // a runs; b is held by the same slot (it has no other) and must not be marked running.
        try await waitFor("task a running in the ledger", timeout: 120) {
            ((try? scalar(db, "SELECT count(*) FROM farm_task WHERE state = 'running'") as Int?) ?? 0) == 1
        }
        #expect(try scalar(db, "SELECT json_extract(params, '$.x') FROM farm_task WHERE state = 'running'") == "a")
        #expect(try scalar(db, "SELECT state FROM farm_task WHERE json_extract(params, '$.x') = 'b'") == "pending")
        kill(farm.process.processIdentifier, SIGKILL)
        _ = await farm.wait()
        for pid in pids(containing: folder.path) { kill(pid, SIGKILL) }
        try FileManager.default.removeItem(atPath: folder.file("hold-a"))
        try FileManager.default.removeItem(atPath: folder.file("hold-b"))
        let again = try runProcess(arguments)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try scalar(db, "SELECT group_concat(json_extract(params, '$.x') || ':' || lost) FROM farm_task ORDER BY id") == "a:1,b:0")
        #expect(try scalar(db, "SELECT count(*) FROM results") == 2)
    }

    @Test func aStopTakesHeldTasksBackUnstarted() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let stop = folder.file("stop")
        hold(folder, "a")
        let arguments = [Binaries.farmrun, "--db", db, "--jobs", "1", "--prefetch", "2", "--progress", "0", "--stop-file", stop,
                         "--grace", "60s", "-p", "x=a,b,c", "--"] + Self.job(folder)
        let farm = try BackgroundProcess(arguments, logPath: folder.file("first.log"))
        try await waitFor("task a started", timeout: 120) { FileManager.default.fileExists(atPath: folder.file("started-a")) }
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        try await waitFor("farmrun to see the stop file", timeout: 120) { farm.log.contains("stop file") }
        try FileManager.default.removeItem(atPath: folder.file("hold-a"))
        #expect(await farm.wait() == 75, "\(farm.log)")
        // a finished within the grace; b and c were held and given back: never started, never attempted.
        #expect(!FileManager.default.fileExists(atPath: folder.file("started-b")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("started-c")))
        #expect(try scalar(db, "SELECT group_concat(json_extract(params, '$.x') || ':' || state) FROM farm_task ORDER BY id") == "a:done,b:pending,c:pending")
        #expect(try scalar(db, "SELECT count(*) FROM farm_attempt") == 1)
        try FileManager.default.removeItem(atPath: stop)
        #expect(try runProcess(arguments).status == 0)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 3)
    }

    @Test func anIdleWorkerTakesBackATaskHeldBehindALongJob() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        // a waits until c has run. If c stayed held behind a (on a's slot), it would never run:
        // the other slot, idle once b is done, must get it back.
        let job = ["/bin/sh", "-c", #"if [ "$0" = a ]; then while [ ! -e "$1/started-c" ]; do sleep 0.02; done; fi; touch "$1/started-$0"; echo "{\"x\": \"$0\"}""#,
                   "{x}", folder.path]
        let r = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "--prefetch", "1", "--progress", "0", "--timeout", "120s",
                                "-p", "x=b,a,c", "--"] + job)  // (in this order c is handed out ahead to a's slot)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try scalar(db, "SELECT count(*) FROM results") == 3)
        #expect(try scalar(db, "SELECT count(*) FROM farm_task WHERE failures > 0") == 0)
    }

    @Test func aTaskThatWouldNotFitAfterTheRunningOneIsNotHeldButStillRunsThisAllocation() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let job = ["/bin/echo", #"{"ok": 1}"#]
        #expect(try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "--deadline", "none", "-p", "d=1", "--replicates", "10", "--"] + job).status == 0)
        // The ledger says each task takes 50 s; 80 s are left: one fits now, two in a row do not.
        try DatabaseQueue(path: db).write { try $0.execute(sql: "UPDATE farm_task SET wall_seconds = 50") }
        let r = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "--prefetch", "1", "--deadline", "80s", "--deadline-margin", "1s",
                                "--runtime-by", "d", "-p", "d=1", "--replicates", "13", "--"] + job)
        // The third is not held behind a running one (it would not fit after it) nor left for the next
        // run: it starts on the first slot that frees up.
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try scalar(db, "SELECT count(*) FROM results") == 13)
    }

    @Test func heldTasksGiveTheSameRowsAsNone() throws {
        let folder = TemporaryFolder()
        var outputs: [String] = []
        for prefetch in ["0", "3"] {
            let db = folder.file("p\(prefetch).db")
            let r = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "--prefetch", prefetch, "--progress", "0",
                                    "-p", "x=1..200", "--", "/bin/echo", #"{"y": {x}}"#])
            #expect(r.status == 0, "\(r.stderr)")
            outputs.append(try dbtool(["query", db, "SELECT task_id, x, y FROM results ORDER BY task_id"]).stdout)
            #expect(try scalar(db, "SELECT count(*) FROM farm_attempt") == 200)
        }
        #expect(outputs[0] == outputs[1])
        #expect(try runProcess([Binaries.farmrun, "--db", folder.file("x.db"), "--prefetch", "17", "-p", "x=1", "--", "echo"]).stderr
                .contains("--prefetch must be 0 to 16"))
    }

    @Test func wireFormatRoundTripsTheHeldTaskMessages() throws {
        for message in [Message.retract, .retracted(taskID: 42), .stop, .abort] {
            #expect(try MessageCoding.decode(MessageCoding.encode(message)) == message)
        }
    }
}
