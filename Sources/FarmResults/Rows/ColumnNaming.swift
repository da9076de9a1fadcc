/// How a result's keys become column names, for farm's jobs and `dbtool insert` alike.
///
/// A key is stored under the name the job printed (`train/loss`, `val-acc`, `top-1`, `ключ`):
/// SQLite takes any name when it is quoted, and farm quotes every name it writes. A finished
/// result is never refused for its keys; the few keys that cannot be a column as they are get a
/// column of a name derived from them, and each such rename is reported once:
///
/// - control characters (U+0000–U+001F, U+007F–U+009F) become `_`;
/// - a key longer than 255 bytes of UTF-8 is cut to 255 (at a character boundary);
/// - the empty key becomes `unnamed`;
/// - a key that names a column already taken in the same object (SQLite compares names ignoring
///   case, so `Loss` beside `loss`), or one of farm's own (`task_id`), or a parameter the job
///   printed with another value than it ran with, gets the first free of `_2`, `_3`, … appended.
///
/// A key that matches an existing column of the table ignoring case goes into that column, as
/// SQLite decides (`Loss` in a later row lands in `loss`).
package enum ColumnNaming {
    /// The longest column name farm creates, in bytes of UTF-8.
    package static let maxBytes = 255

    /// A key stored under another name, and why.
    package struct Rename: Sendable, Equatable, CustomStringConvertible {
        package var key: String
        package var column: String
        package var reason: String

        package var description: String {
            "result key \(ColumnNaming.visible(key)) stored as column \(ColumnNaming.visible(column)) (\(reason))"
        }
    }

    /// The column name of each key, in order, and the keys that were renamed. `reserved`
    /// maps names (lowercased) that no key may take as it is to why (for the message).
    package static func columns(for keys: [String], reserved: [String: String] = [:]) -> (columns: [String], renames: [Rename]) {
        var cleaned: [(name: String, reason: String?)] = keys.map(clean)
        // Fast path: plain, distinct, unreserved keys, as nearly every job prints.
        var taken = Set<String>(minimumCapacity: keys.count + reserved.count)
        for name in reserved.keys { taken.insert(name) }
        var clash = false
        for entry in cleaned where !taken.insert(entry.name.lowercased()).inserted { clash = true }
        if !clash, cleaned.allSatisfy({ $0.reason == nil }) { return (keys, []) }

        // Keys that need no cleaning keep their names (the first of two alike ignoring case);
        // a cleaned or clashing key takes the first free name derived from its own.
        let plain = Set(cleaned.filter { $0.reason == nil }.map { $0.name.lowercased() })
        taken = Set(reserved.keys)
        var renames: [Rename] = []
        for (i, entry) in cleaned.enumerated() {
            var name = entry.name
            var reason = entry.reason
            let lower = name.lowercased()
            if taken.contains(lower) || (reason != nil && plain.contains(lower)) {
                let why = reserved[lower] ?? "another key of the same result has that name, and SQLite ignores case in names"
                name = freeName(base: name, avoiding: taken.union(plain))
                reason = reason.map { "\($0); \(why)" } ?? why
            }
            taken.insert(name.lowercased())
            cleaned[i].name = name
            if let reason { renames.append(Rename(key: keys[i], column: name, reason: reason)) }
        }
        return (cleaned.map(\.name), renames)
    }

    /// `key` without control characters, cut to `maxBytes`, not empty; with why it changed.
    static func clean(_ key: String) -> (name: String, reason: String?) {
        if key.isEmpty { return ("unnamed", "an empty key") }
        var reasons: [String] = []
        var name = key
        if key.unicodeScalars.contains(where: isControl) {
            name = String(String.UnicodeScalarView(key.unicodeScalars.map { isControl($0) ? "_" : $0 }))
            reasons.append("control characters become _")
        }
        if name.utf8.count > maxBytes {
            var cut = ""
            for character in name {
                if cut.utf8.count + String(character).utf8.count > maxBytes { break }
                cut.append(character)
            }
            name = cut.isEmpty ? "unnamed" : cut
            reasons.append("longer than \(maxBytes) bytes, cut")
        }
        return (name, reasons.isEmpty ? nil : reasons.joined(separator: "; "))
    }

    /// `base_2`, `base_3`, …: the first whose lowercased form is not in `avoiding`.
    private static func freeName(base: String, avoiding: Set<String>) -> String {
        var n = 2
        while true {
            var stem = base
            let suffix = "_\(n)"
            while stem.utf8.count + suffix.utf8.count > maxBytes, !stem.isEmpty { stem.removeLast() }
            let candidate = stem + suffix
            if !avoiding.contains(candidate.lowercased()) { return candidate }
            n += 1
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value <= 0x9F)
    }

    /// `name` in quotes for a message: control characters escaped, a long name shortened.
    package static func visible(_ name: String) -> String {
        var text = ""
        for scalar in name.unicodeScalars {
            if isControl(scalar) {
                text += "\\u{\(String(scalar.value, radix: 16))}"
            } else if scalar == "\"" || scalar == "\\" {
                text += "\\" + String(scalar)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        if text.count > 60 { text = String(text.prefix(40)) + "…(\(name.utf8.count) bytes)" }
        return "\"" + text + "\""
    }
}

extension ResultRow {
    /// The row with its columns named by `ColumnNaming`, and the renames made.
    package func namedForStorage(reserved: [String: String] = [:]) -> (row: ResultRow, renames: [ColumnNaming.Rename]) {
        let (names, renames) = ColumnNaming.columns(for: columns, reserved: reserved)
        guard !renames.isEmpty else { return (self, []) }
        return (ResultRow(columns: names, values: values), renames)
    }
}
