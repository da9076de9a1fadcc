import Foundation

/// Colours that stay apart for colour-blind readers (Okabe and Ito's set) for
/// series, and a perceptually even ramp (viridis) for heatmaps.
enum Palette {
    static let series = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    static func series(_ index: Int) -> String {
        series[index % series.count]
    }

    private static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
        (31, 158, 137), (53, 183, 121), (109, 205, 89), (180, 222, 44), (253, 231, 37),
    ]

    /// The ramp's colour at `t` in 0...1 (dark purple to yellow).
    static func ramp(_ t: Double) -> String {
        let clamped = t.isFinite ? Swift.min(Swift.max(t, 0), 1) : 0
        let position = clamped * Double(viridis.count - 1)
        let i = Swift.min(Int(position), viridis.count - 2)
        let f = position - Double(i)
        let (a, b) = (viridis[i], viridis[i + 1])
        func mix(_ u: Double, _ v: Double) -> Int { Int((u + (v - u) * f).rounded()) }
        return String(format: "#%02X%02X%02X", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// Whether text on the ramp's colour at `t` should be white.
    static func rampIsDark(_ t: Double) -> Bool {
        t < 0.6
    }
}
