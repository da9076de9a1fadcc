import FarmResults

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// `dbtool insert DB`, which a sweep runs once per result, runs here; every other command is
// farmrun's (see FarmrunHandOff): this binary carries neither Foundation nor GRDB, so it starts
// about as fast as SQLite's own shell.
let arguments = Array(CommandLine.arguments.dropFirst())
if let insert = QuickInsert(arguments: arguments) {
    exit(InsertCommand.run(database: insert.database, table: insert.table, addColumns: insert.addColumns))
}
StandardStreams.writeError(FarmrunHandOff.run(arguments))
exit(1)
