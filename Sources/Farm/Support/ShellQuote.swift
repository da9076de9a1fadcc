/// argv shown as a shell line for people to read or paste (farm itself never
/// runs a shell).
package enum ShellQuote {
    package static func line(_ argv: [String]) -> String {
        argv.map(quote).joined(separator: " ")
    }

    package static func quote(_ s: String) -> String {
        let safe = !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            (c.value < 128 && (c.properties.isAlphabetic || ("0"..."9").contains(c))) || "-_./=:,+@%".unicodeScalars.contains(c)
        }
        if safe { return s }
        return "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
