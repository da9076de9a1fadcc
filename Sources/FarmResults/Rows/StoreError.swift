/// Errors about a results database: opening it, its tables and columns, and
/// the rows given to it. Every case names the input and says what to do.
package enum StoreError: Error, Sendable, CustomStringConvertible {
    case folderMissing(path: String, folder: String)
    case cannotOpen(path: String, reason: String)
    case notADatabase(path: String)
    case readOnlyFile(path: String)
    case badIdentifier(kind: String, name: String)
    case reservedTable(name: String)
    case unknownTable(name: String, existing: [String])
    case unknownColumns(keys: [String], table: String, columns: [String])
    case missingColumns(missing: [String], table: String)
    case badManualValue(column: String, value: String, type: String)
    case badManualArgument(String)
    case notAnObject(index: Int, kind: String)
    case emptyInput
    case badJSON(index: Int, JSONError)
    case queryWrites(sql: String)
    case queryMultipleStatements
    case querySyntax(reason: String)
    case diskFull(path: String)
    case rowRefused(table: String, reason: String)
    case sqlite(path: String, reason: String)

    package var description: String {
        switch self {
        case let .folderMissing(path, folder):
            return "database \(path): the folder \(folder) does not exist; create it first (mkdir -p \(folder))"
        case let .cannotOpen(path, reason):
            return "database \(path) cannot be opened: \(reason)"
        case let .notADatabase(path):
            return "\(path) is not an SQLite database; give the path of a results database (or a new file name)"
        case let .readOnlyFile(path):
            return "database \(path) is read-only; make it writable (chmod u+w) or work on a copy"
        case let .badIdentifier(kind, name):
            return "\(kind) name \"\(name)\" is not usable; use letters, digits and _ (not starting with a digit)"
        case let .reservedTable(name):
            return "table \"\(name)\" is one of farm's or SQLite's own tables; results need another table name"
        case let .unknownTable(name, existing):
            let list = existing.isEmpty ? "the database has no tables" : "tables: \(existing.joined(separator: ", "))"
            return "table \"\(name)\" does not exist (\(list)); pick one with --table"
        case let .unknownColumns(keys, table, columns):
            return "key\(keys.count == 1 ? "" : "s") \(keys.map { "\"\($0)\"" }.joined(separator: ", ")) not in table \(table) (columns: \(columns.joined(separator: ", "))); fix the key or pass --add-columns"
        case let .missingColumns(missing, table):
            return "table \(table) needs every column; missing: \(missing.joined(separator: ", ")) (give them as col=value)"
        case let .badManualValue(column, value, type):
            return "value \"\(value)\" for column \(column) is not \(type); give a value of the column's type"
        case let .badManualArgument(arg):
            return "argument \"\(arg)\" is not col=value; write each column as name=value"
        case let .notAnObject(index, kind):
            return "JSON value #\(index + 1) on stdin is \(kind), not an object; print one JSON object per result ({\"key\": value, …})"
        case .emptyInput:
            return "no JSON on stdin; pipe a JSON object in (e.g. python3 job.py | dbtool insert results.db)"
        case let .badJSON(index, error):
            return "JSON value #\(index + 1) on stdin is not valid: \(error)"
        case let .queryWrites(sql):
            return "query refused: \"\(sql.prefix(80))\" would change the database; query is read-only (use insert or sqlite3 to change data)"
        case .queryMultipleStatements:
            return "query refused: give exactly one SQL statement"
        case let .querySyntax(reason):
            return "query failed: \(reason)"
        case let .diskFull(path):
            return "database \(path): the disk is full; nothing of this insert was written; free space and run again"
        case let .rowRefused(table, reason):
            return "table \(table) refused the row: \(reason); fix the values or the table's constraint"
        case let .sqlite(path, reason):
            return "database \(path): \(reason)"
        }
    }
}
