import Foundation
import Logging

/// What one farmrun invocation is asked to do, after argument parsing.
package struct RunConfiguration: Sendable {
    package var spec: SweepSpec
    package var database: String
    /// Local worker slots when not under MPI (default: the number of cores); a cap on the slots of a rank under MPI when given.
    package var jobs: Int
    /// Whether `jobs` was given (`--jobs`): under MPI a rank then serves at most that many slots.
    package var jobsGiven = false
    /// How each rank finds what it holds (`--cpus`, `--gpus`).
    package var probe = ResourceProbe()
    /// Whether rank 0 also runs tasks in a local slot under MPI.
    package var localSlot: Bool
    package var options: CoordinatorOptions
    package var leaseTimeout: Double
    package var waitForLease: Bool
    package var killGrace: Double
    /// Where rank 0 writes the run's `CoordinatorReport` as JSON when it ends.
    package var summaryPath: String?
    /// The farmrun binary, started as `farmrun guard` to kill this process's
    /// jobs should it die by SIGKILL (nil: no guard, as in in-process tests).
    package var guardExecutable: String?

    package init(spec: SweepSpec, database: String, jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
                localSlot: Bool = true, options: CoordinatorOptions = CoordinatorOptions(),
                leaseTimeout: Double = 60, waitForLease: Bool = false, killGrace: Double = 5) {
        self.spec = spec
        self.database = database
        self.jobs = jobs
        self.localSlot = localSlot
        self.options = options
        self.leaseTimeout = leaseTimeout
        self.waitForLease = waitForLease
        self.killGrace = killGrace
    }
}

