/// `--kind scatter`: every row as a point, x against y, coloured by series.
extension Drawing {
    mutating func scatter(rows: [ResultPlot.Point], x: String, y: String, series: String?) {
        let seriesIndex: Int? = series == nil ? nil : 1
        let xAxis = Axis.Linear(covering: rows.compactMap { $0.keys[0].number })
        let yAxis = Axis.Linear(covering: rows.map(\.value))
        let legend = series != nil
        let frame = ChartFrame(width: canvas.width, height: canvas.height, legendWidth: legend ? ChartFrame.legendWidth : 0)
        frame.drawTitle(request.title ?? "\(y) against \(x)" + (series.map { " by \($0)" } ?? ""),
                        subtitle: subtitle("every row, \(rows.count) points"), on: &canvas)
        frame.drawAxes(x: .linear(xAxis), y: .linear(yAxis), xLabel: x, yLabel: y, grid: true, on: &canvas)
        let values = Drawing.seriesValues(rows, index: seriesIndex)
        for (i, value) in values.enumerated() {
            let color = Palette.series(i)
            for row in rows where seriesIndex.map({ row.keys[$0] == value }) ?? true {
                guard let vx = row.keys[0].number else { continue }
                canvas.circle(x: frame.x(xAxis.fraction(vx)), y: frame.y(yAxis.fraction(row.value)), radius: 3, fill: color, opacity: 0.65)
            }
        }
        if legend, let series {
            frame.drawLegend(title: series, entries: values.enumerated().map { ($1.map { $0.text.isEmpty ? "NULL" : $0.text } ?? "", Palette.series($0)) }, on: &canvas)
        }
    }
}
