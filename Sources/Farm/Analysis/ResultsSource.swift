import Foundation
import GRDB

/// A results table as `dbtool summary` and `dbtool plot` read it: its columns,
/// the sweep parameters farm recorded for it (if a farm wrote it), and rows of
/// chosen columns filtered by a user's SQL condition. Works on any table,
/// also ones no farm has touched.
package struct ResultsSource {
    package let table: String
    package let columns: [String]
    /// The parameter names of the farm sweep that wrote this table, in the
    /// sweep's order, or nil for a table farmrun did not write.
    package let sweepParameters: [String]?

    /// Reads the table's shape; `table` nil means the database's only table.
    package init(table explicit: String?, in db: Database) throws {
        let name = try ResultsTable.defaultName(explicit: explicit, in: db)
        let existing = try ResultsTable.userTables(in: db)
        guard let table = existing.first(where: { $0.lowercased() == name.lowercased() }) else {
            throw StoreError.unknownTable(name: name, existing: existing)
        }
        self.table = table
        columns = try db.columns(in: table).map(\.name)
        sweepParameters = try ResultsSource.sweepParameters(of: table, in: db)
    }

    /// The column `name` (matched ignoring case, as SQLite does) or an error naming `option`.
    package func column(_ name: String, option: String) throws(AnalysisError) -> String {
        let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
        guard let column = columns.first(where: { $0.lowercased() == wanted }) else {
            throw .unknownColumn(name: name, option: option, table: table, columns: columns)
        }
        return column
    }

    /// Every column of a comma-separated list such as `epochs,activation`.
    package func columns(_ list: String, option: String) throws(AnalysisError) -> [String] {
        var result: [String] = []
        for name in list.split(separator: ",").map(String.init) where !name.trimmingCharacters(in: .whitespaces).isEmpty {
            let column = try column(name, option: option)
            if !result.contains(column) { result.append(column) }
        }
        return result
    }

    /// What to group replicates by when the user names nothing: the sweep's
    /// parameters for a table farmrun wrote; otherwise every column that holds
    /// no real numbers (parameters are integers and text, measurements are
    /// reals), leaving out the metric and ids. Either way a column with one
    /// value in the whole table (the seed's `author`, `dataset`) is left out:
    /// it tells no rows apart and would only widen the output.
    package func defaultGroupColumns(metric: String, in db: Database) throws -> [String] {
        var candidates: [String]
        if let sweepParameters,
           case let present = sweepParameters.compactMap({ p in columns.first { $0.lowercased() == p.lowercased() } }).filter({ $0 != metric }),
           !present.isEmpty {
            candidates = present
        } else {
            let ids: Set<String> = ["task_id", "id", "rowid", "replicate", "seed"]
            candidates = columns.filter { $0 != metric && !ids.contains($0.lowercased()) }
            guard !candidates.isEmpty else { return [] }
            let reals = candidates.map { "sum(typeof(\(Identifier.quoted($0))) = 'real')" }.joined(separator: ", ")
            if let row = try Row.fetchOne(db, sql: "SELECT \(reals) FROM \(Identifier.quoted(table))") {
                candidates = candidates.enumerated().filter { index, _ in (row[index] as Int64? ?? 0) == 0 }.map(\.element)
            }
        }
        guard !candidates.isEmpty else { return [] }
        let distinct = candidates.map { "count(DISTINCT \(Identifier.quoted($0)))" }.joined(separator: ", ")
        guard let row = try Row.fetchOne(db, sql: "SELECT \(distinct) FROM \(Identifier.quoted(table))") else { return candidates }
        let varying = candidates.enumerated().filter { index, _ in (row[index] as Int64? ?? 0) > 1 }.map(\.element)
        return varying.isEmpty ? candidates : varying
    }

    /// The values of `columns` in every row matching `condition`.
    package func rows(_ columns: [String], condition: String?, in db: Database) throws -> [[SQLValue]] {
        var sql = "SELECT \(columns.map(Identifier.quoted).joined(separator: ", ")) FROM \(Identifier.quoted(table))"
        if let condition { sql += " WHERE (\(condition))" }
        do {
            let statement = try db.makeStatement(sql: sql)
            guard statement.isReadonly else {
                throw AnalysisError.badCondition(condition: condition ?? "", reason: "it would change the database")
            }
            let cursor = try Row.fetchCursor(statement)
            var rows: [[SQLValue]] = []
            while let row = try cursor.next() {
                rows.append((0..<columns.count).map { SQLValue(row[$0] as DatabaseValue) })
            }
            return rows
        } catch let error as DatabaseError {
            throw AnalysisError.badCondition(condition: condition ?? "", reason: error.message ?? "\(error)")
        }
    }

    private static func sweepParameters(of table: String, in db: Database) throws -> [String]? {
        guard try db.tableExists("farm_sweep") else { return nil }
        guard let spec = try String.fetchOne(db, sql: "SELECT spec FROM farm_sweep WHERE results_table = ? COLLATE NOCASE", arguments: [table]),
              case .object(let members)? = try? JSONParser.parseOne(Array(spec.utf8)),
              case .object(let parameters)? = members.first(where: { $0.key == "parameters" })?.value
        else { return nil }
        return parameters.map(\.key)
    }
}
