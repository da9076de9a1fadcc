/// One replicate's metric at a rung (nil: the report lacked it or it was not a
/// number, which ranks worst), as `farm_rung` keeps it.
public struct RungReport: Sendable, Equatable {
    /// The configuration's key (`SearchPlan.configKeys`).
    public var config: String
    /// The fidelity value of the rung.
    public var rung: Double
    public var replicate: Int
    public var metric: Double?

    public init(config: String, rung: Double, replicate: Int, metric: Double?) {
        self.config = config
        self.rung = rung
        self.replicate = replicate
        self.metric = metric
    }
}

/// Early stopping's verdict on a configuration at a rung, as `farm_decision`
/// keeps it: the mean metric of its replicates there, its place (1 = best)
/// among the `competitors` decided at that rung so far, and whether it went on.
public struct RungDecision: Sendable, Equatable {
    public var config: String
    public var rung: Double
    public var metric: Double?
    public var reports: Int
    public var place: Int
    public var competitors: Int
    public var prune: Bool

    public init(config: String, rung: Double, metric: Double?, reports: Int, place: Int, competitors: Int, prune: Bool) {
        self.config = config
        self.rung = rung
        self.metric = metric
        self.reports = reports
        self.place = place
        self.competitors = competitors
        self.prune = prune
    }
}
