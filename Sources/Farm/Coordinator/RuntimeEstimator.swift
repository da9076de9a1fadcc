/// How long a task is likely to run, learned from the tasks that finished:
/// a quantile of the latest run times of tasks with the same value of the
/// runtime parameter, else of the whole sweep. Few samples give no estimate
/// (a task is then started: farm is optimistic until it knows).
struct RuntimeEstimator {
    let quantile: Double
    /// Samples kept per value: the latest ones, since run times drift.
    static let window = 256
    /// Fewer samples than this give no estimate.
    static let minimumSamples = 3

    private var byValue: [ParameterValue: Samples] = [:]
    private var all = Samples()

    init(quantile: Double) {
        self.quantile = quantile
    }

    mutating func add(_ seconds: Double, value: ParameterValue?) {
        guard seconds.isFinite, seconds >= 0 else { return }
        all.add(seconds)
        if let value { byValue[value, default: Samples()].add(seconds) }
    }

    mutating func estimate(value: ParameterValue?) -> Double? {
        if let value, let estimate = byValue[value]?.quantile(quantile) { return estimate }
        return all.quantile(quantile)
    }

    var sampleCount: Int { all.count }

    /// A ring of the latest run times with its quantile cached until the next sample.
    private struct Samples {
        private var values: [Double] = []
        private var next = 0
        private var cached: (q: Double, value: Double)?
        private(set) var count = 0

        mutating func add(_ seconds: Double) {
            if values.count < RuntimeEstimator.window {
                values.append(seconds)
            } else {
                values[next] = seconds
                next = (next + 1) % RuntimeEstimator.window
            }
            count += 1
            cached = nil
        }

        mutating func quantile(_ q: Double) -> Double? {
            guard values.count >= RuntimeEstimator.minimumSamples else { return nil }
            if let cached, cached.q == q { return cached.value }
            let sorted = values.sorted()
            let value = sorted[min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded(.up)))]
            cached = (q, value)
            return value
        }
    }
}
