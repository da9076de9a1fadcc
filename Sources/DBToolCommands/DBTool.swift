import ArgumentParser
import Farm
import Foundation
import GRDB

/// dbtool's command tree, in a library of its own so that both the `dbtool` executable and the
/// release archive's one binary (`farmrun`, which answers as dbtool when called by that name)
/// carry it.
package struct DBTool: ParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "dbtool",
        abstract: "Store and read job results in an SQLite results database.",
        discussion: """
            Drop-in for the original dbtool.py: the same commands and argument order.

              python3 mlp.py … | dbtool insert results.db
              dbtool query results.db \\
                "SELECT epochs, avg(rmse_global) FROM AlgorithmResult GROUP BY epochs"

            The table is --table if given, else the database's only table, else "results". \
            Every database is opened in WAL mode (a rollback journal on network filesystems) \
            with a long busy timeout, so many jobs can insert at once.
            """,
        version: FarmVersion.current,
        subcommands: [Insert.self, InsertManual.self, Query.self, Summary.self, Plot.self, Schema.self, Tables.self, Status.self]
    )

    /// Runs dbtool with the process's arguments and exits.
    package static func runAsProgram() -> Never {
        // The call a sweep makes once per result skips building the command tree (see QuickInsert).
        if let insert = QuickInsert(arguments: Array(CommandLine.arguments.dropFirst())) {
            Foundation.exit(InsertCommand.run(database: insert.database, table: insert.table, addColumns: insert.addColumns))
        }
        main(nil)
        Foundation.exit(0)
    }
}

/// Runs `body`, turning any error into one line on stderr and exit status 1.
func reportingErrors(database: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        StandardStreams.writeError("dbtool: " + ErrorText.line(for: error, database: database))
        throw ExitCode(1)
    }
}

struct Insert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insert",
        abstract: "Insert the JSON object(s) on stdin as rows.",
        discussion: """
            Reads one JSON object, or several (JSON Lines, or objects one after another), and \
            inserts one row per object in a single transaction: all rows or none. \
            A new table is created from the first object's keys, with types inferred \
            (integer, real, text; booleans as 0/1; arrays and objects as JSON text). \
            A key that is not a column is an error unless --add-columns.
            """
    )

    @Argument(help: "The results database (created if missing).") var database: String
    @Option(help: "The table to insert into.") var table: String?
    @Flag(help: "Add a column for each key the table does not have yet.") var addColumns = false

    func run() throws {
        // The dbtool executable's own insert: one path, one set of messages.
        let status = InsertCommand.run(database: database, table: table, addColumns: addColumns)
        if status != 0 { throw ExitCode(status) }
    }
}

struct InsertManual: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insert_manual",
        abstract: "Insert one row given as col=value arguments (every column required).",
        discussion: "Values are typed by the column's declared type; an empty value is NULL (but in a TEXT column)."
    )

    @Argument(help: "The results database.") var database: String
    @Option(help: "The table to insert into.") var table: String?
    @Argument(help: "col=value for every column of the table.") var values: [String] = []

    func run() throws {
        try reportingErrors(database: database) {
            try RowInsert.insert(try ManualInsert(arguments: values), into: database, table: table)
        }
    }
}

struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one read-only SQL statement and print the rows (CSV with a header by default).",
        discussion: "A statement that would change the database is refused and the file is left untouched."
    )

    @Argument(help: "The results database.") var database: String
    @Argument(help: "One SQL statement, e.g. \"SELECT * FROM results\".") var sql: String
    @Option(help: "Output format: csv, json or table.") var format: QueryFormat = .csv

    func run() throws {
        try reportingErrors(database: database) {
            let queue = try Store.openForReading(database)
            try queue.read { db in
                try ReadOnlyQuery(sql: sql).run(in: db, format: format, write: StandardStreams.writeOutput)
            }
        }
    }
}

extension QueryFormat: ExpressibleByArgument {}

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schema", abstract: "Print the tables and their columns, as `sqlite3 DB .schema` does.")

    @Argument(help: "The results database.") var database: String

    func run() throws {
        try reportingErrors(database: database) {
            let queue = try Store.openForReading(database)
            StandardStreams.writeOutput(try queue.read { try SchemaDump.text(of: $0) })
        }
    }
}

