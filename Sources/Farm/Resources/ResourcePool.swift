/// Rank 0's ledger of what every rank holds and what its running jobs use, so a task is placed
/// only on a slot whose rank has its `TaskDemand` free, and each job gets CPUs and devices of
/// its own: no two running jobs share a CPU, and a device is shared only by fractions.
///
/// Ranks on one host that see the same CPUs (an unbound mask: `mpirun --oversubscribe`,
/// `srun` with `task/none`) split them: each holds its share, so one rank per core still runs
/// one task per rank. A value, tested without ranks.
struct ResourcePool {
    /// One rank's resources and what is free of them.
    struct Holder {
        var resources: RankResources
        var host: String
        /// The CPUs its jobs may use: its own, or its share of CPUs it shares with other ranks.
        var cpus: [Int] = []
        var freeCPUs: Set<Int> = []
        var devices: [String] = []
        /// What is free of each device, in ten-thousandths.
        var freeUnits: [Int] = []
    }

    /// A device's capacity in the units fractions are counted in.
    static let unitsPerDevice = 10_000

    private(set) var holders: [Int: Holder] = [:]
    private var holderOfSlot: [Int: Int] = [:]
    /// What each busy slot's job was given.
    private var grants: [Int: Grant] = [:]
    /// Whether jobs are pinned to their CPUs (the sweep declared resources).
    let pins: Bool
    /// Whether the sweep asks for GPUs (then each job's device variables name its devices).
    let assignsDevices: Bool
    private(set) var shared = false

    struct Grant: Equatable {
        var cpus: [Int]
        /// Device index in the holder and units taken.
        var devices: [(index: Int, units: Int)]

        static func == (a: Grant, b: Grant) -> Bool {
            a.cpus == b.cpus && a.devices.map(\.index) == b.devices.map(\.index) && a.devices.map(\.units) == b.devices.map(\.units)
        }
    }

    init(pins: Bool, assignsDevices: Bool) {
        self.pins = pins
        self.assignsDevices = assignsDevices
    }

    /// A slot said ready with its rank's resources (every slot of a rank says the same).
    /// Returns the rank's other slots when this is the first word from it.
    mutating func register(_ resources: RankResources, host: String, slot: Int) -> [Int] {
        holderOfSlot[slot] = resources.holder
        guard holders[resources.holder] == nil else { return [] }
        holders[resources.holder] = Holder(resources: resources, host: host)
        for other in resources.slots { holderOfSlot[other] = resources.holder }
        splitShared()
        return resources.slots.filter { $0 != slot }
    }

    func holder(ofSlot slot: Int) -> Int? { holderOfSlot[slot] }

    /// Recomputes every rank's share: ranks on one host with the same undeclared CPUs split
    /// them in rank order (each at least one CPU), and likewise the same devices.
    private mutating func splitShared() {
        var groups: [String: [Int]] = [:]
        var deviceGroups: [String: [Int]] = [:]
        for (id, holder) in holders {
            let cpuKey = holder.resources.cpusDeclared ? "declared \(id)" : "\(holder.host) \(holder.resources.cpus)"
            groups[cpuKey, default: []].append(id)
            deviceGroups["\(holder.host) \(holder.resources.gpus)", default: []].append(id)
        }
        shared = groups.values.contains { $0.count > 1 }
        for ids in groups.values {
            let members = ids.sorted()
            for (position, id) in members.enumerated() {
                let all = holders[id]!.resources.cpus
                let share = min(max(1, all.count / members.count), holders[id]!.resources.cpuLimit ?? all.count)
                let start = (position * share) % max(1, all.count)
                holders[id]!.cpus = (0..<min(share, all.count)).map { all[(start + $0) % all.count] }
                holders[id]!.freeCPUs = Set(holders[id]!.cpus)
            }
        }
        for ids in deviceGroups.values {
            let members = ids.sorted()
            for (position, id) in members.enumerated() {
                let all = holders[id]!.resources.gpus
                guard !all.isEmpty else { continue }
                let share = max(1, all.count / members.count)
                let start = (position * share) % all.count
                holders[id]!.devices = (0..<min(share, all.count)).map { all[(start + $0) % all.count] }
                holders[id]!.freeUnits = Array(repeating: Self.unitsPerDevice, count: holders[id]!.devices.count)
            }
        }
    }

    /// How many jobs a rank can run at once at most (its slots, and one CPU each).
    /// With `smallest`, the least any task asks: a rank of 8 CPUs runs at most 2 tasks of 4.
    func concurrency(of holderID: Int, smallest: TaskDemand = TaskDemand()) -> Int {
        guard let holder = holders[holderID] else { return 0 }
        var most = holder.cpus.count / max(1, smallest.cpus)
        if smallest.gpus > 0 {
            let perDevice = smallest.gpus < 1 ? Int((1 / smallest.gpus).rounded(.down)) : 0
            most = min(most, smallest.gpus < 1 ? holder.devices.count * perDevice : holder.devices.count / Int(smallest.gpus))
        }
        return max(1, min(holder.resources.slots.count, most))
    }

    /// Counts every release of resources: a task that found no room need not be tried again before it changes.
    private(set) var releases = 0

    /// Whether some rank could ever hold `demand`.
    func canEverHold(_ demand: TaskDemand) -> Bool {
        holders.values.contains { Self.fits(demand, cpus: $0.cpus.count, devices: $0.devices.count, units: Array(repeating: Self.unitsPerDevice, count: $0.devices.count)) }
    }

