import Foundation
import Logging
import Testing
@testable import Farm

/// The coordinator's loop over a transport of simulated workers that answer at once (no process, no
/// MPI), with its real ledger in a temporary SQLite file: every task is handed out once and recorded
/// once, a run cut short resumes with exactly what is left, and a finished sweep runs nothing again.
@Suite struct CoordinatorTests {
    static func configuration(_ database: String, tasks: Int, maxTasks: Int? = nil) throws -> RunConfiguration {
        var options = CoordinatorOptions()
        options.progressInterval = nil
        options.maxTasks = maxTasks
        let spec = SweepSpec(command: ["/bin/true", "{i}"], table: "simulated", parameters: [try ParameterDomain(option: "i=1..\(tasks)")])
        return RunConfiguration(spec: spec, database: database, options: options)
    }

    static func run(_ configuration: RunConfiguration, workers: Int) -> CoordinatorSimulation {
        CoordinatorSimulation.run(configuration, workers: workers, logger: Logger(label: "unit") { _ in SwiftLogNoOpLogHandler() })
    }

    static func database() -> String { NSTemporaryDirectory() + "farm-unit-\(UUID().uuidString).db" }

    @Test func everyTaskIsHandedOutOnceAndRecordedDone() throws {
        let db = Self.database()
        defer { Store.removeFiles(of: db) }
        let result = Self.run(try Self.configuration(db, tasks: 2000), workers: 8)
        #expect(result.exitCode == ExitStatus.success && result.answered == 2000)
        let sweep = try #require(try StatusDocument(database: db).sweeps.first)
        #expect(sweep.counts[.done] == 2000 && sweep.total == 2000)
        // Done is done: a second run hands out nothing.
        let again = Self.run(try Self.configuration(db, tasks: 2000), workers: 8)
        #expect(again.exitCode == ExitStatus.success && again.answered == 0)
    }

    @Test func aRunCutShortResumesWithExactlyWhatIsLeft() throws {
        let db = Self.database()
        defer { Store.removeFiles(of: db) }
        let first = Self.run(try Self.configuration(db, tasks: 1000, maxTasks: 300), workers: 3)
        #expect(first.exitCode == ExitStatus.tasksLeft && first.answered == 300)
        #expect(try StatusDocument(database: db).sweeps.first?.counts[.pending] == 700)
        let rest = Self.run(try Self.configuration(db, tasks: 1000), workers: 5)
        #expect(rest.exitCode == ExitStatus.success && rest.answered == 700)
        #expect(try StatusDocument(database: db).sweeps.first?.counts[.done] == 1000)
    }
}
