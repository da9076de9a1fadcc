/// SQL identifier rules shared by every writer: names farm creates must be
/// plain (`[A-Za-z_][A-Za-z0-9_]*`) so users can query them without quoting,
/// and every identifier is quoted anyway when SQL is built.
package enum Identifier {
    /// Whether `name` is a plain identifier farm may create.
    package static func isPlain(_ name: String) -> Bool {
        guard let first = name.utf8.first, !name.isEmpty, name.utf8.count <= 128 else { return false }
        guard first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z")) else { return false }
        return name.utf8.allSatisfy { b in
            b == UInt8(ascii: "_") || (b >= 0x30 && b <= 0x39) || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z"))
        }
    }

    /// `name` quoted for SQL.
    package static func quoted(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// Whether a table belongs to farm (its ledger, and GRDB's record of the ledger's migrations)
    /// or SQLite rather than to the user.
    package static func isInternalTable(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasPrefix("farm_") || lower.hasPrefix("sqlite_") || lower == "grdb_migrations"
    }
}
