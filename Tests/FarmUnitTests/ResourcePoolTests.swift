import Testing
@testable import Farm

/// Rank 0's placement: shares of a mask ranks see alike, CPUs and devices of a job's own, fractions packed.
@Suite struct ResourcePoolTests {
    static func rank(_ holder: Int, cpus: [Int], gpus: [String] = [], slots: Int, declared: Bool = false) -> RankResources {
        RankResources(cpus: cpus, cpusDeclared: declared, gpus: gpus, holder: holder, slots: (0..<slots).map { holder + $0 * 100 })
    }

    @Test func ranksThatSeeTheSameMaskSplitIt() {
        var pool = ResourcePool(pins: true, assignsDevices: false)
        _ = pool.register(Self.rank(1, cpus: [0, 1, 2, 3], slots: 4), host: "a", slot: 1)
        _ = pool.register(Self.rank(2, cpus: [0, 1, 2, 3], slots: 4), host: "a", slot: 2)
        _ = pool.register(Self.rank(3, cpus: [0, 1, 2, 3], slots: 4), host: "b", slot: 3)
        #expect(pool.holders[1]?.cpus == [0, 1] && pool.holders[2]?.cpus == [2, 3] && pool.holders[3]?.cpus == [0, 1, 2, 3])
        #expect(pool.concurrency(of: 1) == 2 && pool.concurrency(of: 3) == 4)
        // More ranks than CPUs: one CPU each, as one rank per core runs today.
        var crowded = ResourcePool(pins: false, assignsDevices: false)
        for holder in 1...3 { _ = crowded.register(Self.rank(holder, cpus: [0, 1], slots: 2), host: "a", slot: holder) }
        #expect((1...3).map { crowded.holders[$0]!.cpus.count } == [1, 1, 1])
    }

    @Test func noTwoRunningJobsShareACPUAndAFreedCPUIsReused() throws {
        var pool = ResourcePool(pins: true, assignsDevices: false)
        _ = pool.register(Self.rank(1, cpus: [0, 1, 2], slots: 3), host: "a", slot: 1)
        let firstPlaced = pool.place(TaskDemand(cpus: 2), idle: [1, 101, 201])
        let first = try #require(firstPlaced)
        let secondPlaced = pool.place(TaskDemand(cpus: 1), idle: [1, 101].filter { $0 != first.slot })
        let second = try #require(secondPlaced)
        #expect(Set(first.resources.cpus).isDisjoint(with: second.resources.cpus))
        #expect(first.resources.pin && first.resources.cpus.count == 2)
        let none = pool.place(TaskDemand(cpus: 1), idle: [1])
        #expect(none == nil, "all three CPUs are busy")
        pool.release(slot: first.slot)
        let again = pool.place(TaskDemand(cpus: 2), idle: [first.slot])
        #expect(again?.resources.cpus == first.resources.cpus)
    }

    @Test func wholeGPUsAreExclusiveAndFractionsPackOntoOneDevice() throws {
        var pool = ResourcePool(pins: false, assignsDevices: true)
        _ = pool.register(Self.rank(1, cpus: Array(0..<8), gpus: ["0", "1"], slots: 8), host: "a", slot: 1)
        let slots = (0..<8).map { 1 + $0 * 100 }
        var idle = slots
        var devices: [String] = []
        for _ in 0..<4 {
            let placedPlaced = pool.place(TaskDemand(cpus: 1, gpus: 0.5), idle: idle)
        let placed = try #require(placedPlaced)
            idle.removeAll { $0 == placed.slot }
            devices += placed.resources.devices ?? []
        }
        #expect(devices.sorted() == ["0", "0", "1", "1"])
        let full = pool.place(TaskDemand(cpus: 1, gpus: 0.25), idle: idle)
        #expect(full == nil, "both devices are full")
        let cpuOnly = pool.place(TaskDemand(cpus: 1), idle: idle)
        #expect(cpuOnly?.resources.devices == [], "a CPU task sees no device")
        #expect(!pool.canEverHold(TaskDemand(cpus: 1, gpus: 3)) && pool.canEverHold(TaskDemand(cpus: 8, gpus: 2)))
        #expect(!pool.canEverHold(TaskDemand(cpus: 9)))
    }

    @Test func aJobOnAllOfItsRanksCPUsOrOnDeclaredCPUsIsNotPinned() throws {
        var pool = ResourcePool(pins: true, assignsDevices: false)
        _ = pool.register(Self.rank(1, cpus: [4], slots: 1), host: "a", slot: 1)
        _ = pool.register(Self.rank(2, cpus: Array(0..<8), slots: 8, declared: true), host: "b", slot: 2)
        let bound = pool.place(TaskDemand(cpus: 1), idle: [1]), declared = pool.place(TaskDemand(cpus: 1), idle: [2])
        #expect(bound?.resources.pin == false && declared?.resources.pin == false)
        #expect(bound != nil && declared != nil)
    }
}

extension ResourcePoolTests {
    @Test func aRankRunsAtMostWhatItsCPUsAndGPUsHoldOfTheSmallestTask() {
        var pool = ResourcePool(pins: false, assignsDevices: true)
        _ = pool.register(Self.rank(1, cpus: Array(0..<8), gpus: ["0", "1"], slots: 8), host: "a", slot: 1)
        #expect(pool.concurrency(of: 1) == 8)
        #expect(pool.concurrency(of: 1, smallest: TaskDemand(cpus: 4)) == 2)
        #expect(pool.concurrency(of: 1, smallest: TaskDemand(cpus: 1, gpus: 1)) == 2)
        #expect(pool.concurrency(of: 1, smallest: TaskDemand(cpus: 1, gpus: 0.25)) == 8)
        #expect(pool.concurrency(of: 1, smallest: TaskDemand(cpus: 3, gpus: 0.5)) == 2)
    }
}