struct Tables: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tables", abstract: "List the results tables with their row counts.")

    @Argument(help: "The results database.") var database: String

    func run() throws {
        try reportingErrors(database: database) {
            let queue = try Store.openForReading(database)
            let lines = try queue.read { db in
                try ResultsTable.userTables(in: db).map { name in
                    let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(Identifier.quoted(name))") ?? 0
                    return "\(name)\t\(count)\n"
                }
            }
            StandardStreams.writeOutput(lines.joined())
        }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the farm ledger's progress, failures and lease (same as farmrun status).")

    @Argument(help: "The results database.") var database: String
    @Flag(help: "List failed tasks with their commands and errors.") var failed = false

    func run() throws {
        try reportingErrors(database: database) {
            StandardStreams.writeOutput(try LedgerStatus.report(database: database, listFailed: failed))
        }
    }
}

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Statistics of a metric over replicates: one row per parameter combination, best first.",
        discussion: """
            For each combination of the --by columns: n, mean, sd (sample standard deviation, \
            as Python's statistics.stdev), min, median and max of the metric over its rows, \
            sorted by mean, smallest first. Rows whose metric is NULL or not a number are left out.

              dbtool summary results.db --metric rmse_global --by epochs,activation --top 5

            Without --by: the sweep's parameters for a table farmrun wrote, else every column \
            holding no real numbers (integers and text are parameters; reals are measurements), \
            leaving out columns with one value in the whole table.
            """
    )

    @Argument(help: "The results database.") var database: String
    @Option(help: "The numeric column to summarise, e.g. rmse_global.") var metric: String
    @Option(help: "Comma-separated columns to group by (default: the sweep's parameters).") var by: String?
    @Option(help: "The results table (default: the database's only table).") var table: String?
    @Option(name: .customLong("where"), help: "An SQL condition on the rows, e.g. \"epochs >= 100\".") var condition: String?
    @Flag(help: "Sort by mean, largest first (for metrics where more is better).") var desc = false
    @Option(help: "Print only the first K rows.") var top: Int?
    @Option(help: "Output format: table, csv or json.") var format: QueryFormat = .table

    func run() throws {
        try reportingErrors(database: database) {
            let queue = try Store.openForReading(database)
            let summary = try queue.read { db in
                try ReplicateSummary(metric: metric, by: by, table: table, condition: condition, descending: desc, top: top, in: db)
            }
            StandardStreams.writeOutput(CellTable(header: summary.header, rows: summary.rows).text(format))
            if summary.skippedRows > 0 {
                StandardStreams.writeError("dbtool: \(summary.skippedRows) row\(summary.skippedRows == 1 ? "" : "s") without a numeric \(summary.metric) left out")
            }
        }
    }
}

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a results table as an SVG (or PNG) chart.",
        discussion: """
            line (default): the mean of --y at each --x, one line per --series value, with the \
            spread over replicates as a band (numeric x) or error bars (text x).

            scatter: every row as a point.

            heatmap: --x and --y are two parameters, --z the metric; each cell shows its mean.

              dbtool plot results.db --x epochs --y rmse_global --series activation \\
                -o rmse.svg
              dbtool plot results.db --kind heatmap --x t --y s --z rmse_global -o grid.png

            Rows the other parameters tell apart are pooled at each point: fix them with --where. \
            The SVG is written by dbtool itself; a .png name converts it with rsvg-convert \
            (Debian's librsvg2-bin).
            """
    )

    @Argument(help: "The results database.") var database: String
    @Option(help: "Chart kind: line, scatter or heatmap.") var kind: PlotRequest.Kind = .line
    @Option(help: "The column on the x axis.") var x: String
    @Option(help: "The column on the y axis (the metric for line and scatter).") var y: String
    @Option(help: "heatmap: the metric that colours each (x, y) cell.") var z: String?
    @Option(help: "One line (or colour) per value of this column.") var series: String?
    @Option(help: "The results table (default: the database's only table).") var table: String?
    @Option(name: .customLong("where"), help: "An SQL condition on the rows, e.g. \"a = 'relu'\".") var condition: String?
    @Option(help: "The spread around each mean: sd, se, minmax or none.") var spread: PlotRequest.Spread = .sd
    @Option(help: "The chart's title (default: says what is plotted).") var title: String?
    @Option(help: "Width in pixels.") var width = 860
    @Option(help: "Height in pixels.") var height = 520
    @Option(name: .short, help: "The file to write: NAME.svg, or NAME.png (needs rsvg-convert).") var output: String

    func run() throws {
        try reportingErrors(database: database) {
            _ = try PlotFile.format(of: output)
            guard (320...8000).contains(width), (240...8000).contains(height) else {
                throw AnalysisError.badSize(width: width, height: height)
            }
            let request = PlotRequest(kind: kind, x: x, y: y, z: z, series: series, table: table, condition: condition,
                                      spread: spread, title: title, width: width, height: height)
            let queue = try Store.openForReading(database)
            let plot = try queue.read { db in try ResultPlot(request, in: db) }
            try PlotFile.write(svg: plot.svg, to: output)
            StandardStreams.writeError("dbtool: wrote \(output) (\(plot.rowCount) row\(plot.rowCount == 1 ? "" : "s"))")
        }
    }
}

extension PlotRequest.Kind: ExpressibleByArgument {}
extension PlotRequest.Spread: ExpressibleByArgument {}
