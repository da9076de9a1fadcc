/// The numbers a replicated measurement is summarised by. `sd` is the sample
/// standard deviation (n − 1 in the denominator, as Python's
/// `statistics.stdev`), nil for a single value; `median` is the middle value,
/// or the mean of the two middle values.
package struct SampleStatistics: Sendable, Equatable {
    package let count: Int
    package let mean: Double
    package let sd: Double?
    package let min: Double
    package let median: Double
    package let max: Double

    /// Summarises `values`; nil when there are none.
    package init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        count = sorted.count
        // Two passes (mean, then squared deviations) stay accurate when the
        // values are large and close together, where Σx² − n·mean² is not.
        let mean = sorted.reduce(0, +) / Double(count)
        self.mean = mean
        if count > 1 {
            let squares = sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            sd = (squares / Double(count - 1)).squareRoot()
        } else {
            sd = nil
        }
        min = sorted[0]
        max = sorted[count - 1]
        let middle = count / 2
        median = count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The standard error of the mean (sd / √n), nil for a single value.
    package var standardError: Double? {
        sd.map { $0 / Double(count).squareRoot() }
    }
}
