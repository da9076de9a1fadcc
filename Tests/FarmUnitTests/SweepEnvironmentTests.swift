import Testing
@testable import Farm

/// `env:` in a sweep (and `--env`): extra variables per job, templated like the command, checked up front.
@Suite struct SweepEnvironmentTests {
    static let yaml = """
        command: [python3, job.py, "{lr}"]
        parameters: {lr: [0.1, 0.01], model: [small, wide]}
        env: {WANDB_DIR: "runs/{model}/{task}", XLA_FLAGS: --xla_gpu_autotune_level=0, TF_CPP_MIN_LOG_LEVEL: 2, EMPTY: ""}
        """

    @Test func eachJobGetsItsOwnFilledValues() throws {
        let sweep = try Sweep(try SweepSpec.parse(yaml: Self.yaml))
        let env = sweep.environment(of: 3, taskID: 42)
        #expect(env["WANDB_DIR"] == "runs/wide/42")
        #expect(env["XLA_FLAGS"] == "--xla_gpu_autotune_level=0" && env["TF_CPP_MIN_LOG_LEVEL"] == "2" && env["EMPTY"] == "")
        // What the ledger stores reads back the same.
        let spec = try SweepSpec.parse(yaml: Self.yaml)
        #expect(try SweepSpec(storedJSON: spec.jsonText).environment == spec.environment)
    }

    @Test func badNamesAndUnknownPlaceholdersAreOneClearLine() {
        let cases: [(String, String)] = [
            ("env: {FARM_SEED: 1}", "FARM_… variables are farm's own"),
            ("env: {1BAD: x}", "does not start with a digit"),
            ("env: {\"A-B\": x}", "letters, digits and _"),
            ("env: [A, B]", "env must be a mapping"),
            ("env: {OUT: \"runs/{epochs}\"}", "env OUT: placeholder {epochs} names no parameter"),
            ("env: {OUT: [a]}", "env OUT: the value must be a string or a number"),
        ]
        for (line, expected) in cases {
            let yaml = "command: [python3, job.py, \"{lr}\"]\nparameters: {lr: [0.1]}\n" + line + "\n"
            do {
                _ = try Sweep(try SweepSpec.parse(yaml: yaml))
                Issue.record("accepted: \(line)")
            } catch {
                #expect(error.message.contains(expected), "\(line): \(error.message)")
            }
        }
    }

    @Test func theCommandLineAddsAndReplacesVariables() throws {
        var overrides = SweepOverrides()
        overrides.environment = ["XLA_FLAGS=--other", "SEEDED={replicate}"]
        let spec = try overrides.apply(to: try SweepSpec.parse(yaml: Self.yaml))
        #expect(spec.environment["XLA_FLAGS"] == "--other" && spec.environment["SEEDED"] == "{replicate}" && spec.environment["WANDB_DIR"] != nil)
        overrides.environment = ["NOEQUALS"]
        #expect(throws: SweepError.self) { try overrides.apply(to: nil) }
    }
}
