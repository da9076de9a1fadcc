import Foundation
import GRDB
import Testing
@testable import Farm

@Suite struct DBToolTests {
    @Test func insertCreatesTableWithInferredTypes() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let r = try dbtool(["insert", db], stdin: #"{"author": "Philip", "epochs": 1, "rmse_global": 1.0, "ok": true, "layers": [10, 20]}"#)
        #expect(r.status == 0, "\(r.stderr)")
        let schema = try dbtool(["schema", db]).stdout
        #expect(schema.contains(#""author" TEXT, "epochs" INTEGER, "rmse_global" REAL, "ok" INTEGER, "layers" TEXT"#))
        #expect(try dbtool(["query", db, "SELECT * FROM results"]).stdout == "author,epochs,rmse_global,ok,layers\nPhilip,1,1.0,1,\"[10,20]\"\n")
    }

    @Test func insertStoresTextWholeEmptyApartFromNullAndIntegersExactly() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let r = try dbtool(["insert", db], stdin: #"{"s": "a\u0000b", "e": "", "u": "héllo ✓", "n": null, "big": 9007199254740993, "x": 0.1}"#)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try scalar(db, "SELECT hex(s) FROM results") == "610062")
        #expect(try scalar(db, "SELECT e = '' AND e IS NOT NULL AND n IS NULL FROM results") == 1)
        #expect(try scalar(db, "SELECT u FROM results") == "héllo ✓")
        #expect(try scalar(db, "SELECT big FROM results") == Int64(9007199254740993))
        #expect(try scalar(db, "SELECT x FROM results") == 0.1)
    }

