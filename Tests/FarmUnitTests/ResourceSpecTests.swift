import Testing
@testable import Farm

/// `resources:` in a sweep (and `--cpus-per-task`, `--gpus-per-task`): what each task needs, checked before anything runs.
@Suite struct ResourceSpecTests {
    static func sweep(_ resources: String, parameters: String = "{n: [1, 2], model: [small, large]}") throws(SweepError) -> Sweep {
        try Sweep(try SweepSpec.parse(yaml: "command: [python3, job.py, \"{n}\"]\nparameters: \(parameters)\nresources: \(resources)\n"))
    }

    @Test func aFixedAmountIsEveryTasksDemand() throws {
        let sweep = try Self.sweep("{cpus: 4, gpus: 0.5}")
        #expect(sweep.demands.isUniform)
        #expect(sweep.demand(of: 3) == TaskDemand(cpus: 4, gpus: 0.5))
        #expect(sweep.spec.resources.declared && sweep.spec.resources.declaresGPUs)
    }

    @Test func anAmountMayBeAParameterOrAMapByValue() throws {
        let byParameter = try Self.sweep("{cpus: \"{n}\"}")
        #expect((0..<4).map { byParameter.demand(of: $0).cpus } == [1, 1, 2, 2])
        let byValue = try Self.sweep("{cpus: {model: {small: 1, large: 4}}, gpus: {model: {small: 0.25, large: 1}}}")
        #expect((0..<4).map { byValue.demand(of: $0) } == [
            TaskDemand(cpus: 1, gpus: 0.25), TaskDemand(cpus: 4, gpus: 1), TaskDemand(cpus: 1, gpus: 0.25), TaskDemand(cpus: 4, gpus: 1),
        ])
        #expect(byValue.demands.largest == TaskDemand(cpus: 4, gpus: 1))
    }

    @Test func withoutResourcesATaskNeedsOneCPUAndNothingIsDeclared() throws {
        let sweep = try Sweep(try SweepSpec.parse(yaml: "command: [job]\nparameters: {x: [1]}\n"))
        #expect(sweep.demand(of: 0) == TaskDemand(cpus: 1, gpus: 0))
        #expect(!sweep.spec.resources.declared)
    }

    @Test func theCommandLineOverridesTheFile() throws {
        var overrides = SweepOverrides()
        overrides.cpusPerTask = "2"
        overrides.gpusPerTask = "{n}"
        let spec = try overrides.apply(to: try SweepSpec.parse(yaml: "command: [job]\nparameters: {n: [1, 2]}\nresources: {cpus: 8}\n"))
        let sweep = try Sweep(spec)
        #expect(sweep.demand(of: 1) == TaskDemand(cpus: 2, gpus: 2))
    }

    @Test func badAmountsAreOneClearLineNamingTheInput() {
        let cases: [(String, String)] = [
            ("{cpus: 0}", "resources cpus is 0; a task needs a whole number of CPUs, from 1 to 65,536"),
            ("{cpus: -2}", "resources cpus is -2"),
            ("{cpus: 1.5}", "resources cpus is 1.5"),
            ("{gpus: 1.5}", "resources gpus is 1.5; give 0, a fraction of one GPU"),
            ("{gpus: -1}", "resources gpus is -1"),
            ("{memory: 4}", "resources: unknown key \"memory\""),
            ("{cpus: \"{epochs}\"}", "resources: {epochs} is not a parameter of this sweep"),
            ("{cpus: \"{model}\"}", "resources cpus (for model = small): small is not a number of CPUs"),
            ("{cpus: {model: {small: 1}}}", "resources cpus has no amount for model = large; add it to the map"),
            ("{cpus: lots}", "resources cpus \"lots\" is not a number"),
            ("[4]", "resources must be a mapping"),
        ]
        for (resources, expected) in cases {
            do {
                _ = try Self.sweep(resources)
                Issue.record("accepted: \(resources)")
            } catch {
                #expect(error.message.contains(expected), "\(resources): \(error.message)")
            }
        }
        var overrides = SweepOverrides()
        overrides.cpusPerTask = "0"
        #expect(throws: SweepError.self) { try Sweep(try overrides.apply(to: try SweepSpec.parse(yaml: "command: [job]\nparameters: {n: [1]}\n"))) }
    }

    @Test func theJobEnvironmentCapsThreadsAndNamesItsOwnDevices() {
        let job = JobResources(cpus: [2, 3], pin: true, devices: ["1"], deviceVariables: ["ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES"])
        let added = Dictionary(uniqueKeysWithValues: job.environment(inherited: { $0 == "MKL_NUM_THREADS" ? "8" : nil }, assigned: ["OMP_NUM_THREADS": "3"]))
        #expect(added["FARM_CPUS"] == "2" && added["FARM_CPU_LIST"] == "2-3")
        #expect(added["OPENBLAS_NUM_THREADS"] == "2" && added["TF_NUM_INTRAOP_THREADS"] == "2" && added["TF_NUM_INTEROP_THREADS"] == "1")
        // What the user set (farmrun's environment, the sweep's env:) wins.
        #expect(added["OMP_NUM_THREADS"] == nil && added["MKL_NUM_THREADS"] == nil)
        #expect(added["ROCR_VISIBLE_DEVICES"] == "1" && added["HIP_VISIBLE_DEVICES"] == "1" && added["CUDA_VISIBLE_DEVICES"] == nil)
        #expect(CPUList.text([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8")
    }
}
