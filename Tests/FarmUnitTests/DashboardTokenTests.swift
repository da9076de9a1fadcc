import Foundation
import Testing
@testable import Farm
@testable import FarmDashboard

/// The dashboard's token: random per start, read from a file with a clear error, compared whole.
@Suite struct DashboardTokenTests {
    @Test func aRandomTokenIs64HexDigitsAndNewEachTime() {
        let a = DashboardToken.random(), b = DashboardToken.random()
        #expect(a.value.count == 64 && a.value.allSatisfy(\.isHexDigit))
        #expect(a.value != b.value)
    }

    @Test func onlyTheWholeTokenMatches() {
        let token = DashboardToken.random()
        #expect(token.matches(Substring(token.value)))
        #expect(!token.matches(Substring(token.value.dropLast())))
        #expect(!token.matches(Substring(token.value + "0")))
        #expect(!token.matches(""))
        var changed = Array(token.value)
        changed[63] = changed[63] == "0" ? "1" : "0"
        #expect(!token.matches(Substring(String(changed))))
    }

    @Test func aTokenFileGivesItsFirstLineOrSaysWhatIsWrong() throws {
        let path = NSTemporaryDirectory() + "farm-token-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "  \(String(repeating: "x", count: 40))  \nsecond line\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try DashboardToken.read(from: path).value == String(repeating: "x", count: 40))
        try "short\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: DashboardError.self) { try DashboardToken.read(from: path) }
        #expect(throws: DashboardError.self) { try DashboardToken.read(from: path + ".missing") }
    }
}
