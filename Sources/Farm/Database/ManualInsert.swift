import GRDB

/// `dbtool insert_manual`: one row from `col=value` arguments, for emergencies.
/// Every column (but an integer primary key) must be given, and each value must
/// fit its column's declared type, so a hand-typed row cannot be half-right.
package struct ManualInsert {
    package let assignments: [(column: String, value: String)]

    /// Parses `col=value` arguments.
    package init(arguments: [String]) throws(StoreError) {
        var result: [(String, String)] = []
        for argument in arguments {
            guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else {
                throw .badManualArgument(argument)
            }
            result.append((String(argument[..<eq]), String(argument[argument.index(after: eq)...])))
        }
        assignments = result
    }

    /// Builds the typed row for `table` and inserts it.
    @discardableResult
    package func insert(into table: String, in db: Database) throws -> Int64 {
        guard !Identifier.isInternalTable(table) else { throw StoreError.reservedTable(name: table) }
        guard try db.tableExists(table) else {
            throw StoreError.unknownTable(name: table, existing: try ResultsTable.userTables(in: db))
        }
        let columns = try db.columns(in: table)
        let primaryKey = try db.primaryKey(table)
        let rowIDColumn = primaryKey.rowIDColumn
        let byName = Dictionary(columns.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        let unknown = assignments.map(\.column).filter { byName[$0.lowercased()] == nil }
        guard unknown.isEmpty else {
            throw StoreError.unknownColumns(keys: unknown, table: table, columns: columns.map(\.name))
        }
        let given = Set(assignments.map { $0.column.lowercased() })
        let missing = columns.filter { !given.contains($0.name.lowercased()) && $0.name.lowercased() != rowIDColumn?.lowercased() }
        guard missing.isEmpty else {
            throw StoreError.missingColumns(missing: missing.map(\.name), table: table)
        }
        var row = ResultRow()
        for (column, text) in assignments {
            let info = byName[column.lowercased()]!
            row.append(info.name, try ManualInsert.typed(text, column: info.name, declaredType: info.type))
        }
        let writer = try ResultsTable(name: table, in: db)
        return try writer.insert(row, in: db)
    }

    /// `text` converted by SQLite's affinity rules for `declaredType`; an empty
    /// value is NULL except in a text column.
    static func typed(_ text: String, column: String, declaredType: String) throws(StoreError) -> SQLValue {
        let type = declaredType.uppercased()
        if type.contains("INT") {
            if text.isEmpty { return .null }
            guard let value = Int64(text) else { throw .badManualValue(column: column, value: text, type: "an integer") }
            return .integer(value)
        }
        if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") {
            return .text(text)
        }
        if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") {
            if text.isEmpty { return .null }
            guard let value = Double(text) else { throw .badManualValue(column: column, value: text, type: "a number") }
            return .real(value)
        }
        if type.isEmpty || type.contains("BLOB") {
            return text.isEmpty ? .null : .text(text)
        }
        // NUMERIC affinity
        if text.isEmpty { return .null }
        if let value = Int64(text) { return .integer(value) }
        if let value = Double(text) { return .real(value) }
        throw .badManualValue(column: column, value: text, type: "a number")
    }
}
