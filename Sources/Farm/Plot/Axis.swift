import Foundation

/// Maps data values to pixels along one side of a chart and says where its
/// ticks go: round numbers (1, 2 or 5 × 10ⁿ apart) for numbers, one tick per
/// value for text.
enum Axis {
    case linear(Linear)
    case categorical(Categorical)

    /// A numeric axis whose ends are extended to round tick values.
    struct Linear {
        let low: Double
        let high: Double
        let ticks: [Double]
        let decimals: Int

        init(covering values: [Double], targetTicks: Int = 6) {
            let finite = values.filter(\.isFinite)
            var low = finite.min() ?? 0
            var high = finite.max() ?? 1
            if low == high {
                let pad = low == 0 ? 1 : abs(low) * 0.1
                low -= pad
                high += pad
            }
            let step = Linear.niceStep((high - low) / Double(max(targetTicks - 1, 1)))
            low = (low / step).rounded(.down) * step
            high = (high / step).rounded(.up) * step
            var ticks: [Double] = []
            var k = 0.0
            while low + k * step <= high + step * 1e-9 {
                let t = low + k * step
                ticks.append(abs(t) < step * 1e-9 ? 0 : t)
                k += 1
            }
            self.low = low
            self.high = high
            self.ticks = ticks
            decimals = max(0, -Int((log10(step)).rounded(.down)))
        }

        static func niceStep(_ raw: Double) -> Double {
            guard raw > 0, raw.isFinite else { return 1 }
            let magnitude = pow(10, log10(raw).rounded(.down))
            let fraction = raw / magnitude
            let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
            return nice * magnitude
        }

        func fraction(_ value: Double) -> Double {
            (value - low) / (high - low)
        }

        func label(_ value: Double) -> String {
            if abs(value) >= 1e6 || (abs(value) < 1e-4 && value != 0) { return String(format: "%.3g", value) }
            return String(format: "%.\(min(decimals, 8))f", value)
        }
    }

    /// A text axis: each value gets an equal slot, its tick at the slot's middle.
    struct Categorical {
        let values: [SQLValue]

        func fraction(of index: Int) -> Double {
            (Double(index) + 0.5) / Double(max(values.count, 1))
        }

        func index(of value: SQLValue) -> Int? {
            values.firstIndex(of: value)
        }
    }

    /// The axis for these values: linear if every one is a number, else one slot per distinct value in SQLite's order.
    static func fitting(_ values: [SQLValue]) -> Axis {
        let numbers = values.compactMap(\.number)
        if numbers.count == values.count, !numbers.isEmpty {
            return .linear(Linear(covering: numbers))
        }
        return .categorical(Categorical(values: distinctSorted(values)))
    }

    static func distinctSorted(_ values: [SQLValue]) -> [SQLValue] {
        Array(Set(values)).sorted(by: SQLValue.sortsBefore)
    }

    /// Where `value` falls, 0 at the axis' start and 1 at its end.
    func fraction(_ value: SQLValue) -> Double? {
        switch self {
        case .linear(let axis): return value.number.map(axis.fraction)
        case .categorical(let axis): return axis.index(of: value).map(axis.fraction(of:))
        }
    }

    /// The ticks: where each goes (0...1) and its label.
    var ticks: [(fraction: Double, label: String)] {
        switch self {
        case .linear(let axis):
            return axis.ticks.map { (axis.fraction($0), axis.label($0)) }
        case .categorical(let axis):
            return axis.values.enumerated().map { (axis.fraction(of: $0.offset), $0.element.text.isEmpty ? "NULL" : $0.element.text) }
        }
    }
}