    @Test func insertTakesJSONLinesAndPrettyObjectsInOneTransaction() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        #expect(try dbtool(["insert", db], stdin: "{\"a\": 1}\n{\"a\": 2}\n{\n  \"a\": 3\n}\n").status == 0)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 3)
        // A bad object anywhere means no row of the batch is stored.
        let r = try dbtool(["insert", db], stdin: "{\"a\": 4}\n{\"b\": 5}\n")
        #expect(r.status != 0)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 3)
    }

    @Test func unknownKeyNamesKeyAndColumnsUnlessAddColumns() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try dbtool(["insert", db], stdin: #"{"a": 1}"#)
        let r = try dbtool(["insert", db], stdin: #"{"a": 2, "zz": 3}"#)
        #expect(r.status == 1)
        #expect(r.stderr.contains("\"zz\"") && r.stderr.contains("columns: a") && r.stderr.contains("--add-columns"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try dbtool(["insert", db, "--add-columns"], stdin: #"{"a": 2, "zz": 3}"#).status == 0)
        #expect(try scalar(db, "SELECT zz FROM results WHERE a = 2") == 3)
    }

    /// `dbtool insert` is read by hand for speed (see QuickInsert); any other spelling goes to
    /// the full parser. Both must give the same table, and the parser's messages for bad usage.
    @Test func insertOptionsWorkInEveryOrderAndBadUsageGetsTheParsersMessage() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        #expect(try dbtool(["insert", db, "--table", "t"], stdin: #"{"a": 1}"#).status == 0)
        #expect(try dbtool(["insert", "--table", "t", "--add-columns", db], stdin: #"{"a": 2, "b": 3}"#).status == 0)
        #expect(try dbtool(["insert", "--table=t", db], stdin: #"{"a": 4}"#).status == 0)
        #expect(try dbtool(["query", db, "SELECT a, b FROM t ORDER BY a"]).stdout == "a,b\n1,\n2,3\n4,\n")
        for bad in [["insert", db, "--table"], ["insert", db, "other.db"], ["insert", db, "--bogus"], ["insert"]] {
            let r = try dbtool(bad, stdin: #"{"a": 5}"#)
            #expect(r.status == 64, "\(bad): \(r.stderr)")
            #expect(r.stderr.contains("Usage: dbtool insert"), "\(bad): \(r.stderr)")
        }
        #expect(try scalar(db, "SELECT count(*) FROM t") == 3)
        #expect(try dbtool(["insert", "--help"]).stdout.contains("--add-columns"))
    }

    @Test func defaultTableIsTheOnlyTableSoSeedCommandLinesWork() throws {
        let folder = TemporaryFolder()
        let db = folder.file("seed.db")
        let queue = try DatabaseQueue(path: db)
        try queue.write { try $0.execute(sql: "CREATE TABLE AlgorithmResult (id INTEGER PRIMARY KEY, author TEXT, epochs INTEGER, rmse_global REAL)") }
        try queue.close()
        #expect(try dbtool(["insert", db], stdin: #"{"author": "Philip", "epochs": 25, "rmse_global": 0.5}"#).status == 0)
        #expect(try dbtool(["insert_manual", db, "author=me", "epochs=50", "rmse_global=0.25"]).status == 0)
        #expect(try dbtool(["query", db, "SELECT author, epochs FROM AlgorithmResult ORDER BY id"]).stdout == "author,epochs\nPhilip,25\nme,50\n")
    }

    @Test func insertManualRequiresEveryColumnWithFittingValues() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try dbtool(["insert", db], stdin: #"{"a": 1, "b": "x", "c": 0.5}"#)
        let missing = try dbtool(["insert_manual", db, "a=2"])
        #expect(missing.status == 1 && missing.stderr.contains("missing: b, c"))
        let bad = try dbtool(["insert_manual", db, "a=two", "b=y", "c=1"])
        #expect(bad.status == 1 && bad.stderr.contains("\"two\"") && bad.stderr.contains("integer"))
        let unknown = try dbtool(["insert_manual", db, "a=2", "b=y", "c=1", "d=4"])
        #expect(unknown.status == 1 && unknown.stderr.contains("\"d\""))
        #expect(try dbtool(["insert_manual", db, "a=2", "b=y", "c=1"]).status == 0)
        #expect(try scalar(db, "SELECT typeof(c) FROM results WHERE a = 2") == "real")
    }

    @Test func queryCSVReadsBackToTheSameValuesInPython() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let rows = [
            #"{"s": "plain", "i": 1, "r": 0.1, "n": null}"#,
            #"{"s": "comma, \"quote\"\nnewline", "i": -9223372036854775808, "r": 1e-300, "n": null}"#,
            #"{"s": "", "i": 0, "r": 123456789.123456789, "n": "x"}"#,
        ]
        try dbtool(["insert", db], stdin: rows.joined(separator: "\n"))
        let csv = try dbtool(["query", db, "SELECT s, i, r, n FROM results"]).stdout
        let script = """
            import csv, sys, sqlite3
            got = list(csv.reader(sys.stdin))
            want = sqlite3.connect(sys.argv[1]).execute("SELECT s, i, r, n FROM results").fetchall()
            assert got[0] == ["s", "i", "r", "n"], got[0]
            for g, w in zip(got[1:], want):
                assert g[0] == w[0], (g, w)
                assert int(g[1]) == w[1], (g, w)
                assert float(g[2]) == w[2], (g, w)
                assert (g[3] == "") == (w[3] is None), (g, w)
            assert len(got) == len(want) + 1
            print("ok")
            """
        let check = try runProcess(["python3", "-c", script, db], stdin: csv)
        #expect(check.stdout == "ok\n", "\(check.stderr)")
    }

    @Test(arguments: [
        "DELETE FROM results",
        "WITH x AS (SELECT 1) DELETE FROM results",
        "PRAGMA writable_schema = 1",
        "ATTACH 'other.db' AS o",
        "CREATE TABLE t (a)",
        "SELECT 1; DELETE FROM results",
        "SELEC nonsense",
        "INSERT INTO results VALUES (1)",
    ])
    func queryThatWouldWriteIsRefusedAndFileStaysByteIdentical(sql: String) throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try dbtool(["insert", db], stdin: #"{"a": 1}"#)
        let before = fileBytes(db)
        let r = try dbtool(["query", db, sql])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("dbtool: query"))
        #expect(fileBytes(db) == before)
        #expect(!FileManager.default.fileExists(atPath: folder.file("other.db")))
    }

    @Test func queryFormatsJSONAndTable() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try dbtool(["insert", db], stdin: #"{"a": 1, "b": "x"}"#)
        #expect(try dbtool(["query", db, "SELECT * FROM results", "--format", "json"]).stdout == "[\n{\"a\":1,\"b\":\"x\"}\n]\n")
        #expect(try dbtool(["query", db, "SELECT * FROM results", "--format", "table"]).stdout.contains("(1 row)"))
    }

    @Test func sixtyFourConcurrentInsertersLoseNothing() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        var lines = ""
        for i in 0..<100 { lines += "{\"writer\": WRITER, \"i\": \(i), \"x\": 0.5}\n" }
        let script = """
            set -u
            for w in $(seq 1 64); do
              (echo "$2" | sed "s/WRITER/$w/" | "$1" insert "$3" 2>>"$4" || echo "writer $w failed" >> "$4") &
            done
            wait
            """
        let errors = folder.file("errors.txt")
        try runProcess(["bash", "-c", script, "bash", Binaries.dbtool, lines, db, errors])
        let errorText = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        #expect(errorText.isEmpty, "\(errorText)")
        #expect(try scalar(db, "SELECT count(*) FROM results") == 6400)
        #expect(try scalar(db, "SELECT count(DISTINCT writer) FROM results") == 64)
    }
}
