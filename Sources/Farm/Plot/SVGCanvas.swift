import Foundation

/// A small SVG writer: shapes and text in pixel coordinates, every text
/// escaped, numbers with two decimals so files stay small and diffable.
struct SVGCanvas {
    let width: Int
    let height: Int
    private var body: [String] = []

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    static let font = "DejaVu Sans, Helvetica, Arial, sans-serif"

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil, opacity: Double? = nil, title: String? = nil) {
        var element = "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"\(fill)\""
        if let stroke { element += " stroke=\"\(stroke)\"" }
        if let opacity { element += " fill-opacity=\"\(n(opacity))\"" }
        if let title {
            element += "><title>\(SVGCanvas.escape(title))</title></rect>"
        } else {
            element += "/>"
        }
        body.append(element)
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        var element = "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\""
        if let dash { element += " stroke-dasharray=\"\(dash)\"" }
        body.append(element + "/>")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2) {
        body.append("<polyline fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\" stroke-linejoin=\"round\" points=\"\(pointList(points))\"/>")
    }

    mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double) {
        body.append("<polygon fill=\"\(fill)\" fill-opacity=\"\(n(opacity))\" stroke=\"none\" points=\"\(pointList(points))\"/>")
    }

    mutating func circle(x: Double, y: Double, radius: Double, fill: String, opacity: Double? = nil, title: String? = nil) {
        var element = "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(radius))\" fill=\"\(fill)\""
        if let opacity { element += " fill-opacity=\"\(n(opacity))\"" }
        if let title {
            element += "><title>\(SVGCanvas.escape(title))</title></circle>"
        } else {
            element += "/>"
        }
        body.append(element)
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(_ text: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start, fill: String = "#222222", bold: Bool = false, rotate: Bool = false) {
        var element = "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\""
        if bold { element += " font-weight=\"bold\"" }
        if rotate { element += " transform=\"rotate(-90 \(n(x)) \(n(y)))\"" }
        body.append(element + ">\(SVGCanvas.escape(text))</text>")
    }

    var document: String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="\(SVGCanvas.font)">
        <rect width="100%" height="100%" fill="#FFFFFF"/>
        \(body.joined(separator: "\n"))
        </svg>

        """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters, even escaped.
                if let a = c.asciiValue, a < 0x20, a != 0x09, a != 0x0A, a != 0x0D { out += "?" } else { out.append(c) }
            }
        }
        return out
    }

    private func pointList(_ points: [(Double, Double)]) -> String {
        points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
    }

    private func n(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
    }
}
