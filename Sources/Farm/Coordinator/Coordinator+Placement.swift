import Foundation
import Logging

/// Where tasks run: each slot's `ready` says what its rank holds; once every rank has said so,
/// the ranks' shares are settled, the sweep's demands are checked against them (a task no rank
/// can ever hold refuses the run, naming what it asked and the most any rank has), and slots
/// beyond what a rank's CPUs can run are stopped. From then on a task goes to an idle slot only
/// where its demand is free (`ResourcePool`), and in order: the next task waits for room rather
/// than let smaller tasks behind it pass (`headTask`), so a big task never starves.
extension Coordinator {
    /// A slot said ready, with its rank's resources (nil: one CPU of its own).
    func registerReady(_ slot: Int, host: String, resources: RankResources?) {
        hosts[slot] = host
        let holds = resources ?? RankResources(cpus: [0], holder: slot, slots: [slot])
        let siblings = pool.register(holds, host: host, slot: slot)
        for sibling in siblings where workers[sibling] == nil {
            workers[sibling] = .starting
        }
        guard !placementReady else { return }
        awaitingSlots.remove(slot)
        awaitingSlots.subtract(siblings)
        if awaitingSlots.isEmpty { settlePlacement() }
    }

    /// Every rank has said what it holds: check the sweep against it and stop slots that could never run.
    private func settlePlacement() {
        placementReady = true
        let largest = pool.largest
        let distinct = sweep.demands.distinct
        for demand in distinct.sorted(by: { ($0.cpus, $0.gpus) > ($1.cpus, $1.gpus) }) where !pool.canEverHold(demand) {
            let gpus = largest.gpus == 0 && demand.gpus > 0 ? "no GPU was found (\(pool.gpuSources)); give --gpus 0,1,… if the node has some"
                : "the most any rank holds is \(largest.cpus) CPU(s) and \(largest.gpus) GPU(s) (on \(largest.host))"
            refusal = "resources: a task asks \(demand), and \(gpus); lower resources:, or start ranks with more (srun -c N, --cpus N)"
            drainDeadline = clock.now
            headTask = nil
            return
        }
        // Slots a rank could never keep busy (its CPUs, or GPUs, over the least any task asks) stop now.
        let smallest = TaskDemand(cpus: distinct.map(\.cpus).min() ?? 1, gpus: distinct.map(\.gpus).min() ?? 0)
        for (id, holder) in pool.holders {
            surplus.formUnion(holder.resources.slots.sorted().dropFirst(pool.concurrency(of: id, smallest: smallest)))
        }
        for slot in surplus where workers[slot].map({ if case .idle = $0 { true } else { false } }) == true {
            idle.removeAll { $0 == slot }
            surplus.remove(slot)
            try? transport.send(.stop, to: slot)
            workers[slot] = .stopped
        }
        let use = pool.use
        let cpus = use.reduce(0) { $0 + $1.cpus }, gpus = use.reduce(0) { $0 + $1.gpus }
        let slots = pool.holders.keys.reduce(0) { $0 + pool.concurrency(of: $1, smallest: smallest) }
        logger.info("resources: \(pool.holders.count) rank(s) on \(use.count) host(s) hold \(cpus) CPU(s)\(gpus > 0 ? " and \(gpus) GPU(s)" : ""); up to \(slots) task(s) at once\(pool.shared ? " (ranks on one host that see the same CPUs split them)" : "")\(sweep.spec.resources.declared ? "; each task asks \(sweep.demands.isUniform ? sweep.demands[0].description : "up to \(sweep.demands.largest)")" : "")")
        if pool.holders.values.contains(where: \.resources.cpusDeclared) {
            logger.notice("CPUs declared (--cpus, or srun -c beyond the CPUs a rank can see): jobs are told their CPUs (OMP_NUM_THREADS, …) but not pinned to them")
        }
    }

    /// What task `index` needs.
    func demand(of index: Int32) -> TaskDemand {
        sweep.demand(of: Int(index))
    }

    /// Whether tasks `a` and `b` need the same (so one may run on what the other was given).
    func sameDemand(_ a: Int32, _ b: Int32) -> Bool {
        sweep.demands.isUniform || demand(of: a) == demand(of: b)
    }
}
