import Foundation
import Logging

/// Handing tasks out: to idle workers, ahead to busy ones (prefetch), and taking held tasks back
/// when a worker gives one up or a stop begins. What runs next is the `Dispatcher`'s choice.
extension Coordinator {
    /// The worker started the task it held the moment its last job ended.
    func startedHeld(_ task: HeldTask, on rank: Int) {
        if let plan = trials?.plan {
            trialsHeld.remove(plan.trialOf[Int(task.index)])
            trialStarted[plan.trialOf[Int(task.index)]] = Date().timeIntervalSince1970
        }
        workers[rank] = .busy(index: task.index, batchNumber: batchNumber, slot: batch.started.count)
        openBatch()
        batch.started.append(.init(index: task.index, rank: rank, host: "", startedAt: Date().timeIntervalSince1970, command: task.command))
        wantAhead.append(rank)
    }

    /// A held task the worker dropped unstarted (farm is stopping): pending again, never run.
    func takeBack(_ taskID: Int64, from rank: Int) {
        guard let task = held[rank]?.remove(where: { state.taskIDs[Int($0.index)] == taskID }) else {
            logger.warning("rank \(rank) gave back task \(taskID) it did not hold; ignored")
            return
        }
        trialTakenBack(task.index)
        heldCount -= 1
        if held[rank]?.isEmpty == true { retracting.remove(rank) }
        dispatched -= 1
        dispatcher.putBack(task.index)
    }


    /// Sends `retract` to every worker holding tasks, once a stop began.
    func retractHeldTasks() throws {
        retractPending = false
        for (rank, tasks) in held where !tasks.isEmpty && retracting.insert(rank).inserted { try transport.send(.retract, to: rank) }
    }

    /// A worker is idle and nothing is pending, while another holds tasks behind a running job
    /// (which may run for hours): that one gives them back, so the idle worker gets one.
    func reclaimHeldTask() throws {
        guard heldCount > 0, let (rank, _) = held.first(where: { !$0.value.isEmpty && !retracting.contains($0.key) }) else { return }
        retracting.insert(rank)
        try transport.send(.retract, to: rank)
    }

    func becameIdle(_ rank: Int) throws {
        if case .busy = workers[rank] { busyCount -= 1 }
        workers[rank] = .idle
        if surplus.remove(rank) != nil || refusal != nil {
            try transport.send(.stop, to: rank)
            workers[rank] = .stopped
            return
        }
        guard placementReady else {
            idle.append(rank)
            return
        }
        if let index = headTask ?? nextTask() {
            headBlockedAt = nil  // another slot is free now: the loop tries the head on every idle one
            if let (slot, job) = pool.place(demand(of: index), idle: [rank]) {
                headTask = nil
                try assign(index, to: slot, resources: job)
            } else {
                headTask = index
                idle.append(rank)
            }
        } else if heldCount > 0 && !draining && !reachedMaxTasks {
            idle.append(rank)
            try reclaimHeldTask()
        } else if !hasPending && (busyCount == 0 || !dispatcher.deferred.isEmpty) || draining || reachedMaxTasks {
            // With tasks set aside for the deadline, a worker with nothing that fits stops now.
            try transport.send(.stop, to: rank)
            workers[rank] = .stopped
        } else {
            idle.append(rank)
        }
    }

    /// The next task to start now; those that would not finish before the deadline are set aside.
    func nextTask() -> Int32? {
        guard !draining, !reachedMaxTasks else { return nil }
        let deferredBefore = dispatcher.deferred.count
        let task = dispatcher.next { self.trialTask(for: $0) }
        if deferredBefore == 0, !dispatcher.deferred.isEmpty, let policy = options.deadline {
            logger.notice("deadline: tasks that would not finish by \(Date(timeIntervalSince1970: policy.stopBy)) are left for the next run")
        }
        return task
    }

