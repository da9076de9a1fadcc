import FarmResults
import GRDB

/// The ledger's connection as a `ResultsConnection`: the coordinator writes results through the
/// same `ResultsTable` logic as `dbtool insert`.
extension Database: ResultsConnection {
    package func names(_ sql: String, arguments: [String]) throws -> [String] {
        try String.fetchAll(self, sql: sql, arguments: StatementArguments(arguments))
    }

    package func run(_ sql: String) throws {
        try execute(sql: sql)
    }

    package func insert(_ sql: String, values: [SQLValue]) throws -> Int64 {
        let statement = try cachedStatement(sql: sql)
        do {
            try statement.execute(arguments: StatementArguments(values.map(\.databaseValue)))
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT || error.resultCode == .SQLITE_MISMATCH {
            throw RowRefusal(reason: error.message ?? "\(error.resultCode)")
        }
        return lastInsertedRowID
    }
}
