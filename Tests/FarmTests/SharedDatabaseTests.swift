import Foundation
import GRDB
import Testing
@testable import Farm

/// The database where clusters keep it, and read while a farm writes it.
@Suite struct SharedDatabaseTests {
    @Test func onANetworkFilesystemTheDatabaseUsesARollbackJournal() throws {
        let folder = TemporaryFolder()
        let db = folder.file("nfs.db")
        let r = try runProcess([Binaries.farmrun, "--db", db, "-p", "x=1..20", "--jobs", "2", "--progress", "0", "--", "/bin/echo", #"{"x": {x}}"#],
                               environment: ["FARM_ASSUME_NETWORK_FS": "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("journal DELETE"))
        #expect(try scalar(db, "PRAGMA journal_mode") == "delete")
        #expect(!FileManager.default.fileExists(atPath: db + "-wal"))
        #expect(try scalar(db, "SELECT count(*) FROM results") == 20)
        let insert = try runProcess([Binaries.dbtool, "insert", db, "--add-columns"], stdin: #"{"x": 99, "by": "hand"}"#,
                                    environment: ["FARM_ASSUME_NETWORK_FS": "1"])
        #expect(insert.status == 0, "\(insert.stderr)")
        #expect(try scalar(db, "PRAGMA journal_mode") == "delete")
    }

    @Test func filesystemsAreToldApartByTheirStatfsTypeAndTheRestByProcMounts() throws {
        #expect(FileSystemKind.kind(ofMagic: 0x6969) == .network(type: "nfs"))
        #expect(FileSystemKind.kind(ofMagic: 0x0BD0_0BD0) == .network(type: "lustre"))
        #expect(FileSystemKind.kind(ofMagic: 0xEF53) == .local)
        // FUSE may be sshfs or a local overlay: only /proc/mounts can tell.
        #expect(FileSystemKind.kind(ofMagic: 0x6573_5546) == nil)
        let folder = TemporaryFolder()
        #expect(FileSystemKind.of(folder: folder.path) == .local)
        #expect(FileSystemKind.of(folder: "/proc") == FileSystemKind.fromMounts(folder: "/proc"))
        #expect(FileSystemKind.of(folder: folder.path + "/missing") == .local)
    }

    @Test func mountPointsInProcMountsAreReadWithTheirOctalEscapesUndone() {
        #expect(FileSystemKind.unescaped("/mnt/my\\040disk") == "/mnt/my disk")
        #expect(FileSystemKind.unescaped("/a\\011b\\134c") == "/a\tb\\c")
        #expect(FileSystemKind.unescaped("/plain") == "/plain")
        // A backslash not followed by three octal digits stays as it is.
        #expect(FileSystemKind.unescaped("/x\\9y\\04") == "/x\\9y\\04")
    }

    @Test func statusAndQueryWhileAFarmWritesNeverSeeAHalfWrittenStateOrALock() async throws {
        let folder = TemporaryFolder()
        let db = folder.file("busy.db")
        // Tasks past 750 wait for the file `go`, made once the reads below have overlapped the
        // farm's writing: however fast the farm, the reads happen while it runs.
        let go = folder.file("go")
        let job = "[ {x} -le 750 ] || while [ ! -e '\(go)' ]; do sleep 0.01; done; echo '{\"x\": {x}}'"
        let farm = try BackgroundProcess([Binaries.farmrun, "--db", db, "-p", "x=1..1500", "--jobs", "2", "--progress", "0",
                                          "--batch-interval", "0.05s", "--", "/bin/sh", "-c", job],
                                         logPath: folder.file("farm.log"))
        var reads = 0
        var lastDone = 0
        while farm.process.isRunning {
            // The results table and the ledger agree in every snapshot: a result and its done-mark commit together.
            let q = try runProcess([Binaries.dbtool, "query", db,
                                    "SELECT (SELECT count(*) FROM results), (SELECT count(*) FROM farm_task WHERE state = 'done')"])
            if q.status == 0 {
                let fields = q.stdout.split(separator: "\n").last?.split(separator: ",").map(String.init) ?? []
                #expect(fields.count == 2 && fields[0] == fields[1], "results and ledger disagree: \(q.stdout)")
                let done = Int(fields.last ?? "") ?? 0
                #expect(done >= lastDone)
                lastDone = done
                if done > 0 { reads += 1 }
            } else {
                #expect(!q.stderr.contains("locked"), "\(q.stderr)")
                // Before the farm created the file and its tables a query finds neither; anything else is a failure.
                #expect(q.stderr.contains("no such table") || q.stderr.contains("no such file"), "\(q.stderr)")
            }
            let s = try runProcess([Binaries.farmrun, "status", "--db", db])
            #expect(!s.stderr.contains("locked"), "\(s.stderr)")
            if reads >= 4 && !FileManager.default.fileExists(atPath: go) {
                #expect(FileManager.default.createFile(atPath: go, contents: nil), "cannot make \(go)")
            }
        }
        #expect(await farm.wait() == 0, "\(farm.log)")
        #expect(reads >= 4)
        #expect(try scalar(db, "SELECT count(*) FROM results") == 1500)
    }
}
