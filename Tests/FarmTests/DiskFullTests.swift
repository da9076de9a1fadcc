import Foundation
import Testing
@testable import Farm

/// A results database on a filesystem that fills up: the failing insert says
/// so clearly, stores nothing, and every earlier row stays readable.
@Suite struct DiskFullTests {
    /// A 1 MiB tmpfs, or nil where mounting is not allowed (not root, no mount namespace).
    static func mountTinyFilesystem(at path: String) -> Bool {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return (try? runProcess(["/bin/mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", path]))?.status == 0
    }

    @Test func insertOnAFullDiskFailsClearlyAndKeepsEveryEarlierRow() throws {
        let folder = TemporaryFolder()
        let mountPoint = folder.file("tiny")
        guard Self.mountTinyFilesystem(at: mountPoint) else {
            print("skipped: cannot mount a tmpfs here (needs root)")
            return
        }
        defer { _ = try? runProcess(["/bin/umount", mountPoint]) }
        let db = mountPoint + "/r.db"
        let batch = (0..<50).map { #"{"i": \#($0), "pad": "\#(String(repeating: "x", count: 2000))"}"# }.joined(separator: "\n")
        var stored = 0
        var failure: ProcessResult?
        for _ in 0..<100 {
            let r = try dbtool(["insert", db], stdin: batch)
            if r.status != 0 { failure = r; break }
            stored += 50
        }
        let r = try #require(failure, "a 1 MiB filesystem should fill up")
        #expect(stored > 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("disk is full") && r.stderr.contains("nothing of this insert was written"), "\(r.stderr)")
        #expect(try scalar(db, "PRAGMA integrity_check") == "ok")
        #expect(try scalar(db, "SELECT count(*) FROM results") == stored)
        #expect(try dbtool(["query", db, "SELECT count(*) FROM results"]).stdout == "count(*)\n\(stored)\n")
    }
}