    func dispatchToIdleWorkers() throws {
        if retractPending { try retractHeldTasks() }
        guard placementReady, refusal == nil else { return }
        // In order: a task that finds no room waits as the head, and nothing passes it. It is tried on
        // the idle slots again only once something was released (a new idle slot tries it in becameIdle).
        while !idle.isEmpty, headTask == nil || headBlockedAt != pool.releases, let index = headTask ?? nextTask() {
            guard let (slot, job) = pool.place(demand(of: index), idle: idle) else {
                headTask = index
                headBlockedAt = pool.releases
                break
            }
            headTask = nil
            headBlockedAt = nil
            idle.remove(at: idle.lastIndex(of: slot)!)
            try assign(index, to: slot, resources: job)
        }
        // Then a task ahead for busy workers, while there is work no idle worker can take: it runs on
        // what the job it waits behind was given, so only a task that needs the same is held.
        while options.prefetch > 0, let rank = wantAhead.popLast() {
            guard case .busy(let current, _, _) = workers[rank], (held[rank]?.count ?? 0) < options.prefetch else { continue }
            guard !draining, !reachedMaxTasks else {
                wantAhead.append(rank)
                break
            }
            let index: Int32
            let holding = held[rank]?.elements.map(\.index) ?? []
            if let head = headTask {
                guard sameDemand(head, current), dispatcher.fitsAhead(head, after: current, held: holding) else {
                    wantAhead.append(rank)
                    break
                }
                headTask = nil
                index = head
            } else {
                // One that would not fit after the running task may still fit on a worker that frees up: not deferred.
                guard let next = dispatcher.nextAhead(after: current, held: holding, resolve: { self.trialTask(for: $0) }) else {
                    wantAhead.append(rank)
                    break
                }
                guard sameDemand(next, current) else {
                    headTask = next
                    wantAhead.append(rank)
                    break
                }
                index = next
            }
            let grant = pool.grant(ofSlot: rank)
            try assign(index, to: rank, ahead: true, resources: grant.flatMap { pool.jobResources($0, holder: pool.holder(ofSlot: rank)!) }, grant: grant)
            if (held[rank]?.count ?? 0) < options.prefetch { wantAhead.append(rank) }
        }
    }

    func assign(_ index: Int32, to rank: Int, ahead: Bool = false, resources: JobResources? = nil, grant: ResourcePool.Grant? = nil) throws {
        let taskID = state.taskIDs[Int(index)]
        let argv = sweep.argv(of: Int(index), taskID: taskID)
        let (_, replicate) = sweep.address(of: Int(index))
        let attempt = (state.failures[index]?.total ?? 0) + 1
        var environment = [
            "FARM_TASK_ID": String(taskID),
            "FARM_REPLICATE": String(replicate),
            "FARM_ATTEMPT": String(attempt),
            "FARM_SEED": String(TaskSeed.of(key: sweep.key(of: Int(index)))),
        ]
        if sweep.hasEnvironment {
            environment.merge(sweep.environment(of: Int(index), taskID: taskID)) { farm, _ in farm }
        }
        let now = Date().timeIntervalSince1970
        let timeout = sweep.spec.timeout ?? 0
        let ends = [timeout > 0 ? now + timeout : nil, options.deadline?.stopBy].compactMap { $0 }.min()
        if let ends { environment["FARM_DEADLINE"] = String(Int64(ends.rounded(.down))) }
        if let folder = options.taskDirectory {
            environment["FARM_TASK_DIR"] = "\(folder)/\(sweep.spec.table)/\(taskID)"
        }
        let reportKey = trialAssignment(index, rank: rank, environment: &environment)
        var assignment = TaskAssignment(taskID: taskID, argv: argv, timeout: timeout, environment: environment, reportKey: reportKey)
        assignment.resources = resources
        assignment.preload = preload
        try transport.send(.assign(assignment), to: rank)
        dispatched += 1
        let command = JSONValue.array(argv.map { .string($0) }).jsonText
        if ahead {
            if let plan = trials?.plan { trialsHeld.insert(plan.trialOf[Int(index)]) }
            held[rank, default: FIFOQueue()].append(HeldTask(index: index, command: command, grant: grant))
            heldCount += 1
            return
        }
        workers[rank] = .busy(index: index, batchNumber: batchNumber, slot: batch.started.count)
        busyCount += 1
        if options.prefetch > 0 { wantAhead.append(rank) }
        openBatch()
        if firstTaskStartedAt == nil { firstTaskStartedAt = now }
        batch.started.append(.init(index: index, rank: rank, host: "", startedAt: now, command: command))
    }
}
