import Foundation
import Testing
@testable import Farm

/// Hostile and mistaken input to `dbtool` and `farmrun`: each case exits
/// non-zero with one line on stderr that names the input and the fix, and
/// leaves the database byte-identical (no file created, none changed).
@Suite struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        var stdin: String?
        /// Text the error line must contain.
        var says: String
        /// A sweep file's text, written as bad.yaml (named `BAD` in the arguments).
        var sweep: String?
        var testDescription: String { name }
    }

    /// A search sweep file with `lines` added (e from 1 to 4 is the budget).
    static func search(_ lines: String) -> Case {
        Case(name: "farmrun: search \(lines.replacingOccurrences(of: "\n", with: "; "))", arguments: ["farmrun", "BAD", "--db", "DB"],
             says: "", sweep: "command: [echo, \"{e}\", \"{a}\"]\nparameters:\n  e: 1..4\n  a: [x, y]\n" + lines + "\n")
    }

    static let searchCases: [(String, String)] = [
        ("fidelity: nope", "nope, which is not a parameter"),
        ("fidelity: a", "not a number"),
        ("fidelity: {parameter: e, color: red}", "parameter: and report: only"),
        ("early_terminate: {type: asha, eta: 3}\nmetric: {name: loss, goal: minimize}", "early_terminate needs fidelity"),
        ("fidelity: e\nearly_terminate: {type: asha, eta: 3}", "early_terminate needs metric"),
        ("fidelity: e\nmetric: {name: loss, goal: minimize}\nearly_terminate: {type: asha, eta: 1}", "at least 2"),
        ("fidelity: e\nmetric: {name: loss, goal: lowest}", "use minimize or maximize"),
        ("fidelity: e\nmetric: {name: loss, goal: minimize}\nearly_terminate: {type: hyperband}", "use type: asha"),
        ("fidelity: e\nmetric: {name: loss, goal: minimize}\nearly_terminate: {type: asha, min: 4}", "is not below"),
    ]

    /// `DB` stands for an existing results database with a ledger, `NEW` for a path that does not exist yet.
    static let cases: [Case] = [
        Case(name: "insert: empty stdin", arguments: ["dbtool", "insert", "DB"], stdin: "", says: "no JSON on stdin"),
        Case(name: "insert: truncated JSON", arguments: ["dbtool", "insert", "DB"], stdin: #"{"a": 1"#, says: "ends inside an object"),
        Case(name: "insert: key that is SQL", arguments: ["dbtool", "insert", "DB"], stdin: #"{"a\"; DROP TABLE results; --": 1}"#, says: "--add-columns"),
        Case(name: "insert: key with spaces not in table", arguments: ["dbtool", "insert", "DB"], stdin: #"{"rmse global": 1}"#, says: "\"rmse global\""),
        Case(name: "insert: unicode key not in table", arguments: ["dbtool", "insert", "DB"], stdin: #"{"épochs": 1}"#, says: "\"épochs\""),
        Case(name: "insert: integer beyond 64 bits", arguments: ["dbtool", "insert", "DB"], stdin: #"{"x": 99999999999999999999}"#, says: "64 bits"),
        Case(name: "insert: JSON array", arguments: ["dbtool", "insert", "DB"], stdin: "[1, 2]", says: "not an object"),
        Case(name: "insert: bare string", arguments: ["dbtool", "insert", "DB"], stdin: #""x""#, says: "not an object"),
        Case(name: "insert: duplicate keys", arguments: ["dbtool", "insert", "DB"], stdin: #"{"x": 1, "x": 2}"#, says: "duplicate key"),
        Case(name: "insert: invalid UTF-8", arguments: ["dbtool", "insert", "DB"], stdin: "{\"x\": \"\u{FFFD}\"", says: "JSON value #1"),
        Case(name: "insert: second object bad", arguments: ["dbtool", "insert", "DB"], stdin: "{\"x\": 1}\n{\"x\": 2,}\n", says: "JSON value #2"),
        Case(name: "insert: deep nesting", arguments: ["dbtool", "insert", "DB"], stdin: String(repeating: "[", count: 5000), says: "JSON value #1"),
        Case(name: "insert: missing folder", arguments: ["dbtool", "insert", "/nonexistent-farm/r.db"], stdin: #"{"x": 1}"#, says: "mkdir -p /nonexistent-farm"),
        Case(name: "insert: not a database", arguments: ["dbtool", "insert", "TEXT"], stdin: #"{"x": 1}"#, says: "not an SQLite database"),
        Case(name: "insert: unusable table name", arguments: ["dbtool", "insert", "DB", "--table", "a b"], stdin: #"{"x": 1}"#, says: "\"a b\""),
        Case(name: "insert: into farm's ledger", arguments: ["dbtool", "insert", "DB", "--table", "farm_task"],
             stdin: #"{"sweep_id": 1, "key": "x", "params": "{}", "replicate": 1}"#, says: "farm's or SQLite's own tables"),
        Case(name: "insert: into SQLite's catalogue", arguments: ["dbtool", "insert", "DB", "--table", "sqlite_master"],
             stdin: #"{"type": "table", "name": "x"}"#, says: "farm's or SQLite's own tables"),
        Case(name: "insert_manual: missing column", arguments: ["dbtool", "insert_manual", "DB", "--table", "results", "task_id=1"], says: "missing"),
        Case(name: "insert_manual: unknown column", arguments: ["dbtool", "insert_manual", "DB", "--table", "results", "nope=1"], says: "\"nope\""),
        Case(name: "insert_manual: into farm's ledger", arguments: ["dbtool", "insert_manual", "DB", "--table", "farm_sweep", "id=9"],
             says: "farm's or SQLite's own tables"),
        Case(name: "insert_manual: not col=value", arguments: ["dbtool", "insert_manual", "DB", "oops"], says: "col=value"),
        Case(name: "insert_manual: no such file", arguments: ["dbtool", "insert_manual", "NEW", "a=1"], says: "NEW"),
        Case(name: "query: a write", arguments: ["dbtool", "query", "DB", "DELETE FROM results"], says: "read-only"),
        Case(name: "query: two statements", arguments: ["dbtool", "query", "DB", "SELECT 1; DROP TABLE results"], says: "exactly one SQL statement"),
        Case(name: "query: syntax error", arguments: ["dbtool", "query", "DB", "SELEKT 1"], says: "syntax error"),
        Case(name: "query: write in a CTE", arguments: ["dbtool", "query", "DB", "WITH x AS (SELECT 1) UPDATE results SET x = 0"], says: "read-only"),
        Case(name: "query: attach", arguments: ["dbtool", "query", "DB", "ATTACH 'evil.db' AS e"], says: "read-only"),
        Case(name: "query: no such file", arguments: ["dbtool", "query", "NEW", "SELECT 1"], says: "no such file"),
        Case(name: "schema: not a database", arguments: ["dbtool", "schema", "TEXT"], says: "not an SQLite database"),
        Case(name: "farmrun: range with zero step", arguments: ["farmrun", "--db", "DB", "-p", "x=1..10..0", "--", "echo", "{x}"], says: "step 0"),
        Case(name: "farmrun: where syntax error", arguments: ["farmrun", "--db", "DB", "-p", "x=1..3", "--where", "x <", "--", "echo", "{x}"], says: "not a valid condition"),
        Case(name: "farmrun: where names nothing", arguments: ["farmrun", "--db", "DB", "-p", "x=1..3", "--where", "s < 3", "--", "echo", "{x}"], says: "\"s\" is not a parameter"),
        Case(name: "farmrun: placeholder names nothing", arguments: ["farmrun", "--db", "DB", "-p", "x=1..3", "--", "echo", "{nope}"], says: "{nope}"),
        Case(name: "farmrun: parameter given twice", arguments: ["farmrun", "--db", "DB", "-p", "x=1", "-p", "x=2", "--", "echo", "{x}"], says: "twice"),
        Case(name: "farmrun: parameter without =", arguments: ["farmrun", "--db", "DB", "-p", "x", "--", "echo", "{x}"], says: "name=a,b,c"),
        Case(name: "farmrun: no command", arguments: ["farmrun", "--db", "DB", "-p", "x=1"], says: "no sweep"),
        Case(name: "farmrun: zero replicates", arguments: ["farmrun", "--db", "DB", "-p", "x=1", "--replicates", "0", "--", "echo", "{x}"], says: "--replicates"),
        Case(name: "farmrun: range over the whole of Int64", arguments: ["farmrun", "--db", "DB", "-p", "x=-9223372036854775808..9223372036854775807", "--", "echo", "{x}"],
             says: "has 18446744073709551616 values"),
        Case(name: "farmrun: range of a Double's tiny steps", arguments: ["farmrun", "--db", "DB", "-p", "x=0..1..1e-300", "--", "echo", "{x}"], says: "too many values"),
        Case(name: "farmrun: randint of one value", arguments: ["farmrun", "--db", "DB", "-p", "x=randint(5,5)", "--method", "random", "--samples", "2", "--", "echo", "{x}"],
             says: "write it as a plain value (x: 5)"),
        Case(name: "farmrun: replicates beyond the ledger", arguments: ["farmrun", "--db", "DB", "-p", "x=1..3", "--replicates", "99999999999999", "--", "echo", "{x}"],
             says: "more than 50,000,000 tasks (3 combinations × 99999999999999 replicates)"),
        Case(name: "farmrun: timeout beyond a Double", arguments: ["farmrun", "--db", "DB", "-p", "x=1", "--timeout", "1e400", "--", "echo", "{x}"], says: "longer than a year"),
        Case(name: "farmrun: more local slots than threads can be", arguments: ["farmrun", "--db", "DB", "-p", "x=1", "--jobs", "99999999", "--", "echo", "{x}"],
             says: "--jobs must be 1 to 4096"),
        Case(name: "farmrun: deadline beyond a Double", arguments: ["farmrun", "--db", "DB", "-p", "x=1", "--deadline", "1e400", "--", "echo", "{x}"],
             says: "--deadline 1e400: epoch seconds that far ahead are not a time"),
        Case(name: "farmrun: bad duration", arguments: ["farmrun", "--db", "DB", "-p", "x=1", "--grace", "soon", "--", "echo", "{x}"], says: "not a duration"),
        Case(name: "farmrun: missing sweep file", arguments: ["farmrun", "nothere.yaml", "--db", "DB"], says: "no such file"),
        Case(name: "farmrun: sweep file with wrong types", arguments: ["farmrun", "WRONG", "--db", "DB"], says: "replicates"),
        Case(name: "farmrun: sweep file not YAML", arguments: ["farmrun", "BROKEN", "--db", "DB"], says: "not valid YAML"),
        Case(name: "farmrun: database in a missing folder", arguments: ["farmrun", "--db", "/nonexistent-farm/r.db", "-p", "x=1", "--", "echo", "{x}"], says: "mkdir -p"),
        Case(name: "farmrun: database that is not one", arguments: ["farmrun", "--db", "TEXT", "-p", "x=1", "--", "echo", "{x}"], says: "not an SQLite database"),
        Case(name: "farmrun: unusable table name", arguments: ["farmrun", "--db", "DB", "--table", "x;y", "-p", "x=1", "--", "echo", "{x}"], says: "not usable"),
        Case(name: "farmrun status: --by names one parameter twice", arguments: ["farmrun", "status", "--db", "DB", "--by", "x,x"], says: "x is named twice"),
        Case(name: "farmrun status: no such file", arguments: ["farmrun", "status", "--db", "NEW"], says: "no such file"),
        Case(name: "farmrun: fidelity sampled", arguments: ["farmrun", "BAD", "--db", "DB"], says: "is sampled",
             sweep: "command: [echo, \"{lr}\"]\nparameters:\n  lr: loguniform(1e-4, 1e-1)\nmethod: sobol\nsamples: 4\nfidelity: lr\n"),
        Case(name: "farmrun: fidelity with one value", arguments: ["farmrun", "BAD", "--db", "DB"], says: "has one value",
             sweep: "command: [echo, \"{e}\"]\nparameters:\n  e: [5]\nfidelity: e\n"),
    ] + searchCases.map { lines, says in
        var c = search(lines)
        c.says = says
        return c
    }

    /// A folder's files and their bytes. A reader of a WAL database leaves an
    /// empty `-wal` and a `-shm` index behind (SQLite does that); neither holds data.
    func snapshot(_ folder: TemporaryFolder) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            if name.hasSuffix("-shm") { continue }
            if name.hasSuffix("-wal"), FileManager.default.contents(atPath: folder.file(name))?.isEmpty == true { continue }
            files[name] = FileManager.default.contents(atPath: folder.file(name))
        }
        return files
    }

    @Test(arguments: cases)
    func badInputFailsWithOneClearLineAndLeavesTheDatabaseAlone(_ c: Case) async throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let setup = try runProcess([Binaries.farmrun, "--db", db, "-p", "x=1,2", "--jobs", "1", "--progress", "0", "--", "/bin/echo", #"{"y": {x}}"#])
        #expect(setup.status == 0, "\(setup.stderr)")
        try "not a database\n".write(toFile: folder.file("text.db"), atomically: true, encoding: .utf8)
        try "command: [echo]\nparameters:\n  x: [1]\nreplicates: ten\n".write(toFile: folder.file("wrong.yaml"), atomically: true, encoding: .utf8)
        try "command: [echo\n".write(toFile: folder.file("broken.yaml"), atomically: true, encoding: .utf8)
        if let sweep = c.sweep { try sweep.write(toFile: folder.file("bad.yaml"), atomically: true, encoding: .utf8) }
        let substitutions = ["DB": db, "NEW": folder.file("new.db"), "TEXT": folder.file("text.db"),
                             "WRONG": folder.file("wrong.yaml"), "BROKEN": folder.file("broken.yaml"), "BAD": folder.file("bad.yaml")]
        var argv = c.arguments.map { substitutions[$0] ?? $0 }
        argv[0] = argv[0] == "dbtool" ? Binaries.dbtool : Binaries.farmrun
        let before = try snapshot(folder)
        let r = try runProcess(["/usr/bin/env", "-C", folder.path] + argv, stdin: c.stdin ?? "")
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix(c.arguments[0] + ":"), "\(r.stderr)")
        #expect(r.stderr.contains(substitutions[c.says] ?? c.says), "\(r.stderr)")
        #expect(try snapshot(folder) == before, "the folder changed")
    }
}
