/// `--kind line`: the mean of y at each x, one line per series value, and the
/// spread over replicates as a band (numeric x) or error bars (text x).
extension Drawing {
    mutating func line(rows: [ResultPlot.Point], x: String, y: String, series: String?) {
        let seriesIndex: Int? = series == nil ? nil : 1
        let groups = Drawing.grouped(rows, keyCount: rows[0].keys.count)
        let spread = request.spread
        struct Mark { let x: SQLValue; let stats: SampleStatistics; let low: Double; let high: Double }
        var lines: [(label: String, marks: [Mark])] = []
        for value in Drawing.seriesValues(rows, index: seriesIndex) {
            var marks: [Mark] = []
            for group in groups where seriesIndex.map({ group.key[$0] == value }) ?? true {
                guard let stats = SampleStatistics(group.values) else { continue }
                let (low, high): (Double, Double)
                switch spread {
                case .sd: (low, high) = (stats.mean - (stats.sd ?? 0), stats.mean + (stats.sd ?? 0))
                case .se: (low, high) = (stats.mean - (stats.standardError ?? 0), stats.mean + (stats.standardError ?? 0))
                case .minmax: (low, high) = (stats.min, stats.max)
                case .none: (low, high) = (stats.mean, stats.mean)
                }
                marks.append(Mark(x: group.key[0], stats: stats, low: low, high: high))
            }
            marks.sort { SQLValue.sortsBefore($0.x, $1.x) }
            lines.append((value.map { $0.text.isEmpty ? "NULL" : $0.text } ?? y, marks))
        }
        let allMarks = lines.flatMap(\.marks)
        let xAxis = Axis.fitting(allMarks.map(\.x))
        let yAxis = Axis.linear(.init(covering: allMarks.flatMap { [$0.low, $0.high] }))
        let legend = series != nil
        let frame = ChartFrame(width: canvas.width, height: canvas.height, legendWidth: legend ? ChartFrame.legendWidth : 0)
        let counts = allMarks.map(\.stats.count)
        let nText = counts.min() == counts.max() ? "n = \(counts[0]) per point" : "n = \(counts.min() ?? 0)–\(counts.max() ?? 0) per point"
        let spreadText: String
        switch spread {
        case .sd: spreadText = "mean ± 1 sd"
        case .se: spreadText = "mean ± 1 standard error"
        case .minmax: spreadText = "mean, min to max"
        case .none: spreadText = "mean"
        }
        frame.drawTitle(request.title ?? "\(y) by \(x)" + (series.map { " and \($0)" } ?? ""),
                        subtitle: subtitle("\(spreadText) over replicates, \(nText)"), on: &canvas)
        frame.drawAxes(x: xAxis, y: yAxis, xLabel: x, yLabel: "\(y) (mean)", grid: true, on: &canvas)
        let numericX: Bool
        if case .linear = xAxis { numericX = true } else { numericX = false }
        // On a text axis the series sit side by side in each slot so their error bars do not hide each other.
        var slotWidth = 0.0
        if case .categorical(let categories) = xAxis { slotWidth = (frame.right - frame.left) / Double(max(categories.values.count, 1)) }
        let dodgeStep = min(10, slotWidth * 0.5 / Double(lines.count))
        for (i, line) in lines.enumerated() {
            let color = Palette.series(i)
            let dodge = (Double(i) - Double(lines.count - 1) / 2) * dodgeStep
            let points = line.marks.compactMap { mark -> (Double, Double, Double, Double)? in
                guard let fx = xAxis.fraction(mark.x), case .linear(let ya) = yAxis else { return nil }
                return (frame.x(fx) + dodge, frame.y(ya.fraction(mark.stats.mean)), frame.y(ya.fraction(mark.low)), frame.y(ya.fraction(mark.high)))
            }
            if spread != .none {
                if numericX && points.count > 1 {
                    canvas.polygon(points.map { ($0.0, $0.3) } + points.reversed().map { ($0.0, $0.2) }, fill: color, opacity: 0.16)
                } else {
                    for p in points where p.2 != p.3 {
                        canvas.line(p.0, p.2, p.0, p.3, stroke: color, width: 1.5)
                        canvas.line(p.0 - 5, p.2, p.0 + 5, p.2, stroke: color, width: 1.5)
                        canvas.line(p.0 - 5, p.3, p.0 + 5, p.3, stroke: color, width: 1.5)
                    }
                }
            }
            if points.count > 1 { canvas.polyline(points.map { ($0.0, $0.1) }, stroke: color) }
            for (p, mark) in zip(points, line.marks) {
                let s = mark.stats
                canvas.circle(x: p.0, y: p.1, radius: 3.5, fill: color,
                              title: "\(line.label) \(x)=\(mark.x.text): mean \(s.mean), sd \(s.sd.map { "\($0)" } ?? "–"), n \(s.count)")
            }
        }
        if legend, let series {
            frame.drawLegend(title: series, entries: lines.enumerated().map { ($1.label, Palette.series($0)) }, on: &canvas)
        }
    }
}
