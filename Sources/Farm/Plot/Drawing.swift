/// The picture being drawn for one `ResultPlot`, with what its charts share:
/// the request (title, size, spread) and the subtitle naming table and rows.
struct Drawing {
    let request: PlotRequest
    let table: String
    var canvas: SVGCanvas

    init(request: PlotRequest, table: String) {
        self.request = request
        self.table = table
        canvas = SVGCanvas(width: max(request.width, 320), height: max(request.height, 240))
    }

    func subtitle(_ text: String) -> String {
        var line = text + " · table \(table)"
        if let condition = request.condition { line += " where \(condition)" }
        return ChartFrame.shortened(line, to: max(30, canvas.width / 7))
    }

    /// Groups `points` by their first `keyCount` keys, keeping first-seen order.
    static func grouped(_ points: [ResultPlot.Point], keyCount: Int) -> [(key: [SQLValue], values: [Double])] {
        var order: [[SQLValue]] = []
        var values: [[SQLValue]: [Double]] = [:]
        for point in points {
            let key = Array(point.keys.prefix(keyCount))
            if values[key] == nil { order.append(key) }
            values[key, default: []].append(point.value)
        }
        return order.map { ($0, values[$0] ?? []) }
    }

    /// The distinct series values in SQLite's order (one nil series when there is no --series).
    static func seriesValues(_ points: [ResultPlot.Point], index: Int?) -> [SQLValue?] {
        guard let index else { return [nil] }
        return Axis.distinctSorted(points.map { $0.keys[index] })
    }
}
