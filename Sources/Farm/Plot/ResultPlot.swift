import Foundation
import GRDB

/// `dbtool plot`: reads a results table and draws it as an SVG document,
/// written by farm itself so no plotting library is needed at run time.
package struct ResultPlot {
    package let request: PlotRequest
    /// The SVG document.
    package let svg: String
    /// How many rows were drawn (rows with a NULL or non-numeric metric are left out).
    package let rowCount: Int

    package init(_ request: PlotRequest, in db: Database) throws {
        self.request = request
        let source = try ResultsSource(table: request.table, in: db)
        let x = try source.column(request.x, option: "--x")
        let y = try source.column(request.y, option: "--y")
        let series = try request.series.map { try source.column($0, option: "--series") }
        var drawing = Drawing(request: request, table: source.table)
        switch request.kind {
        case .line:
            let rows = try ResultPlot.numericRows(source, [x] + (series.map { [$0] } ?? []), metric: y, request: request, in: db)
            drawing.line(rows: rows, x: x, y: y, series: series)
            rowCount = rows.count
        case .scatter:
            let rows = try ResultPlot.numericRows(source, [x] + (series.map { [$0] } ?? []), metric: y, request: request, in: db)
            if let bad = rows.first(where: { $0.keys[0].number == nil }) {
                _ = bad
                throw AnalysisError.notNumericAxis(column: x, option: "--x")
            }
            drawing.scatter(rows: rows, x: x, y: y, series: series)
            rowCount = rows.count
        case .heatmap:
            guard let zName = request.z else { throw AnalysisError.missingOption(option: "--z METRIC (the colour of each x, y cell)", kind: "heatmap") }
            let z = try source.column(zName, option: "--z")
            let rows = try ResultPlot.numericRows(source, [x, y], metric: z, request: request, in: db)
            drawing.heatmap(rows: rows, x: x, y: y, z: z)
            rowCount = rows.count
        }
        svg = drawing.canvas.document
    }

    /// A row reduced to what a chart needs: its key columns and its metric.
    struct Point {
        let keys: [SQLValue]
        let value: Double
    }

    private static func numericRows(_ source: ResultsSource, _ keys: [String], metric: String, request: PlotRequest, in db: Database) throws -> [Point] {
        let rows = try source.rows(keys + [metric], condition: request.condition, in: db)
        guard !rows.isEmpty else { throw AnalysisError.noRows(table: source.table, condition: request.condition) }
        let points = rows.compactMap { row -> Point? in
            guard let value = row[keys.count].number, value.isFinite else { return nil }
            return Point(keys: Array(row[0..<keys.count]), value: value)
        }
        guard !points.isEmpty else { throw AnalysisError.noNumericValues(column: metric, table: source.table, condition: request.condition) }
        return points
    }
}