    /// The most any rank holds, for the message when a task asks more.
    var largest: (cpus: Int, gpus: Int, host: String) {
        let best = holders.values.max { ($0.cpus.count, $0.devices.count) < ($1.cpus.count, $1.devices.count) }
        return (best?.cpus.count ?? 0, best?.devices.count ?? 0, best?.host ?? "")
    }

    /// Where GPUs were looked for (for the message when none is found).
    var gpuSources: String {
        Set(holders.values.map(\.resources.gpuSource)).sorted().joined(separator: "; ")
    }

    private static func units(_ gpus: Double) -> Int { Int((gpus * Double(unitsPerDevice)).rounded()) }

    private static func fits(_ demand: TaskDemand, cpus: Int, devices: Int, units free: [Int]) -> Bool {
        guard demand.cpus <= cpus else { return false }
        if demand.gpus == 0 { return true }
        if demand.gpus < 1 { return free.contains { $0 >= units(demand.gpus) } }
        return free.filter { $0 == unitsPerDevice }.count >= Int(demand.gpus)
    }

    /// Places `demand` on one of `idle` (tried from the end), taking what it needs.
    mutating func place(_ demand: TaskDemand, idle: [Int]) -> (slot: Int, resources: JobResources)? {
        for position in idle.indices.reversed() {
            let slot = idle[position]
            // (The grant is worked out on a borrowed holder, so taking it mutates the pool's own copy in place.)
            guard let id = holderOfSlot[slot], let grant = holders[id].flatMap({ Self.grant(demand, from: $0) }) else { continue }
            take(grant, slot: slot)
            return (slot, jobResources(grant, holder: id))
        }
        return nil
    }

    /// What `demand` would take of `holder` now (nil: it does not fit).
    private static func grant(_ demand: TaskDemand, from holder: Holder) -> Grant? {
        guard holder.freeCPUs.count >= demand.cpus,
              fits(demand, cpus: holder.freeCPUs.count, devices: holder.devices.count, units: holder.freeUnits) else { return nil }
        var cpus: [Int] = []
        cpus.reserveCapacity(demand.cpus)
        for cpu in holder.cpus where cpus.count < demand.cpus && holder.freeCPUs.contains(cpu) { cpus.append(cpu) }
        var devices: [(index: Int, units: Int)] = []
        if demand.gpus > 0 && demand.gpus < 1 {
            // Best fit: the device with the least free that still holds the fraction, so fractions pack.
            let need = units(demand.gpus)
            if let index = holder.freeUnits.indices.filter({ holder.freeUnits[$0] >= need }).min(by: { holder.freeUnits[$0] < holder.freeUnits[$1] }) {
                devices = [(index, need)]
            }
        } else if demand.gpus >= 1 {
            devices = holder.freeUnits.indices.filter { holder.freeUnits[$0] == unitsPerDevice }.prefix(Int(demand.gpus)).map { ($0, unitsPerDevice) }
        }
        return Grant(cpus: cpus, devices: devices)
    }

    /// The job a slot already runs uses `grant` again for the task it held (same demand).
    func grant(ofSlot slot: Int) -> Grant? { grants[slot] }

    mutating func take(_ grant: Grant, slot: Int) {
        guard let id = holderOfSlot[slot] else { return }
        for cpu in grant.cpus { holders[id]!.freeCPUs.remove(cpu) }
        for device in grant.devices { holders[id]!.freeUnits[device.index] -= device.units }
        grants[slot] = grant
    }

    /// The slot's job ended: what it used is free again.
    mutating func release(slot: Int) {
        guard let grant = grants.removeValue(forKey: slot), let id = holderOfSlot[slot] else { return }
        releases += 1
        holders[id]!.freeCPUs.formUnion(grant.cpus)
        for device in grant.devices { holders[id]!.freeUnits[device.index] += device.units }
    }

    /// The resources a job with `grant` on holder `id` is given.
    func jobResources(_ grant: Grant, holder id: Int) -> JobResources {
        let holder = holders[id]!
        // A grant is part of the rank's mask: fewer CPUs than the mask means the job must be pinned.
        let pin = pins && !holder.resources.cpusDeclared && grant.cpus.count < holder.resources.cpus.count
        return JobResources(cpus: grant.cpus, pin: pin,
                            devices: assignsDevices ? grant.devices.map { holder.devices[$0.index] } : nil,
                            deviceVariables: holder.resources.deviceVariables)
    }

    /// Busy and free CPUs and GPUs per host, for the log and the ledger.
    var use: [HostUse] {
        var byHost: [String: (Int, Int, Double, Int)] = [:]
        for holder in holders.values {
            var entry = byHost[holder.host] ?? (0, 0, 0, 0)
            entry.0 += holder.cpus.count - holder.freeCPUs.count
            entry.1 += holder.cpus.count
            entry.2 += Double(holder.freeUnits.reduce(0) { $0 + (Self.unitsPerDevice - $1) }) / Double(Self.unitsPerDevice)
            entry.3 += holder.devices.count
            byHost[holder.host] = entry
        }
        return byHost.sorted { $0.key < $1.key }.map { HostUse(host: $0.key, busyCPUs: $0.value.0, cpus: $0.value.1, busyGPUs: $0.value.2, gpus: $0.value.3) }
    }
}
