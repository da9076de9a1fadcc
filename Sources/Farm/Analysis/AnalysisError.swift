/// Errors of `dbtool summary` and `dbtool plot`: each names the table, column
/// or option at fault and says what to give instead.
package enum AnalysisError: FarmError {
    case unknownColumn(name: String, option: String, table: String, columns: [String])
    case noNumericValues(column: String, table: String, condition: String?)
    case noRows(table: String, condition: String?)
    case noGroupColumns(table: String)
    case badCondition(condition: String, reason: String)
    case badTop(Int)
    case missingOption(option: String, kind: String)
    case notNumericAxis(column: String, option: String)
    case unknownOutputType(path: String)
    case converterMissing(path: String)
    case conversionFailed(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case badSize(width: Int, height: Int)

    package var description: String {
        switch self {
        case let .unknownColumn(name, option, table, columns):
            return "\(option) \(name): table \(table) has no such column (columns: \(columns.joined(separator: ", ")))"
        case let .noNumericValues(column, table, condition):
            return "column \(column) of table \(table) has no numeric values\(Self.within(condition)); pick a metric column holding numbers"
        case let .noRows(table, condition):
            return "table \(table) has no rows\(Self.within(condition)); check the table (dbtool tables) and the --where condition"
        case let .noGroupColumns(table):
            return "table \(table) has no column to group by besides the metric; name them with --by col1,col2"
        case let .badCondition(condition, reason):
            return "--where \"\(condition)\" is not a usable SQL condition: \(reason)"
        case let .badTop(k):
            return "--top \(k): give a positive number of rows"
        case let .missingOption(option, kind):
            return "a \(kind) plot needs \(option)"
        case let .notNumericAxis(column, option):
            return "\(option) \(column) holds text; a scatter plot needs numbers on both axes (use --kind line for a text x)"
        case let .unknownOutputType(path):
            return "-o \(path): the file name must end in .svg or .png"
        case let .converterMissing(path):
            return "-o \(path): writing PNG needs rsvg-convert (apt-get install librsvg2-bin); or write .svg"
        case let .conversionFailed(path, reason):
            return "-o \(path): rsvg-convert failed: \(reason)"
        case let .cannotWrite(path, reason):
            return "-o \(path) cannot be written: \(reason)"
        case let .badSize(width, height):
            return "--width \(width) --height \(height): give a width of 320 to 8000 and a height of 240 to 8000 pixels"
        }
    }

    private static func within(_ condition: String?) -> String {
        condition.map { " where \($0)" } ?? ""
    }
}
