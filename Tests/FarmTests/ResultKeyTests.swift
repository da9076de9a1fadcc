import Foundation
import GRDB
import Testing
@testable import Farm

/// Result keys as ML tools print them (`train/loss`, `val-acc`, `top-1`, `ключ`) are stored
/// under their own names, and the few that cannot be a column as they are follow one rule.
@Suite struct ResultKeyTests {
    @Test func keysAsMLToolsPrintThemAreStoredUnderTheirNamesByFarmrun() throws {
        let folder = TemporaryFolder()
        let db = folder.file("k.db")
        let run = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "i=1..2", "--",
                                  "/bin/echo", #"{"train/loss": 0.5, "val-acc": 0.9, "i": {i}}"#])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("warning"), "\(run.stderr)")
        #expect(try dbtool(["query", db, #"SELECT "train/loss", "val-acc", i FROM results ORDER BY i"#]).stdout
                == "train/loss,val-acc,i\n0.5,0.9,1\n0.5,0.9,2\n")
        // Python's own sqlite3 reads them as any column.
        let python = try runProcess(["/usr/bin/python3", "-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            print(c.execute('SELECT "train/loss", "val-acc" FROM results ORDER BY i').fetchall())
            """, db])
        #expect(python.stdout == "[(0.5, 0.9), (0.5, 0.9)]\n", "\(python.stderr)")
    }

    @Test(.enabled(if: TestPython.available, "needs the test venv with pandas: bash scripts/test-venv.sh"))
    func pandasReadsColumnsNamedAsMLToolsPrintThem() throws {
        let folder = TemporaryFolder()
        let db = folder.file("k.db")
        #expect(try dbtool(["insert", db], stdin: #"{"train/loss": 0.25, "val-acc": 0.75, "top-1": 3}"#).status == 0)
        let r = try runProcess([TestPython.path, "-c", """
            import sqlite3, sys, pandas
            frame = pandas.read_sql_query("SELECT * FROM results", sqlite3.connect(sys.argv[1]))
            print(list(frame.columns), frame["train/loss"][0], frame["val-acc"][0], frame["top-1"][0])
            """, db])
        #expect(r.stdout == "['train/loss', 'val-acc', 'top-1'] 0.25 0.75 3\n", "\(r.stderr)")
    }

    @Test func dbtoolInsertTakesAnyKeyAndRoundTripsThroughCSV() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let r = try dbtool(["insert", db], stdin: #"{"train/loss": 1, "ключ": 2, "a\"b": 3}"#)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(try dbtool(["query", db, "SELECT * FROM results"]).stdout == "train/loss,ключ,\"a\"\"b\"\n1,2,3\n")
        #expect(try dbtool(["query", db, #"SELECT "ключ", "a""b" FROM results"#]).stdout == "ключ,\"a\"\"b\"\n2,3\n")
        #expect(try dbtool(["insert_manual", db, "train/loss=4", "ключ=5", "a\"b=6"]).status == 0)
        #expect(try scalar(db, #"SELECT sum("train/loss") FROM results"#) == 5)
    }

    @Test func summaryPlotAndStatusReadQuotedNames() throws {
        let folder = TemporaryFolder()
        let db = folder.file("m.db")
        let job = ["/bin/sh", "-c", #"echo "{\"train/loss\": $(($0 * 10 + FARM_REPLICATE)), \"val-acc\": 0.9$0}""#, "{i}"]
        #expect(try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "i=1..3", "--replicates", "2", "--"] + job).status == 0)
        let summary = try dbtool(["summary", db, "--metric", "train/loss", "--format", "csv"])
        let sd = "0.7071067811865476"  // Python's statistics.stdev([11, 12])
        #expect(summary.stdout == "i,n,mean,sd,min,median,max\n1,2,11.5,\(sd),11.0,11.5,12.0\n2,2,21.5,\(sd),21.0,21.5,22.0\n3,2,31.5,\(sd),31.0,31.5,32.0\n",
                "\(summary.stderr)")
        let plot = try dbtool(["plot", db, "--x", "i", "--y", "val-acc", "-o", folder.file("p.svg")])
        #expect(plot.status == 0, "\(plot.stderr)")
        #expect(try String(contentsOfFile: folder.file("p.svg"), encoding: .utf8).contains("val-acc"))
        #expect(try runProcess([Binaries.farmrun, "status", "--db", db, "--by", "i"]).status == 0)
    }

    @Test func keysThatCannotBeColumnsAsTheyAreFollowTheDocumentedRule() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let r = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "1", "--progress", "0", "-p", "x=1", "-p", "y=5", "--",
                                "/bin/echo", #"{"Loss": 1, "loss": 2, "": 3, "task_id": 4, "x": 1, "y": 6}"#])
        #expect(r.status == 0, "\(r.stderr)")
        let columns = try DatabaseQueue(path: db).read { try $0.columns(in: "results").map(\.name) }
        #expect(columns == ["task_id", "Loss", "loss_2", "unnamed", "task_id_2", "x", "y_2", "y"])
        #expect(try dbtool(["query", db, "SELECT Loss, loss_2, unnamed, task_id_2, x, y_2, y FROM results"]).stdout
                == "Loss,loss_2,unnamed,task_id_2,x,y_2,y\n1,2,3,4,1,6,5\n")
        // One warning line per renamed key, naming key, column and reason; the echoed parameter x (same value) none.
        for line in [#"result key "loss" stored as column "loss_2" (another key of the same result has that name"#,
                     #"result key "" stored as column "unnamed" (an empty key)"#,
                     #"result key "task_id" stored as column "task_id_2" (task_id is farm's own column)"#,
                     #"result key "y" stored as column "y_2" (y is a parameter and holds the value the task ran with)"#] {
            #expect(r.stderr.contains(line), "\(line) in \(r.stderr)")
        }
        #expect(!r.stderr.contains(#"key "x""#))
    }

    @Test func hostileKeysChangeNothingButTheirOwnRow() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        #expect(try dbtool(["insert", db], stdin: #"{"a": 1}"#).status == 0)
        let long = String(repeating: "k", count: 10_000)
        let hostile = #"{"a": 2, "\"; DROP TABLE results; --": 3, "bell\u0007\u001b[2J": 4, "\#(long)": 5}"#
        let r = try dbtool(["insert", db, "--add-columns"], stdin: hostile)
        #expect(r.status == 0, "\(r.stderr)")
        // The warnings show control characters escaped and the long key shortened, never raw.
        #expect(!r.stderr.contains("\u{1b}") && !r.stderr.contains("\u{07}"))
        #expect(r.stderr.contains(#"stored as column "bell__[2J" (control characters become _)"#), "\(r.stderr)")
        #expect(r.stderr.contains("(10000 bytes)") && r.stderr.count < 1000, "\(r.stderr)")
        let columns = try DatabaseQueue(path: db).read { try $0.columns(in: "results").map(\.name) }
        #expect(columns == ["a", "\"; DROP TABLE results; --", "bell__[2J", String(repeating: "k", count: 255)])
        #expect(try scalar(db, "SELECT count(*) FROM results") == 2)
        #expect(try scalar(db, "SELECT group_concat(a) FROM results") == "1,2")
        #expect(try scalar(db, #"SELECT """; DROP TABLE results; --" FROM results WHERE a = 2"#) == 3)
        #expect(try scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'") == 1)
        #expect(try scalar(db, "PRAGMA integrity_check") == "ok")

        // The same keys from a farm's jobs: stored, the ledger untouched but for the task's own row.
        let farmDB = folder.file("f.db")
        let run = try runProcess([Binaries.farmrun, "--db", farmDB, "--jobs", "1", "--progress", "0", "-p", "i=1..2", "--", "/bin/echo", hostile])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try scalar(farmDB, "SELECT count(*) FROM results") == 2)
        #expect(try scalar(farmDB, "SELECT count(*) FROM farm_task WHERE state = 'done'") == 2)
        #expect(try scalar(farmDB, "PRAGMA integrity_check") == "ok")
    }

    @Test func columnNamingKeepsPlainKeysAndRenamesTheRestOnce() {
        #expect(ColumnNaming.columns(for: ["train/loss", "val-acc", "ключ"]).columns == ["train/loss", "val-acc", "ключ"])
        #expect(ColumnNaming.columns(for: ["a", "A", "a_2"]).columns == ["a", "A_3", "a_2"])
        #expect(ColumnNaming.columns(for: ["", "unnamed"]).columns == ["unnamed_2", "unnamed"])
        #expect(ColumnNaming.columns(for: ["Task_ID"], reserved: ["task_id": "farm's"]).columns == ["Task_ID_2"])
        let cut = ColumnNaming.columns(for: [String(repeating: "é", count: 200)]).columns[0]
        #expect(cut.utf8.count == 254 && cut.allSatisfy { $0 == "é" })
        #expect(ColumnNaming.visible("a\u{1b}b\"") == #""a\u{1b}b\"""#)
    }
}
