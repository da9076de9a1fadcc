import Testing
@testable import Farm

/// Early stopping's rule on its own: replicates decided together once none
/// that runs is still short of the rung, and the best max(1, n/eta) go on.
@Suite struct TrialBookTests {
    func book(configurations: Int, replicates: Int) throws -> TrialBook {
        var spec = SweepSpec(command: ["job", "{e}", "{c}"], parameters: [
            try ParameterDomain(name: "e", values: [.integer(1), .integer(3), .integer(9)]),
            try ParameterDomain(name: "c", values: (1...configurations).map { .integer(Int64($0)) }),
        ], replicates: replicates)
        spec.fidelity = FidelitySpec(parameter: "e")
        spec.metric = MetricSpec(name: "loss", goal: .minimize)
        spec.earlyTerminate = EarlyTermination(eta: 3)
        let sweep = try Sweep(spec)
        return TrialBook(plan: sweep.search!, states: Array(repeating: .pending, count: sweep.taskCount))
    }

    @Test func rungsAreMinTimesEtaToThePowerSnappedToTheValuesBelowTheLast() throws {
        #expect(try book(configurations: 1, replicates: 1).plan.rungs == [0, 1])
    }

    @Test func aConfigurationWaitsForItsRunningReplicatesThenIsDecidedOnTheirMean() throws {
        var book = try book(configurations: 2, replicates: 2)
        book.record(config: 0, rung: 0, replicate: 1, metric: 1.0)
        #expect(book.decide(0) { _ in true }.isEmpty)  // replicate 2 runs and has not reported
        book.record(config: 0, rung: 0, replicate: 2, metric: 3.0)
        let first = book.decide(0) { _ in true }
        #expect(first.map(\.metric) == [2.0])
        #expect(first.first?.prune == false)  // alone at its rung: goes on
    }

    @Test func onlyTheBestThirdGoesOnAndAMissingMetricRanksWorst() throws {
        var book = try book(configurations: 6, replicates: 1)
        let metrics: [Double?] = [0.5, 0.4, 0.9, nil, 0.1, 0.3]
        var pruned: [Bool] = []
        for (c, metric) in metrics.enumerated() {
            book.record(config: Int32(c), rung: 0, replicate: 1, metric: metric)
            pruned.append(book.decide(Int32(c)) { _ in false }.first?.prune ?? false)
        }
        // Up to n = 5 the best one so far goes on; at n = 6 the best two (0.3 is second to 0.1).
        #expect(pruned == [false, false, true, true, false, false])
        #expect(book.prunedConfigs == [2, 3])
    }

    @Test func aReportGoingDownOrRepeatedIsNotARow() throws {
        var book = try book(configurations: 1, replicates: 1)
        let row = { (e: Int64) in ResultRow(columns: ["e", "loss"], values: [.integer(e), .real(0.1)]) }
        #expect(book.accept(row(3), of: 0) == .store(task: 1, level: 1))
        #expect(book.accept(row(1), of: 0) == .skip(problem: "e went down from 3 to 1"))
        #expect(book.accept(row(3), of: 0) == .skip(problem: "e=3 reported twice"))
        #expect(book.accept(ResultRow(), of: 0) == .skip(problem: "a report line that is not a JSON object"))
        #expect(book.resumeFrom(0) == nil)  // e=1 is missing: a rerun starts over
    }
}
