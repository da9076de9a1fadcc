/// Sweep settings given on farmrun's command line. With a sweep file they
/// override the file's values; without one they are the whole sweep.
package struct SweepOverrides: Sendable {
    package var command: [String] = []
    package var parameters: [String] = []
    package var condition: String?
    package var replicates: Int?
    package var table: String?
    package var timeout: String?
    package var retries: RetryBudget?
    package var method: String?
    package var samples: Int?
    package var seed: UInt64?
    /// `--env NAME=VALUE`, added to (or replacing in) the file's `env:`.
    package var environment: [String] = []
    /// `--cpus-per-task`, `--gpus-per-task`: a number or a parameter such as `{n}`.
    package var cpusPerTask: String?
    package var gpusPerTask: String?
    /// `--preload numpy,sklearn` (replacing the file's `preload:`), `--preload-tasks N`.
    package var preload: String?
    package var preloadTasks: Int?

    package init() {}

    /// The spec to run: the file's (if any) with these overrides applied.
    package func apply(to file: SweepSpec?) throws(SweepError) -> SweepSpec {
        var spec: SweepSpec
        if let file {
            spec = file
        } else {
            guard !command.isEmpty else {
                throw SweepError("no sweep: give a sweep file (farmrun sweep.yaml --db results.db) or a command after -- (farmrun --db results.db -p x=1,2 -- python3 job.py {x})")
            }
            spec = SweepSpec(command: command, parameters: [])
        }
        if !command.isEmpty { spec.command = command }
        var given: Set<String> = []
        for option in parameters {
            let domain = try ParameterDomain(option: option)
            guard given.insert(domain.name).inserted else {
                throw SweepError("-p \(domain.name) is given twice; give each parameter once, with all its values (-p \(domain.name)=a,b,c)")
            }
            if let i = spec.parameters.firstIndex(where: { $0.name == domain.name }) {
                spec.parameters[i] = domain
            } else {
                spec.parameters.append(domain)
            }
        }
        if let condition { spec.condition = condition }
        if let replicates {
            guard replicates >= 1 else { throw SweepError("--replicates must be at least 1") }
            spec.replicates = replicates
        }
        if let table { spec.table = table }
        if let timeout {
            let seconds = try DurationText.seconds(timeout, what: "--timeout")
            spec.timeout = seconds > 0 ? seconds : nil
        }
        if let retries {
            spec.retries = retries
        }
        if let method { spec.method = try SweepSpec.method(method) }
        if let samples {
            guard samples >= 1 else { throw SweepError("--samples must be at least 1") }
            spec.samples = samples
        }
        if let seed { spec.seed = seed }
        for option in environment {
            guard let equals = option.firstIndex(of: "="), equals != option.startIndex else {
                throw SweepError("--env \(option): give NAME=VALUE, e.g. --env WANDB_DIR=runs/{task}")
            }
            let name = String(option[..<equals])
            try SweepSpec.checkEnvironmentName(name, what: "--env")
            spec.environment[name] = String(option[option.index(after: equals)...])
        }
        try spec.resources.override(cpus: cpusPerTask, gpus: gpusPerTask)
        if let preload {
            let modules = try PreloadSpec.modules(preload, what: "--preload")
            spec.preload = modules.isEmpty ? nil : PreloadSpec(modules: modules, recycleAfterTasks: spec.preload?.recycleAfterTasks ?? PreloadSpec.defaultRecycleAfterTasks)
        }
        if let preloadTasks {
            guard preloadTasks >= 1 else { throw SweepError("--preload-tasks must be at least 1") }
            guard spec.preload != nil else { throw SweepError("--preload-tasks is given but nothing is preloaded; add --preload numpy,… (or preload: in the sweep)") }
            spec.preload?.recycleAfterTasks = preloadTasks
        }
        return spec
    }
}
