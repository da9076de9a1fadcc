import Foundation
import Testing
@testable import Farm

/// The `dbtool` executable carries `insert` itself and hands every other command to farmrun
/// (see FarmrunHandOff): the same behaviour and words either way, and a clear line when
/// farmrun cannot be found.
@Suite struct DBToolHandOffTests {
    @Test func commandsDbtoolDoesNotCarryRunInFarmrunWithTheSameStreamsAndStatus() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        #expect(try dbtool(["insert", db], stdin: #"{"a": 1}"#).status == 0)
        // Spellings QuickInsert leaves to the parser reach farmrun with stdin intact.
        #expect(try dbtool(["insert", "--table=results", db], stdin: #"{"a": 2}"#).status == 0)
        #expect(try dbtool(["query", db, "SELECT a FROM results ORDER BY a"]).stdout == "a\n1\n2\n")
        #expect(try dbtool(["--version"]).stdout == FarmVersion.current + "\n")
        let help = try dbtool(["--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: dbtool"))
        let bad = try dbtool(["query", db, "DELETE FROM results"])
        #expect(bad.status == 1 && bad.stderr.contains("read-only"))
    }

    @Test func dbtoolAloneStillInsertsAndSaysItNeedsFarmrunForTheRest() throws {
        let folder = TemporaryFolder()
        let lonely = folder.file("dbtool")
        try FileManager.default.copyItem(atPath: Binaries.dbtool, toPath: lonely)
        let db = folder.file("r.db")
        #expect(try runProcess([lonely, "insert", db], stdin: #"{"a": 1}"#, environment: ["PATH": "/usr/bin:/bin"]).status == 0)
        #expect(try scalar(db, "SELECT a FROM results") == 1)
        let r = try runProcess([lonely, "tables", db], environment: ["PATH": "/usr/bin:/bin"])
        #expect(r.status == 1)
        #expect(r.stderr == "dbtool: tables is run by farmrun, which is neither next to dbtool nor on PATH; "
            + "install dbtool and farmrun together (the release archive's bin/, or swift build)\n")
        // On PATH is enough.
        let found = try runProcess([lonely, "tables", db], environment: ["PATH": Binaries.folder + ":/usr/bin:/bin"])
        #expect(found.status == 0 && found.stdout == "results\t1\n")
    }

    @Test func farmrunIsLookedForNextToDbtoolFirstThenOnThePath() {
        let bin = Binaries.folder
        #expect(FarmrunHandOff.farmrun(besides: bin + "/dbtool", searchPath: "/usr/bin") == bin + "/farmrun")
        #expect(FarmrunHandOff.farmrun(besides: "/nonexistent/dbtool", searchPath: "/usr/bin::" + bin) == bin + "/farmrun")
        #expect(FarmrunHandOff.farmrun(besides: nil, searchPath: "/usr/bin") == nil)
    }
}
