import Testing
@testable import Farm

/// The dispatch policy alone, with its clock injected: pending before lost
/// tasks, a repeat suspect never beside another, and the deadline's fit.
@Suite struct DispatcherTests {
    @Test func pendingTasksGoFirstThenSuspectsAndARepeatSuspectRunsAlone() {
        var d = Dispatcher(pending: [0, 1], suspects: [5, 6, 7], lostRuns: [5: 1, 6: 2, 7: 1], estimator: nil, stopBy: nil, now: { 0 })
        #expect(d.next() == 0)
        #expect(d.next() == 1)
        #expect(d.next() == 5)
        #expect(d.next() == nil)  // 6 was lost twice: not beside 5
        d.ended(5)
        #expect(d.next() == 6)
        #expect(d.next() == nil)  // nothing beside 6
        d.ended(6)
        #expect(d.next() == 7)
        #expect(!d.hasPending)
    }

    @Test func aTaskThatWouldNotEndBeforeTheDeadlineIsDeferredAndAheadOnlyIfItFitsAfterTheRunningOne() {
        var estimator = RuntimeEstimator(quantile: 0.9)
        for _ in 0..<10 { estimator.add(100, value: nil) }
        var clock = 1000.0
        var d = Dispatcher(pending: [0, 1, 2], suspects: [], lostRuns: [:], estimator: estimator, stopBy: 1250, now: { clock })
        #expect(d.next() == 0)                    // started at 1000, it ends at 1100
        clock = 1100
        #expect(d.nextAhead(after: 0) == nil)     // would end at 1300: stays queued, not deferred
        #expect(d.deferred.isEmpty)
        #expect(d.next() == 2)                    // (1 went back behind 2) started now it ends at 1200
        clock = 1200
        #expect(d.next() == nil)                  // 1 would end at 1300 > 1250: deferred
        #expect(d.deferred == [1])
    }

    @Test func aTaskHandedAheadMustFitAfterTheRunningTaskAndEveryHeldOne() {
        var estimator = RuntimeEstimator(quantile: 0.9)
        for _ in 0..<10 { estimator.add(100, value: nil) }
        var d = Dispatcher(pending: [0, 1, 2, 3], suspects: [], lostRuns: [:], estimator: estimator, stopBy: 1350, now: { 1000 })
        #expect(d.next() == 0)                              // ends at 1100
        #expect(d.nextAhead(after: 0) == 1)                 // after 0: ends at 1200
        #expect(d.nextAhead(after: 0, held: [1]) == 2)      // after 0 and 1: ends at 1300
        #expect(d.nextAhead(after: 0, held: [1, 2]) == nil) // would end at 1400 > 1350: stays queued
        #expect(d.deferred.isEmpty && d.hasPending)
    }

    @Test func anEntryTheResolverDropsIsSkipped() {
        var d = Dispatcher(pending: [0, 1, 2], suspects: [], lostRuns: [:], estimator: nil, stopBy: nil, now: { 0 })
        #expect(d.next { $0 == 1 ? nil : $0 * 10 } == 0)
        #expect(d.next { $0 == 1 ? nil : $0 * 10 } == 20)
    }
}
