import Testing
@testable import Farm

/// `farmrun --version` and `dbtool --version`: the release both binaries belong to, one line each.
@Suite struct VersionTests {
    @Test func bothBinariesPrintTheRelease() throws {
        for binary in [Binaries.farmrun, Binaries.dbtool] {
            let r = try runProcess([binary, "--version"])
            #expect(r.status == 0 && r.stdout == FarmVersion.current + "\n", "\(binary): \(r.stdout) \(r.stderr)")
        }
    }
}
