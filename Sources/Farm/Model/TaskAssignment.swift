/// One task handed to a worker: everything it needs to run the job, so a
/// worker never reads the sweep or the database.
package struct TaskAssignment: Sendable, Equatable {
    package var taskID: Int64
    package var argv: [String]
    /// Seconds the job may run before it is killed (0: no limit).
    package var timeout: Double
    /// Extra environment variables for the job (FARM_TASK_ID, …).
    package var environment: [String: String]
    /// In a fidelity sweep, the key of the job's reports: its stdout is read line by line as it runs.
    package var reportKey: String?
    /// The CPUs and devices the job is given (nil: none chosen, the job inherits the rank's).
    package var resources: JobResources?
    /// The modules a warm Python imports for this job, if it is a Python script (nil: spawned cold).
    package var preload: PreloadSpec?

    package init(taskID: Int64, argv: [String], timeout: Double = 0, environment: [String: String] = [:], reportKey: String? = nil) {
        self.reportKey = reportKey
        self.taskID = taskID
        self.argv = argv
        self.timeout = timeout
        self.environment = environment
    }
}
