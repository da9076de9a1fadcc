import ArgumentParser
import Farm
import Foundation
import Logging

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Coordinator-only benchmark: the real ledger and commits, workers that answer at once.",
        discussion: """
            Runs a sweep of --tasks tasks (-p i=1..N) into --db with simulated workers that
            spawn nothing, and prints dispatch+commit decisions per second, the time to the
            first dispatch (the resume cost on a ledger that is partly done) and peak RSS.
            Used by bench/coordinator.sh.
            """,
        shouldDisplay: false)

    @Option(help: "The results database.") var db: String
    @Option(help: "Tasks in the sweep.") var tasks: Int = 1_000_000
    @Option(help: "Simulated worker ranks.") var workers: Int = 64
    @Option(help: "Dispatch at most this many tasks, then stop.") var maxTasks: Int?
    @Option(help: "Results per commit.") var batchSize: Int = 256

    func run() throws {
        LoggingSystem.bootstrap { _ in FarmLogHandler(program: "farmrun", level: .warning) }
        guard tasks >= 1, workers >= 1, batchSize >= 1 else {
            StandardStreams.writeError("farmrun: --tasks, --workers and --batch-size must be at least 1")
            throw ExitCode(ExitStatus.usage)
        }
        var options = CoordinatorOptions()
        options.progressInterval = nil
        options.maxTasks = maxTasks
        options.batchSize = batchSize
        let spec: SweepSpec
        do {
            spec = SweepSpec(command: ["/bin/true", "{i}"], table: "simulated",
                             parameters: [try ParameterDomain(option: "i=1..\(tasks)")])
        } catch {
            StandardStreams.writeError("farmrun: " + ErrorText.line(for: error))
            throw ExitCode(ExitStatus.usage)
        }
        let configuration = RunConfiguration(spec: spec, database: db, options: options)
        let result = CoordinatorSimulation.run(configuration, workers: workers, logger: Logger(label: "farmrun"))
        StandardStreams.writeOutput(result.line + "\n")
        if result.exitCode != 0 && result.exitCode != ExitStatus.tasksLeft { throw ExitCode(result.exitCode) }
    }
}
