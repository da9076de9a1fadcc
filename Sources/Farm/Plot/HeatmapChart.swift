import Foundation

/// `--kind heatmap`: two parameters on the axes, each cell coloured by the
/// mean of a metric over its rows and labelled with it; cells with no rows
/// (combinations the sweep left out) stay grey.
extension Drawing {
    mutating func heatmap(rows: [ResultPlot.Point], x: String, y: String, z: String) {
        let xs = Axis.Categorical(values: Axis.distinctSorted(rows.map { $0.keys[0] }))
        let ys = Axis.Categorical(values: Axis.distinctSorted(rows.map { $0.keys[1] }))
        let cells = Drawing.grouped(rows, keyCount: 2).compactMap { group in
            SampleStatistics(group.values).map { (key: group.key, stats: $0) }
        }
        let means = cells.map(\.stats.mean)
        let low = means.min() ?? 0
        let high = means.max() ?? 1
        let frame = ChartFrame(width: canvas.width, height: canvas.height, legendWidth: 110)
        let counts = cells.map(\.stats.count)
        let nText = counts.min() == counts.max() ? "n = \(counts.first ?? 0) per cell" : "n = \(counts.min() ?? 0)–\(counts.max() ?? 0) per cell"
        frame.drawTitle(request.title ?? "mean \(z) by \(x) and \(y)", subtitle: subtitle("mean over replicates, \(nText)"), on: &canvas)
        let cellWidth = (frame.right - frame.left) / Double(xs.values.count)
        let cellHeight = (frame.bottom - frame.top) / Double(ys.values.count)
        canvas.rect(x: frame.left, y: frame.top, width: frame.right - frame.left, height: frame.bottom - frame.top, fill: "#EEEEEE")
        let showText = cellWidth >= 38 && cellHeight >= 16
        // One digit more than the colour bar's ticks, so neighbouring cells read apart.
        let labelDigits = min(Axis.Linear(covering: [low, high], targetTicks: 5).decimals + 1, 6)
        for cell in cells {
            guard let i = xs.index(of: cell.key[0]), let j = ys.index(of: cell.key[1]) else { continue }
            let t = high > low ? (cell.stats.mean - low) / (high - low) : 0.5
            let left = frame.left + Double(i) * cellWidth
            let top = frame.bottom - Double(j + 1) * cellHeight
            canvas.rect(x: left, y: top, width: cellWidth, height: cellHeight, fill: Palette.ramp(t), stroke: "#FFFFFF",
                        title: "\(x)=\(cell.key[0].text) \(y)=\(cell.key[1].text): mean \(cell.stats.mean), n \(cell.stats.count)")
            if showText {
                canvas.text(String(format: "%.\(labelDigits)f", cell.stats.mean), x: left + cellWidth / 2, y: top + cellHeight / 2 + 4,
                            size: min(12, cellHeight * 0.6), anchor: .middle, fill: Palette.rampIsDark(t) ? "#FFFFFF" : "#111111")
            }
        }
        frame.drawAxes(x: .categorical(xs), y: .categorical(ys), xLabel: x, yLabel: y, grid: false, on: &canvas)
        drawColourBar(frame: frame, low: low, high: high, label: z)
    }

    private mutating func drawColourBar(frame: ChartFrame, low: Double, high: Double, label: String) {
        let x0 = frame.right + 26
        let barTop = frame.top + 18
        let barHeight = frame.bottom - barTop
        canvas.text(ChartFrame.shortened(label, to: 14), x: x0, y: frame.top + 4, size: 12, bold: true)
        let steps = 48
        for k in 0..<steps {
            let t = Double(k) / Double(steps - 1)
            canvas.rect(x: x0, y: barTop + barHeight * (1 - Double(k + 1) / Double(steps)), width: 18, height: barHeight / Double(steps) + 0.5, fill: Palette.ramp(t))
        }
        let axis = Axis.Linear(covering: [low, high], targetTicks: 5)
        for tick in axis.ticks where tick >= low - 1e-12 && tick <= high + 1e-12 {
            let fraction = high > low ? (tick - low) / (high - low) : 0.5
            let py = barTop + barHeight * (1 - fraction)
            canvas.line(x0 + 18, py, x0 + 22, py, stroke: "#444444")
            canvas.text(axis.label(tick), x: x0 + 25, y: py + 4, size: 11)
        }
    }
}
