/// What `dbtool plot` draws: which columns on which axis, which rows, and how
/// the spread over replicates is shown.
package struct PlotRequest: Sendable {
    /// The three chart kinds a sweep needs.
    package enum Kind: String, Sendable, CaseIterable {
        /// Mean of y per x, one line per series value, with the spread as a band or error bars.
        case line
        /// Every row as a point, coloured by series.
        case scatter
        /// Two parameters on the axes, the mean of a metric as each cell's colour.
        case heatmap
    }

    /// How the spread over replicates around each mean is drawn.
    package enum Spread: String, Sendable, CaseIterable {
        /// ± one sample standard deviation.
        case sd
        /// ± one standard error of the mean.
        case se
        /// The smallest to the largest value.
        case minmax
        /// Only the mean.
        case none
    }

    package var kind: Kind
    package var x: String
    package var y: String
    /// The metric of a heatmap.
    package var z: String?
    package var series: String?
    package var table: String?
    package var condition: String?
    package var spread: Spread
    package var title: String?
    package var width: Int
    package var height: Int

    package init(
        kind: Kind = .line, x: String, y: String, z: String? = nil, series: String? = nil, table: String? = nil,
        condition: String? = nil, spread: Spread = .sd, title: String? = nil, width: Int = 860, height: Int = 520
    ) {
        self.kind = kind
        self.x = x
        self.y = y
        self.z = z
        self.series = series
        self.table = table
        self.condition = condition
        self.spread = spread
        self.title = title
        self.width = width
        self.height = height
    }
}
