import Foundation

/// The coordinator's part of a fidelity sweep: each trial runs as one job (its
/// task of the largest value still needed), each report it prints becomes the
/// row of the task with that value as it arrives, and early stopping's
/// decisions stop the jobs of pruned configurations. `TrialBook` decides; this
/// carries it out through the batch and the transport.
extension Coordinator {
    /// Queues one representative per trial with work left, prunes what stored decisions pruned,
    /// and takes the decisions an earlier run left ready.
    func startTrials(_ plan: SearchPlan, settled: [TaskState]) {
        var book = TrialBook(plan: plan, states: settled, reports: state.rungReports, decisions: state.decisions)
        for config in book.prunedConfigs { prunePending(of: config, book: &book, why: "its configuration was pruned earlier") }
        let suspected = Set(state.suspects)
        var queued = Set<Int32>()
        var trialQueue: [Int32] = []
        var suspectQueue: [Int32] = []
        for index in state.pending + state.suspects {
            let trial = plan.trialOf[Int(index)]
            guard queued.insert(trial).inserted, let rep = book.representative(of: trial) else { continue }
            if suspected.contains(rep) { suspectQueue.append(rep) } else { trialQueue.append(rep) }
        }
        dispatcher.replaceQueues(pending: trialQueue.sorted(), suspects: suspectQueue)
        trials = book
        for config in book.undecided { decide(config) }
        let rungs = plan.rungs.map { plan.valueText($0) }.joined(separator: ", ")
        let stopping = plan.asha.map { "; early stopping (eta \($0.eta)) at \(rungs.isEmpty ? "no rung" : rungs)" } ?? ""
        logger.info("fidelity \(plan.fidelity.parameter): \(plan.trialCount) trials of \(plan.values.count) values, \(trialQueue.count + suspectQueue.count) with work left\(stopping)")
    }

    /// The task to run for the trial of `index` now, or nil if the trial has nothing left or runs already.
    func trialTask(for index: Int32) -> Int32? {
        guard let book = trials else { return index }
        let trial = book.plan.trialOf[Int(index)]
        guard trialOn[trial] == nil else { return nil }
        return book.representative(of: trial)
    }

    /// What a trial's job needs beyond a task's environment, and its report key.
    func trialAssignment(_ index: Int32, rank: Int, environment: inout [String: String]) -> String? {
        // The book is changed in place (`trials?.…`), never copied out: a copy would copy its per-task states.
        guard let plan = trials?.plan else { return nil }
        let trial = plan.trialOf[Int(index)]
        trialOn[trial] = (rank, index)
        trialStarted[trial] = Date().timeIntervalSince1970
        trials?.started(trial)
        if let from = trials?.resumeFrom(trial) { environment["FARM_RESUME_FROM"] = plan.texts[from] }
        if let folder = options.taskDirectory, let last = plan.members[Int(trial)].last {
            // The trial's folder, the same whichever of its tasks it runs as: its checkpoints stay found.
            environment["FARM_TASK_DIR"] = "\(folder)/\(sweep.spec.table)/\(state.taskIDs[Int(last)])"
        }
        return plan.fidelity.report
    }

    /// A trial that did not start after all (its worker gave it back).
    func trialTakenBack(_ index: Int32) {
        guard let plan = trials?.plan else { return }
        trialOn[plan.trialOf[Int(index)]] = nil
        trialsHeld.remove(plan.trialOf[Int(index)])
    }

    /// A report of the job running task `index` on `rank`.
    func report(_ row: ResultRow, taskID: Int64, from rank: Int) {
        guard let plan = trials?.plan, case .busy(let index, let startBatch, let slot) = workers[rank], state.taskIDs[Int(index)] == taskID,
              let verdict = trials?.accept(row, of: plan.trialOf[Int(index)]) else { return }
        let trial = plan.trialOf[Int(index)]
        guard case .store(let task, let level) = verdict else {
            if case .skip(let problem?) = verdict {
                openBatch()
                batch.badReports[index, default: 0] += 1
                badReport("task \(taskID): \(problem); not stored")
            }
            return
        }
        openBatch()
        let now = Date().timeIntervalSince1970
        var command: String?
        if task == index {
            if startBatch == batchNumber, !batch.started[slot].finishedInBatch {
                batch.started[slot].finishedInBatch = true
                command = batch.started[slot].command
            }
        } else {
            command = JSONValue.array(sweep.argv(of: Int(index), taskID: taskID).map { .string($0) }).jsonText
        }
        let started = trialStarted[trial] ?? now
        var outcome = TaskOutcome(taskID: state.taskIDs[Int(task)], status: .succeeded(row), exitCode: 0, startedAt: started,
                                  wallSeconds: now - started, host: hosts[rank] ?? "", rank: rank)
        // The job's CPUs and devices, as its final outcome will carry them.
        if let grant = pool.grant(ofSlot: rank), let holder = pool.holder(ofSlot: rank) {
            let job = pool.jobResources(grant, holder: holder)
            outcome.cpus = CPUList.text(job.cpus)
            outcome.devices = job.devices?.joined(separator: ",")
        }
        state.done += 1
        doneThisRun += 1
        batch.finished.append(.init(index: task, outcome: outcome, retry: false, command: command))
        guard plan.asha != nil, let rung = plan.rungs.firstIndex(of: level), let metric = plan.metric else { return }
        let value = row.columns.firstIndex(of: metric.name).flatMap { row.values[$0].number }
        if value == nil, !warnedMissingMetric {
            warnedMissingMetric = true
            logger.warning("task \(taskID): its report at \(plan.valueText(level)) has no numeric \(metric.name) (the metric early stopping ranks by); such a configuration ranks worst. Print \(metric.name) in each report, or fix metric: name")
        }
        let config = plan.configOf[Int(trial)]
        trials?.record(config: config, rung: rung, replicate: Int(plan.replicateOf[Int(trial)]), metric: value)
        batch.rungReports.append(RungReport(config: plan.configKeys[Int(config)], rung: plan.values[level],
                                            replicate: Int(plan.replicateOf[Int(trial)]), metric: value))
        decide(config)
    }

