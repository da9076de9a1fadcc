/// One replicate's metric at a rung (nil: the report lacked it or it was not a
/// number, which ranks worst), as `farm_rung` keeps it.
package struct RungReport: Sendable, Equatable {
    /// The configuration's key (`SearchPlan.configKeys`).
    package var config: String
    /// The fidelity value of the rung.
    package var rung: Double
    package var replicate: Int
    package var metric: Double?

    package init(config: String, rung: Double, replicate: Int, metric: Double?) {
        self.config = config
        self.rung = rung
        self.replicate = replicate
        self.metric = metric
    }
}

/// Early stopping's verdict on a configuration at a rung, as `farm_decision`
/// keeps it: the mean metric of its replicates there, its place (1 = best)
/// among the `competitors` decided at that rung so far, and whether it went on.
package struct RungDecision: Sendable, Equatable {
    package var config: String
    package var rung: Double
    package var metric: Double?
    package var reports: Int
    package var place: Int
    package var competitors: Int
    package var prune: Bool

    package init(config: String, rung: Double, metric: Double?, reports: Int, place: Int, competitors: Int, prune: Bool) {
        self.config = config
        self.rung = rung
        self.metric = metric
        self.reports = reports
        self.place = place
        self.competitors = competitors
        self.prune = prune
    }
}
