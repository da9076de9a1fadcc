import Farm
import Foundation

/// The secret a dashboard asks of every request, so that on a login node shared by hundreds of users only the
/// one who started `farmrun serve` (and whoever they hand the URL) reads the results. A new random token per
/// start, or one read from `--token-file` so a bookmarked URL keeps working across restarts.
package struct DashboardToken: Sendable {
    package let value: String

    /// The shortest token a file may give: 128 bits as hex.
    package static let minimumLength = 32

    /// 32 random bytes from the system's generator, as 64 hex digits.
    package static func random() -> DashboardToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return DashboardToken(checked: bytes.map { String(format: "%02x", $0) }.joined())
    }

    /// The token in `path` (its first line, surrounding white space dropped).
    package static func read(from path: String) throws(DashboardError) -> DashboardToken {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .tokenFile(path: path, problem: "it cannot be read; check the path and its permissions")
        }
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard line.count >= minimumLength else {
            throw .tokenFile(path: path, problem: "its first line holds \(line.count) characters; a token needs at least \(minimumLength) (e.g. openssl rand -hex 32 > \(path))")
        }
        // Characters a URL and a cookie carry as they are.
        guard line.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.~".unicodeScalars.contains($0)) }) else {
            throw .tokenFile(path: path, problem: "its token may hold only letters, digits and - _ . ~ (e.g. openssl rand -hex 32 > \(path))")
        }
        return DashboardToken(checked: line)
    }

    private init(checked value: String) { self.value = value }

    /// Whether `candidate` is the token, in time that does not depend on where the two first differ.
    package func matches(_ candidate: Substring) -> Bool {
        let expected = Array(value.utf8)
        let given = Array(candidate.utf8)
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}
