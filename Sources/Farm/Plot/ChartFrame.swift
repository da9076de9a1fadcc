import Foundation

/// The parts every chart shares: the title, the plot area with its axes,
/// grid and labels, and a legend to the right of the plot area.
struct ChartFrame {
    let left: Double
    let top: Double
    let right: Double
    let bottom: Double

    /// A frame for a `width`×`height` picture, leaving `legendWidth` on the right.
    init(width: Int, height: Int, legendWidth: Double) {
        left = 86
        top = 62
        right = Double(width) - 24 - legendWidth
        bottom = Double(height) - 58
    }

    func x(_ fraction: Double) -> Double { left + fraction * (right - left) }
    func y(_ fraction: Double) -> Double { bottom - fraction * (bottom - top) }

    func drawTitle(_ title: String, subtitle: String, on canvas: inout SVGCanvas) {
        canvas.text(title, x: left, y: 26, size: 17, bold: true)
        canvas.text(subtitle, x: left, y: 46, size: 12, fill: "#555555")
    }

    /// Axes with ticks, labels and a light grid; `grid` false for heatmaps.
    func drawAxes(x xAxis: Axis, y yAxis: Axis, xLabel: String, yLabel: String, grid: Bool, on canvas: inout SVGCanvas) {
        let xTicks = xAxis.ticks
        let every = max(1, Int((Double(xTicks.count) * 60 / max(right - left, 1)).rounded(.up)))
        for (i, tick) in xTicks.enumerated() {
            let px = x(tick.fraction)
            if grid { canvas.line(px, top, px, bottom, stroke: "#E6E6E6") }
            canvas.line(px, bottom, px, bottom + 5, stroke: "#444444")
            if i % every == 0 { canvas.text(tick.label, x: px, y: bottom + 19, size: 11, anchor: .middle) }
        }
        for tick in yAxis.ticks {
            let py = y(tick.fraction)
            if grid { canvas.line(left, py, right, py, stroke: "#E6E6E6") }
            canvas.line(left - 5, py, left, py, stroke: "#444444")
            canvas.text(tick.label, x: left - 8, y: py + 4, size: 11, anchor: .end)
        }
        canvas.line(left, bottom, right, bottom, stroke: "#444444")
        canvas.line(left, top, left, bottom, stroke: "#444444")
        canvas.text(xLabel, x: (left + right) / 2, y: bottom + 42, size: 13, anchor: .middle)
        canvas.text(yLabel, x: 22, y: (top + bottom) / 2, size: 13, anchor: .middle, rotate: true)
    }

    /// A legend of coloured marks: one line per entry, under `title`.
    func drawLegend(title: String, entries: [(label: String, color: String)], on canvas: inout SVGCanvas) {
        let x0 = right + 22
        canvas.text(title, x: x0, y: top + 4, size: 12, bold: true)
        for (i, entry) in entries.enumerated() {
            let y0 = top + 24 + Double(i) * 20
            canvas.line(x0, y0 - 4, x0 + 22, y0 - 4, stroke: entry.color, width: 2.5)
            canvas.circle(x: x0 + 11, y: y0 - 4, radius: 3.5, fill: entry.color)
            canvas.text(ChartFrame.shortened(entry.label), x: x0 + 30, y: y0, size: 12)
        }
    }

    static func shortened(_ label: String, to length: Int = 22) -> String {
        label.count <= length ? label : String(label.prefix(length - 1)) + "…"
    }

    static let legendWidth: Double = 170
}
