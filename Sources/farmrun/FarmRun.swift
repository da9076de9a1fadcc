import ArgumentParser
import Farm
import Foundation
import Logging

struct FarmRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "farmrun",
        abstract: "Run a parameter sweep as one MPI job farm, with every result in one SQLite file.",
        discussion: """
            Launch once per allocation: `srun --mpi=pmix farmrun sweep.yaml --db results.db` (or `mpirun -n N farmrun …`). Rank 0 coordinates and also runs tasks in local slots; every rank runs as many tasks at once as its CPUs hold (its affinity mask: srun -c N, mpirun's binding; ranks that share one mask split it), each pinned to its own CPUs with OMP_NUM_THREADS and friends set to match (see resources: and the README's "Cores, threads and GPUs"). Without mpirun/srun, farmrun runs up to --jobs local slots in one process.

            Run it again on the same database to resume: only tasks not done run again.

            Exit status: 0 all tasks done; 1 finished, some tasks failed for good; 75 stopped with tasks left (resubmit), or another farmrun holds the database; 64 bad sweep or options; 70 internal error.
            """,
        version: FarmVersion.current,
        subcommands: [Run.self, Status.self, Serve.self, Check.self, Guard.self, Simulate.self],
        defaultSubcommand: Run.self
    )
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run (or resume) a sweep.",
        discussion: """
            A sweep comes from a YAML file, from options, or both (options override the file):

              farmrun sweep.yaml --db results.db
              farmrun --db results.db -p e=25..400..25 -p t=20..100..10 \\
                -p s=10..100..10 --where 's < t' --replicates 10 \\
                -- python3 mlp.py -e {e} -t {t} -s {s}

            {name} in the command is a parameter's value; {replicate} and {task} are the replicate (1..N) and the task's id. The job runs from its argv, never through a shell. It must print one JSON object on stdout: that object becomes a row of the results table, with task_id and the parameters it did not print.

            Searching (sweep file keys): fidelity: e makes the tasks that differ only in e one job, run to the largest e still needed, whose JSON report lines ({"e": 25, "val_loss": 0.3}) become the rows as they are printed; a rerun gets FARM_RESUME_FROM and FARM_TASK_DIR to continue from its checkpoint. With metric: {name: val_loss, goal: minimize} and early_terminate: {type: asha, eta: 3}, configurations outside the best 1/eta at a rung are stopped and their tasks end pruned. See the README's "Searching, not only sweeping".
            """
    )

    @Argument(help: "A sweep file (YAML).") var sweepFile: String?
    @Option(name: .long, help: "The results database (created if missing).") var db: String
    @Option(name: [.customShort("p"), .customLong("param")],
            help: "A parameter: name=a,b,c (a list), name=25..400..25 (a range), or a distribution to sample: uniform(a,b), loguniform(a,b), randint(a,b), choice(x,y,…). Repeatable.")
    var params: [String] = []
    @Option(name: .customLong("where"), help: "Keep only combinations where this holds, e.g. 's < t'.") var condition: String?
    @Option(help: "Runs of each combination ({replicate} is 1..N).") var replicates: Int?
    @Option(help: "How points are chosen: grid (every combination), sobol or random (--samples points over the sampled parameters, crossed with the rest).")
    var method: String?
    @Option(help: "Points to draw with --method sobol or random; raising it later adds points and keeps done tasks.") var samples: Int?
    @Option(help: "The seed of --method random (default 0).") var seed: UInt64?
    @Option(help: ArgumentHelp("An environment variable for every job, NAME=VALUE; the value may name parameters like the command ({x}, {task}). Repeatable; adds to the sweep file's env:.", valueName: "NAME=VALUE"))
    var env: [String] = []
    @Option(help: "The results table (default: the sweep file's, else results).") var table: String?
    @Option(help: "Per-task time limit, e.g. 30m, 90s, 01:00:00.") var timeout: String?
    @Option(help: ArgumentHelp("How often a failed task is run again: a number, or per failure class, e.g. exit=2,timeout=0,default=1.",
                               discussion: "Classes: timeout, signal, exit, output, spawn, lost (the farm died while it ran; default 2, counted as a share of each crash). Interruptions by farm's own stop never use a retry.",
                               valueName: "n|class=n,…")) var retries: String?
    @Option(name: [.customShort("j"), .long], help: "Local worker slots when started without mpirun/srun (default: the number of cores).")
    var jobs: Int?
    @Flag(help: "Under MPI, do not run tasks on rank 0 too.") var noLocalSlot = false
    @Option(help: ArgumentHelp("CPUs each task needs (the sweep's resources: cpus), a number or a parameter such as {n}; each job is pinned to its own.", valueName: "N"))
    var cpusPerTask: String?
    @Option(help: ArgumentHelp("GPUs each task needs (resources: gpus): a whole number, a fraction such as 0.5 (tasks share a device), or {n}.", valueName: "G"))
    var gpusPerTask: String?
    @Option(help: ArgumentHelp("Python modules each slot imports once, e.g. numpy,sklearn (the sweep's preload:); each task of a python3 script.py or python3 -m mod command is then forked from that warm interpreter.", valueName: "MODULES"))
    var preload: String?
    @Option(help: ArgumentHelp("Tasks one warm Python runs before a fresh one replaces it (preload_tasks:, default 1000).", valueName: "N"))
    var preloadTasks: Int?
    @Option(help: ArgumentHelp("CPUs each rank holds, declared instead of read from its affinity mask (jobs are then not pinned).", valueName: "N"))
    var cpus: Int?
    @Option(help: ArgumentHelp("GPU ids each rank holds, e.g. 0,1,2,3, instead of CUDA_VISIBLE_DEVICES, ROCR_VISIBLE_DEVICES or nvidia-smi -L.", valueName: "LIST"))
    var gpus: String?
    @Option(help: "After a stop signal, how long running jobs may finish before they are killed.") var grace: String = "20s"
    @Option(help: "Seconds between SIGTERM and SIGKILL when a job is stopped.") var killGrace: String = "5s"
    @Option(help: "Interval of progress lines on stderr (0: off).") var progress: String = "30s"
    @Option(help: "Results per commit (a commit also closes after --batch-interval; while one commit is written, the next gathers up to 64 times this).") var batchSize: Int = 256
    @Option(help: "The longest a finished result waits for its commit.") var batchInterval: String = "0.5s"
    @Option(help: "A lease whose heartbeat is older than this is taken over.") var leaseTimeout: String = "60s"
    @Flag(help: "If another farmrun holds the database, wait for it instead of exiting 75.") var waitForLease = false
    @Option(help: "Dispatch at most this many tasks, then stop (exit 75 if tasks are left).") var maxTasks: Int?
    @Option(help: "Stop as on SIGUSR1 when this file appears (the batch script's pre-timeout warning).") var stopFile: String?
    @Option(help: "When the run ends, write its counts as JSON to this file (for scripts that resubmit).") var summary: String?
    @Option(help: ArgumentHelp("When the allocation ends: a duration from now (2h, 01:30:00), a time (2026-11-26T18:00:00) or epoch seconds; 'none' turns it off.",
                               discussion: "Default under Slurm: SLURM_JOB_END_TIME, else squeue's end time for SLURM_JOB_ID."))
    var deadline: String?
    @Option(help: "Time kept free before the deadline for the last commit and exit.") var deadlineMargin: String = "30s"
    @Option(help: "Start a task near the deadline only if this quantile of similar tasks' run times fits (0-1).") var runtimeQuantile: Double = 0.9
    @Option(help: "The parameter that drives run time (e.g. epochs): estimates are kept per value.") var runtimeBy: String?
    @Option(help: "A work folder: each job gets FARM_TASK_DIR=FOLDER/TABLE/TASK_ID, kept across runs for checkpoints (a fidelity sweep's default: DB.tasks).") var taskDir: String?
    @Option(help: "Tasks a busy worker holds ahead, to start the moment its job ends without a round trip to rank 0 (0: none). Held tasks are not running: a kill loses none, a stop takes them back.")
    var prefetch: Int = 4
    @Flag(help: "Print how many tasks there are and the first command lines; run nothing.") var dryRun = false
    @Flag(help: "Only warnings and errors on stderr.") var quiet = false
    @Argument(parsing: .postTerminator, help: "The command template (after --).") var command: [String] = []

    func run() throws {
        let level: Logger.Level = quiet ? .warning : .info
        LoggingSystem.bootstrap { _ in FarmLogHandler(program: "farmrun", level: level) }
        let logger = Logger(label: "farmrun")
        let configuration: RunConfiguration
        do {
            configuration = try makeConfiguration()
        } catch {
            StandardStreams.writeError("farmrun: " + ErrorText.line(for: error))
            throw ExitCode(ExitStatus.usage)
        }
        if dryRun {
            do {
                StandardStreams.writeOutput(try DryRun.describe(configuration.spec, database: db))
            } catch {
                StandardStreams.writeError("farmrun: " + ErrorText.line(for: error, database: db))
                throw ExitCode(ExitStatus.usage)
            }
            return
        }
        let code = FarmLauncher.run(configuration, logger: logger)
        if code != 0 { throw ExitCode(code) }
    }

    private func makeConfiguration() throws -> RunConfiguration {
        var overrides = SweepOverrides()
        overrides.command = command
        overrides.parameters = params
        overrides.condition = condition
        overrides.replicates = replicates
        overrides.method = method
        overrides.samples = samples
        overrides.seed = seed
        overrides.environment = env
        overrides.cpusPerTask = cpusPerTask
        overrides.gpusPerTask = gpusPerTask
        overrides.preload = preload
        overrides.preloadTasks = preloadTasks
        overrides.table = table
        overrides.timeout = timeout
        overrides.retries = try retries.map { text throws(SweepError) in try RetryBudget(parsing: text) }
        let file = try sweepFile.map { path throws(SweepError) in try SweepSpec.load(path: path) }
        let spec = try overrides.apply(to: file)
        var options = CoordinatorOptions()
        options.grace = try DurationText.seconds(grace, what: "--grace")
        let progressSeconds = try DurationText.seconds(progress, what: "--progress")
        options.progressInterval = progressSeconds > 0 ? progressSeconds : nil
        guard batchSize >= 1 else { throw SweepError("--batch-size must be at least 1") }
        options.batchSize = batchSize
        options.batchInterval = try DurationText.seconds(batchInterval, what: "--batch-interval")
        options.maxTasks = maxTasks
        guard (0...16).contains(prefetch) else { throw SweepError("--prefetch must be 0 to 16 (tasks a worker holds ahead)") }
        options.prefetch = prefetch
        options.stopFile = stopFile
        options.deadline = try deadlinePolicy(parameters: spec.parameters.map(\.name))
        if let taskDir {
            options.taskDirectory = URL(fileURLWithPath: taskDir).standardizedFileURL.path
        } else if spec.fidelity != nil {
            // A trial resumed after a stop finds its checkpoints here (FARM_TASK_DIR).
            options.taskDirectory = URL(fileURLWithPath: db + ".tasks").standardizedFileURL.path
        }
        if let jobs, !(1...4096).contains(jobs) {
            throw SweepError("--jobs must be 1 to 4096 (local slots, a thread each; \(ProcessInfo.processInfo.activeProcessorCount) CPUs here)")
        }
        var configuration = RunConfiguration(
            spec: spec, database: db, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
            localSlot: !noLocalSlot, options: options,
            leaseTimeout: try DurationText.seconds(leaseTimeout, what: "--lease-timeout"),
            waitForLease: waitForLease, killGrace: try DurationText.seconds(killGrace, what: "--kill-grace"))
        configuration.summaryPath = summary
        configuration.jobsGiven = jobs != nil
        if let cpus, cpus < 1 { throw SweepError("--cpus \(cpus): a rank holds at least 1 CPU") }
        var gpuList: [String]?
        if let gpus {
            gpuList = gpus.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard gpuList?.allSatisfy({ !$0.isEmpty }) == true else { throw SweepError("--gpus \(gpus): give device ids such as 0,1,2,3") }
        }
        configuration.probe = ResourceProbe(declaredCPUs: cpus, declaredGPUs: gpuList)
        configuration.guardExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        return configuration
    }

    private func deadlinePolicy(parameters: [String]) throws -> DeadlinePolicy? {
        guard runtimeQuantile > 0, runtimeQuantile <= 1 else {
            throw SweepError("--runtime-quantile \(runtimeQuantile): give a number above 0 and at most 1 (0.9: nine in ten tasks like it finished in time)")
        }
        if let runtimeBy, !parameters.contains(runtimeBy) {
            throw SweepError("--runtime-by \(runtimeBy): the sweep has no such parameter (parameters: \(parameters.joined(separator: ", ")))")
        }
        let margin = try DurationText.seconds(deadlineMargin, what: "--deadline-margin")
        let found: (deadline: Double, source: String)?
        switch deadline {
        case "none"?: found = nil
        case let text?: found = (try AllocationDeadline.parse(text), "--deadline \(text)")
        case nil:
            // Only rank 0 dispatches: other ranks do not ask squeue (hundreds of ranks would flood slurmctld).
            let environment = ProcessInfo.processInfo.environment
            let rank = environment["OMPI_COMM_WORLD_RANK"] ?? environment["PMIX_RANK"] ?? environment["SLURM_PROCID"] ?? "0"
            found = rank == "0" ? AllocationDeadline.fromSlurm(environment: environment) : nil
        }
        return found.map { DeadlinePolicy(deadline: $0.deadline, margin: margin, quantile: runtimeQuantile, runtimeParameter: runtimeBy, source: $0.source) }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a database's sweeps: counts, rate, failures by cause, coverage, and who coordinates it (read-only).",
        discussion: """
            Safe while a farm writes the database. On a terminal each sweep gets a progress bar.

            Done/total per value of e, and a grid over t and s:
              farmrun status --db results.db --by e
              farmrun status --db results.db --by t,s
            A sweep of exactly the combinations not done (YAML), or them as CSV:
              farmrun status --db results.db --missing > rest.yaml
              farmrun status --db results.db --missing --format csv
            The counts by state, rate, failures by cause and running tasks as JSON:
              farmrun status --db results.db --format json
            """)

    @Option(name: .long, help: "The results database.") var db: String
    @Flag(help: "List failed tasks with their commands and errors, and every failure cause.") var failed = false
    @Option(help: "Show done/total per value of one parameter, or a grid for two (e.g. --by t,s).") var by: String?
    @Flag(help: "Print only the combinations not done yet (see --format).") var missing = false
    @Flag(help: "With --missing: count tasks early stopping pruned as missing too.") var includePruned = false
    @Option(help: "Output: text (default) or json (counts by state, rate, failures by cause, running tasks, lease); with --missing: yaml (a sweep file that runs them, default) or csv.")
    var format: String?
    @Option(help: "The sweep to report on, by its results table (default: every sweep).") var table: String?

    func run() throws {
        do {
            var options = LedgerStatus.Options()
            options.listFailed = failed
            options.progressBar = isatty(STDOUT_FILENO) != 0
            options.coverage = by.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
            if options.coverage.count > 2 {
                throw ValidationError("--by takes one parameter or two (e.g. --by t,s), not \(options.coverage.count)")
            }
            if missing {
                guard let chosen = MissingSweep.Format(rawValue: format ?? "yaml") else {
                    throw ValidationError("--format \(format ?? "") with --missing: use yaml or csv")
                }
                options.missing = chosen
            } else if let format, format != "text" {
                guard format == "json" else { throw ValidationError("--format \(format): use text or json (yaml and csv go with --missing)") }
                guard !failed, by == nil else { throw ValidationError("--format json prints the whole document; leave out --failed and --by") }
                StandardStreams.writeOutput(try StatusDocument(database: db, table: table).jsonText)
                return
            }
            options.includePruned = includePruned
            options.table = table
            StandardStreams.writeOutput(try LedgerStatus.report(database: db, options: options))
        } catch let error as ValidationError {
            throw error
        } catch {
            StandardStreams.writeError("farmrun: " + ErrorText.line(for: error, database: db))
            throw ExitCode(1)
        }
    }
}


struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that every MPI rank starts and reaches rank 0, and list the hosts.",
        discussion: "Run it the way the sweep will run: srun --mpi=pmix farmrun check, or mpirun -n 4 farmrun check.")

    @Option(help: "How long rank 0 waits for the other ranks.") var timeout: String = "60s"

    func run() throws {
        do {
            let seconds = try DurationText.seconds(timeout, what: "--timeout")
            if let report = try ClusterCheck.run(timeout: seconds) { StandardStreams.writeOutput(report) }
        } catch {
            StandardStreams.writeError("farmrun check: " + ErrorText.line(for: error))
            throw ExitCode(1)
        }
    }
}

struct Guard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract: "Internal: kills a worker's jobs when the worker dies (started by farmrun itself).",
        shouldDisplay: false)

    func run() throws {
        OrphanGuard.serve()
    }
}
