/// `dbtool insert DB [--table T] [--add-columns]` as the program runs it: stdin's objects into
/// `database`, a renamed key or an error as one line on stderr, and the exit status.
package enum InsertCommand {
    package static func run(database: String, table: String?, addColumns: Bool) -> Int32 {
        do {
            let rows = try ResultRow.parseAll(StandardStreams.readAllInput())
            try RowInsert.insert(rows, into: database, table: table, addColumns: addColumns) {
                StandardStreams.writeError("dbtool: \($0)")
            }
            return 0
        } catch {
            StandardStreams.writeError("dbtool: \(error.description)")
            return 1
        }
    }
}