    /// The job of trial `index` ended: its tasks not reported share its fate.
    func endTrial(of index: Int32, outcome: TaskOutcome, command: String?) {
        guard let plan = trials?.plan else { return }
        let trial = plan.trialOf[Int(index)]
        trialOn[trial] = nil
        let config = plan.configOf[Int(trial)]
        defer { decide(config) }
        guard trials?.prunedConfigs.contains(config) == false else { return }  // stopped by early stopping: its tasks are pruned
        let trialCommand = JSONValue.array(sweep.argv(of: Int(index), taskID: outcome.taskID).map { .string($0) }).jsonText
        var fate = outcome
        if case .succeeded = outcome.status {
            let last = trials?.lastReported(trial).map { "\(plan.fidelity.report)=\(plan.text(of: $0))" }
            fate.status = .failed(.output, message: last.map { "the job stopped reporting at \($0)" }
                ?? "the job exited without a report of \(plan.fidelity.report); print one JSON line such as {\"\(plan.fidelity.report)\": 25, \"val_loss\": 0.3} per budget")
        }
        var requeue = false
        for task in trials?.unsettled(trial, upTo: Int(plan.levelOf[Int(index)])) ?? [] {
            var own = fate
            own.taskID = state.taskIDs[Int(task)]
            let failedBefore = state.failed
            if settle(task, outcome: own, command: task == index ? command : trialCommand) { requeue = true }
            if state.failed > failedBefore { trials?.settle(task, as: .failed) }
        }
        if requeue, let rep = trials?.representative(of: trial) { dispatcher.requeue(rep) }
    }

    /// Takes every decision `config` is ready for; a prune stops its running jobs and settles its tasks.
    func decide(_ config: Int32) {
        guard let plan = trials?.plan, plan.asha != nil else { return }
        // A trial held ahead has not started: the decision does not wait for it (a prune takes it back).
        let decisions = trials?.decide(config) { self.trialOn[$0] != nil && !self.trialsHeld.contains($0) } ?? []
        guard !decisions.isEmpty else { return }
        openBatch()
        batch.decisions += decisions
        for d in decisions where d.prune {
            let metric = d.metric.map { String(format: "%.6g", $0) } ?? "missing"
            let rung = plan.level(of: d.rung).map(plan.valueText) ?? "\(d.rung)"
            let why = "pruned at \(rung): \(plan.metric?.name ?? "metric") \(metric) (mean of \(d.reports)), "
                + "place \(d.place) of \(d.competitors) (the best \(max(1, d.competitors / (plan.asha?.eta ?? 3))) go on)"
            prunePending(of: config, book: &trials!, why: why)
            for trial in plan.trialsOf[Int(config)] {
                guard let (rank, index) = trialOn[trial] else { continue }
                do {
                    try transport.send(.prune(taskID: state.taskIDs[Int(index)]), to: rank)
                } catch {
                    // The job then runs to its end; its tasks stay pruned and its late reports are not stored.
                    logger.warning("could not tell rank \(rank) to stop pruned task \(state.taskIDs[Int(index)]): \(error)")
                }
            }
        }
    }

    /// Every unsettled task of `config` becomes pruned (in the batch and the book).
    private func prunePending(of config: Int32, book: inout TrialBook, why: String) {
        for trial in book.plan.trialsOf[Int(config)] {
            for task in book.plan.members[Int(trial)] where book.states[Int(task)] == .pending {
                book.settle(task, as: .pruned)
                batch.pruned.append((task, why))
                state.pruned += 1
            }
        }
        openBatch()
    }

    private func badReport(_ text: String) {
        badReports += 1
        if badReports <= 5 { logger.warning("\(text)\(badReports == 5 ? " (further bad reports are only counted)" : "")") }
    }
}