/// Starts the right role for this process: under MPI, rank 0 coordinates
/// (with a local slot) and the other ranks work; alone, one process
/// coordinates `jobs` local worker threads. Returns the exit status.
package enum FarmLauncher {
    package static func run(_ configuration: RunConfiguration, logger: Logger) -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        if let problem = LaunchCheck.problem(environment: environment) {
            if LaunchCheck.speaks(environment: environment) { logger.error("\(problem)") }
            return ExitStatus.usage
        }
        ShutdownSignal.install()
        let host = ProcessInfo.processInfo.hostName
        let orphanGuard = startGuard(configuration, logger: logger)
        let pinHelper = configuration.spec.resources.declared ? findPinHelper(configuration, logger: logger) : nil
        if let declared = configuration.probe.declaredCPUs, declared > ResourceProbe.affinityCPUs().count, isFirstRank {
            let mask = ResourceProbe.affinityCPUs()
            logger.notice("--cpus \(declared) declares more CPUs than the \(mask.count) this process may run on (\(CPUList.text(mask))): up to \(declared) jobs share them, unpinned")
        }
        if MPITransport.isLaunchedByMPI {
            let mpi: MPITransport
            do {
                mpi = try MPITransport()
            } catch {
                logger.error("\(error)")
                return ExitStatus.internalError
            }
            defer { mpi.finalize() }
            if mpi.rank != 0 {
                return serveWorkerRank(mpi, host: host, configuration: configuration, orphanGuard: orphanGuard, pinHelper: pinHelper, logger: logger)
            }
            var threads: [Thread] = []
            let localCount = slotCount(configuration, resources: configuration.probe.probe(slots: [0]))
            let localIDs = (0..<localCount).map { SlotAddress.localBase + $0 }
            if configuration.localSlot {
                let slots = InProcessNetwork(workerRanks: localIDs)
                mpi.attach(localSlots: slots)
                let resources = configuration.probe.probe(slots: localIDs)
                for id in localIDs {
                    threads.append(startLocalWorker(slots, rank: id, host: host, configuration: configuration, orphanGuard: orphanGuard,
                                                    pinHelper: pinHelper, resources: resources, logger: logger))
                }
            }
            let (code, fatal) = coordinate(configuration, transport: mpi, logger: logger)
            _ = threads
            // Workers may still be running jobs after a fatal error; ending every rank is the only safe exit.
            if fatal { mpi.abort(code: code) }
            return code
        }
        let jobs = max(1, configuration.jobs)
        let ranks = Array(1...jobs)
        let network = InProcessNetwork(workerRanks: ranks)
        let resources = configuration.probe.probe(slots: ranks)
        for rank in ranks {
            _ = startLocalWorker(network, rank: rank, host: host, configuration: configuration, orphanGuard: orphanGuard,
                                 pinHelper: pinHelper, resources: resources, logger: logger)
        }
        return coordinate(configuration, transport: network.endpoint(0), logger: logger).code
    }

    private static func startGuard(_ configuration: RunConfiguration, logger: Logger) -> OrphanGuard? {
        guard let executable = configuration.guardExecutable else { return nil }
        do {
            return try OrphanGuard(executable: executable)
        } catch {
            logger.warning("no orphan guard (\(error)); a SIGKILL to this rank could leave its job running")
            return nil
        }
    }

    /// Whether this process is rank 0 (or alone): the one that speaks for all in the log.
    private static var isFirstRank: Bool {
        let environment = ProcessInfo.processInfo.environment
        return (environment["OMPI_COMM_WORLD_RANK"] ?? environment["PMIX_RANK"] ?? environment["SLURM_PROCID"] ?? "0") == "0"
    }

    /// How many slots an MPI rank serves: one per CPU of its share (`RankResources.expectedShare`),
    /// at most `--jobs` when given. Rank 0 settles the shares; this only sizes the threads, so a rank
    /// of one slot talks MPI itself, without a relay.
    private static func slotCount(_ configuration: RunConfiguration, resources: RankResources) -> Int {
        let count = resources.expectedShare(environment: ProcessInfo.processInfo.environment)
        return configuration.jobsGiven ? min(count, max(1, configuration.jobs)) : count
    }

    /// A worker rank: one slot served directly, or several through a `SlotRelay`.
    private static func serveWorkerRank(_ mpi: MPITransport, host: String, configuration: RunConfiguration, orphanGuard: OrphanGuard?,
                                        pinHelper: String?, logger: Logger) -> Int32 {
        let count = slotCount(configuration, resources: configuration.probe.probe(slots: [mpi.rank]))
        let ids = (0..<count).map { SlotAddress.id(rank: mpi.rank, slot: $0) }
        let resources = configuration.probe.probe(slots: ids)
        var runner = JobRunner(host: host, rank: mpi.rank, killGrace: configuration.killGrace)
        runner.orphanGuard = orphanGuard
        runner.pinHelper = pinHelper
        let selfAbortAfter = configuration.options.grace + 10
        do {
            if count == 1 {
                try Worker(transport: mpi, runner: runner, watchesSignals: true, selfAbortAfter: selfAbortAfter, resources: resources).run()
            } else {
                let network = InProcessNetwork(workerRanks: (0..<count).map(SlotRelay.localRank(ofSlot:)))
                mpi.attach(localSlots: network)
                let slotRunner = runner
                try SlotRelay(mpi: mpi, network: network, slotCount: count).run(
                    makeWorker: { endpoint, _ in
                        Worker(transport: endpoint, runner: slotRunner, watchesSignals: true, selfAbortAfter: selfAbortAfter, resources: resources)
                    },
                    onError: { [rank = mpi.rank] slot, error in logger.error("rank \(rank) slot \(slot): \(error)") })
            }
        } catch {
            logger.error("rank \(mpi.rank): \(error)")
            return ExitStatus.internalError
        }
        return 0
    }

    /// `farm-pin`, next to this farmrun, for jobs pinned to their CPUs.
    private static func findPinHelper(_ configuration: RunConfiguration, logger: Logger) -> String? {
        guard let farmrun = configuration.guardExecutable else { return nil }
        let helper = URL(fileURLWithPath: farmrun).deletingLastPathComponent().appendingPathComponent("farm-pin").path
        guard FileManager.default.isExecutableFile(atPath: helper) else {
            logger.warning("jobs are not pinned to their CPUs: \(helper) is missing (it ships beside farmrun); they still get their thread variables")
            return nil
        }
        return helper
    }

    private static func startLocalWorker(_ network: InProcessNetwork, rank: Int, host: String,
                                         configuration: RunConfiguration, orphanGuard: OrphanGuard?, pinHelper: String?,
                                         resources: RankResources, logger: Logger) -> Thread {
        let endpoint = network.endpoint(rank)
        var slotRunner = JobRunner(host: host, rank: rank >= SlotAddress.localBase ? 0 : rank, killGrace: configuration.killGrace)
        slotRunner.orphanGuard = orphanGuard
        slotRunner.pinHelper = pinHelper
        let runner = slotRunner
        let thread = Thread {
            let worker = Worker(transport: endpoint, runner: runner, watchesSignals: false, resources: resources)
            do { try worker.run() } catch { logger.error("local slot \(rank): \(error)") }
        }
        thread.stackSize = 1 << 20
        thread.start()
        return thread
    }

    private static func writeSummary(_ text: String, to path: String?, logger: Logger) {
        guard let path else { return }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            logger.warning("cannot write the summary to \(path): \(error.localizedDescription)")
        }
    }

    /// Rank 0's work: validate, take the lease, sync the ledger, coordinate.
    /// `fatal` means workers may still be busy and must be ended by force.
    static func coordinate(_ configuration: RunConfiguration, transport: any Transport, logger: Logger) -> (code: Int32, fatal: Bool) {
        SQLiteProcessSetup.disableMemoryStatistics()
        let sweep: Sweep
        let ledger: Ledger
        do {
            sweep = try Sweep(configuration.spec)
            ledger = try Ledger(path: configuration.database, sweep: sweep, logger: logger)
        } catch {
            logger.error("\(ErrorText.line(for: error, database: configuration.database))")
            try? WorkerShutdown.stopAll(transport)
            writeSummary(CoordinatorReport.earlyExitSummary(ExitStatus.usage), to: configuration.summaryPath, logger: logger)
            return (ExitStatus.usage, false)
        }
        defer { try? ledger.close() }
        do {
            while true {
                do {
                    if let previous = try ledger.acquireLease(timeout: configuration.leaseTimeout, deadline: configuration.options.deadline?.deadline) {
                        logger.notice("took over the stale lease of \(previous.describe())")
                    }
                    break
                } catch LeaseError.held(let holder) where configuration.waitForLease {
                    logger.notice("waiting for the lease held by \(holder.describe())")
                    Thread.sleep(forTimeInterval: 5)
                    if ShutdownSignal.pending != nil { throw LeaseError.held(holder) }
                }
            }
        } catch {
            logger.error("\(ErrorText.line(for: error, database: configuration.database))")
            try? WorkerShutdown.stopAll(transport)
            writeSummary(CoordinatorReport.earlyExitSummary(ExitStatus.tasksLeft), to: configuration.summaryPath, logger: logger)
            return (ExitStatus.tasksLeft, false)
        }
        do {
            let state = try ledger.synchronize()
            let journal = Store.journalMode(for: configuration.database)
            logger.info("sweep \(sweep.spec.table): \(sweep.taskCount) tasks, \(state.done) done, \(state.failed) failed, \(state.pending.count + state.suspects.count) to run (\(state.added) new, \(state.lost) lost when the last run died); \(transport.workerRanks.count) worker slot(s); journal \(journal)")
            if state.quarantined > 0 {
                logger.warning("\(state.quarantined) task(s) quarantined as failed: the farm died while they ran more often than retries allow for lost runs; see farmrun status --failed")
            }
            var options = configuration.options
            if journal.lowercased() != "wal" {
                // A rollback-journal commit syncs on a network filesystem (ms each): mark running tasks less often.
                options.markInterval = max(options.markInterval, CoordinatorOptions.networkMarkInterval)
            }
            let coordinator = Coordinator(ledger: ledger, state: state, transport: transport, options: options, logger: logger)
            let report = try coordinator.run()
            ledger.releaseLease()
            writeSummary(report.jsonText, to: configuration.summaryPath, logger: logger)
            logger.info("exit \(report.exitCode): \(report.done) done, \(report.failed) failed for good, \(report.pruned > 0 ? "\(report.pruned) pruned, " : "")\(report.remaining) left; \(report.doneThisRun) finished in \(DurationText.format(report.seconds))")
            return (report.exitCode, false)
        } catch let error as LeaseError {
            logger.error("\(error)")
            return (ExitStatus.tasksLeft, true)
        } catch let error as SweepError {
            // Refused before any task ran (a task no rank can hold): every worker was stopped.
            logger.error("\(error)")
            ledger.releaseLease()
            writeSummary(CoordinatorReport.earlyExitSummary(ExitStatus.usage), to: configuration.summaryPath, logger: logger)
            return (ExitStatus.usage, false)
        } catch {
            logger.error("\(ErrorText.line(for: error, database: configuration.database))")
            return (ExitStatus.internalError, true)
        }
    }
}
