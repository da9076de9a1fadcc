import Farm
import GRDB
import Hummingbird

/// The JSON documents under `/api/` that the page reads (and scripts may): each a function of the database
/// and the request's query, built from the same read models as `farmrun status` and `dbtool summary`.
enum DashboardAPI {
    /// `/api/status`: what `farmrun status --format json` prints.
    static func status(database: String, table: String?, in db: Database) throws -> JSONValue {
        try StatusDocument(database: database, table: table, in: db).json
    }

    /// `/api/sweeps`: per sweep its parameters, the results table's other columns (the metrics a chart may
    /// show), and the search's fidelity parameter and metric, for the page's choosers.
    static func sweeps(in db: Database) throws -> JSONValue {
        guard try LedgerSchema.exists(in: db) else { return .object([("sweeps", .array([]))]) }
        let tables = try ResultsTable.userTables(in: db)
        let rows = try Row.fetchAll(db, sql: "SELECT results_table, spec FROM farm_sweep ORDER BY id")
        return .object([("sweeps", .array(try rows.map { row in
            let table: String = row[0]
            let spec = try SweepSpec(storedJSON: row[1])
            let parameters = spec.parameters.map(\.name)
            let metrics = tables.contains(table) ? try metricColumns(table, parameters: parameters, in: db) : []
            return .object([
                ("table", .string(table)),
                ("parameters", .array(parameters.map { .string($0) })),
                ("metrics", .array(metrics.map { .string($0) })),
                ("fidelity", spec.fidelity.map { .string($0.parameter) } ?? .null),
                ("metric", spec.metric.map { .object([("name", .string($0.name)), ("goal", .string($0.goal.rawValue))]) } ?? .null),
            ])
        }))])
    }

    static func failures(table: String?, in db: Database) throws -> JSONValue {
        let sweep = try DashboardReader.sweep(table, in: db)
        return try FailureDocument(sweep: sweep.id, table: sweep.table, in: db).json
    }

    /// `/api/coverage?by=a,b`: done/total per value of one or two parameters (default: the first two).
    static func coverage(table: String?, by: String?, in db: Database) throws -> JSONValue {
        let sweep = try DashboardReader.sweep(table, in: db)
        let names = by.map { $0.split(separator: ",").map { String($0) }.filter { !$0.isEmpty } } ?? Array(sweep.spec.parameters.map(\.name).prefix(2))
        guard (1...2).contains(names.count) else {
            throw DashboardRequestError("by=\(by ?? ""): give one parameter or two, comma-separated")
        }
        let coverage = try SweepCoverage(sweep: sweep.id, table: sweep.table, spec: sweep.spec, by: names, in: db)
        guard coverage.cells.count <= maxCoverageCells else {
            throw DashboardRequestError("the coverage by \(names.joined(separator: " and ")) has \(coverage.cells.count) cells, more than a page shows well (at most \(maxCoverageCells)); choose one parameter, or two with fewer values")
        }
        return coverage.json
    }

    /// `/api/results?metric=m&by=a,b&order=desc`: the replicate summary of a metric.
    static func results(table: String?, metric: String?, by: String?, descending: Bool, in db: Database) throws -> JSONValue {
        let sweep = try DashboardReader.sweep(table, in: db)
        let fallback = try defaultMetric(sweep.table, parameters: sweep.spec.parameters.map(\.name), in: db)
        guard let metric = metric ?? sweep.spec.metric?.name ?? fallback else {
            throw DashboardRequestError("sweep \(sweep.table) has no results yet", status: .notFound)
        }
        let goalDescending = sweep.spec.metric.map { $0.goal == .maximize && $0.name.lowercased() == metric.lowercased() } ?? false
        return try ReplicateSummary(metric: metric, by: by, table: sweep.table, descending: descending || goalDescending, in: db)
            .json(limit: maxSummaryGroups)
    }

    /// `/api/search`: a fidelity sweep's early stopping (rungs, best so far, compute); 400 for a plain sweep.
    static func search(table: String?, in db: Database) throws -> JSONValue {
        let sweep = try DashboardReader.sweep(table, in: db)
        guard sweep.spec.fidelity != nil else {
            throw DashboardRequestError("sweep \(sweep.table) has no fidelity parameter: it is a sweep, not a search")
        }
        return try SearchStatus(sweep: sweep.id, table: sweep.table, spec: sweep.spec, in: db).json(table: sweep.table)
    }

    /// `/api/attempts`: attempts, wall and CPU time and peak memory by outcome and host.
    static func attempts(table: String?, in db: Database) throws -> JSONValue {
        let sweep = try DashboardReader.sweep(table, in: db)
        return try AttemptUsage(sweep: sweep.id, table: sweep.table, in: db).json
    }

    /// `/api/chart?kind=line&x=&y=&z=&series=`: the SVG `dbtool plot` draws for the same choice.
    static func chart(table: String?, query: [String: String], in db: Database) throws -> Snapshot {
        let sweep = try DashboardReader.sweep(table, in: db)
        guard let kind = PlotRequest.Kind(rawValue: query["kind"] ?? "line") else {
            throw DashboardRequestError("kind=\(query["kind"] ?? ""): use line, scatter or heatmap")
        }
        let parameters = sweep.spec.parameters.map(\.name)
        let fallback = try defaultMetric(sweep.table, parameters: parameters, in: db)
        guard let x = query["x"] ?? parameters.first,
              let y = query["y"] ?? (kind == .heatmap ? parameters.dropFirst().first : sweep.spec.metric?.name ?? fallback) else {
            throw DashboardRequestError("choose x and y", status: .badRequest)
        }
        if kind == .scatter, let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(Identifier.quoted(sweep.table))"), rows > maxScatterPoints {
            // One SVG circle per row: a million would be a 100 MB page.
            throw DashboardRequestError("a scatter of \(rows) rows is more than a browser draws well (at most \(maxScatterPoints)); choose line or heatmap, which draw the mean per point")
        }
        let spread = PlotRequest.Spread(rawValue: query["spread"] ?? "sd") ?? .sd
        let request = PlotRequest(kind: kind, x: x, y: y, z: query["z"], series: query["series"].flatMap { $0.isEmpty ? nil : $0 },
                                  table: sweep.table, spread: spread, width: 760, height: 440)
        return Snapshot(body: Array(try ResultPlot(request, in: db).svg.utf8), type: "image/svg+xml; charset=utf-8")
    }

    /// The most rows a scatter draws (each is an SVG element), and the most cells a coverage grid has.
    static let maxScatterPoints = 50_000
    static let maxCoverageCells = 20_000
    /// The best configurations the summary table lists (the rest are counted).
    static let maxSummaryGroups = 1_000

    /// The first column of `table` that is neither a parameter nor an id.
    static func defaultMetric(_ table: String, parameters: [String], in db: Database) throws -> String? {
        guard try ResultsTable.userTables(in: db).contains(table) else { return nil }
        return try metricColumns(table, parameters: parameters, in: db).first
    }

    /// The columns of `table` a chart or summary may measure: all but the parameters and the ids.
    static func metricColumns(_ table: String, parameters: [String], in db: Database) throws -> [String] {
        let skip = Set((parameters + ["task_id", "replicate"]).map { $0.lowercased() })
        return try db.columns(in: table).map(\.name).filter { !skip.contains($0.lowercased()) }
    }
}
