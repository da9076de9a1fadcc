/// One task handed to a worker: everything it needs to run the job, so a
/// worker never reads the sweep or the database.
public struct TaskAssignment: Sendable, Equatable {
    public var taskID: Int64
    public var argv: [String]
    /// Seconds the job may run before it is killed (0: no limit).
    public var timeout: Double
    /// Extra environment variables for the job (FARM_TASK_ID, …).
    public var environment: [String: String]
    /// In a fidelity sweep, the key of the job's reports: its stdout is read line by line as it runs.
    public var reportKey: String?

    public init(taskID: Int64, argv: [String], timeout: Double = 0, environment: [String: String] = [:], reportKey: String? = nil) {
        self.reportKey = reportKey
        self.taskID = taskID
        self.argv = argv
        self.timeout = timeout
        self.environment = environment
    }
}
