import Testing
@testable import Farm

/// `preload:` (and `--preload`): which commands a warm Python can run, and the modules it imports.
@Suite struct PreloadSpecTests {
    @Test func aScriptOrAModuleIsReadWithTheInterpreterAndItsFlags() {
        #expect(PythonCommand(argv: ["python3", "train.py", "--lr", "0.1"])
            == PythonCommand(interpreter: ["python3"], target: .script("train.py"), arguments: ["--lr", "0.1"]))
        #expect(PythonCommand(argv: ["/opt/venv/bin/python", "-u", "-W", "ignore", "-X", "dev", "-Bs", "t.py"])
            == PythonCommand(interpreter: ["/opt/venv/bin/python", "-u", "-W", "ignore", "-X", "dev", "-Bs"], target: .script("t.py"), arguments: []))
        #expect(PythonCommand(argv: ["python3.11", "-m", "pkg.train", "-e", "5"])
            == PythonCommand(interpreter: ["python3.11"], target: .module("pkg.train"), arguments: ["-e", "5"]))
        #expect(PythonCommand(argv: ["slurm/job.sh", "python3", "mlp.py", "-e", "25"])
            == PythonCommand(interpreter: ["slurm/job.sh", "python3"], target: .script("mlp.py"), arguments: ["-e", "25"]))
        #expect(PythonCommand(argv: ["python3", "mlp.py"])?.taskArgv == ["mlp.py"])
    }

    @Test func whatIsNotAScriptOrModuleRunsAsASpawnedJob() {
        for argv in [["python3", "-c", "print(1)"], ["python3"], ["python3", "-"], ["python3", "--version"], ["python3", "-m"],
                     ["bash", "job.sh"], ["./train.py"], ["pythonista", "x.py"], ["python3", "-uc", "print(1)"], ["job.sh", "Rscript", "x.R"]] {
            #expect(PythonCommand(argv: argv) == nil, "\(argv)")
        }
    }

    @Test func preloadIsAListOrACommaSeparatedStringOfModuleNames() throws {
        let list = try SweepSpec.parse(yaml: "command: [python3, j.py]\nparameters: {x: [1]}\npreload: [numpy, sklearn.neural_network]\npreload_tasks: 50\n")
        #expect(list.preload == PreloadSpec(modules: ["numpy", "sklearn.neural_network"], recycleAfterTasks: 50))
        let text = try SweepSpec.parse(yaml: "command: [python3, j.py]\nparameters: {x: [1]}\npreload: numpy, scipy\n")
        #expect(text.preload == PreloadSpec(modules: ["numpy", "scipy"]))
        var overrides = SweepOverrides()
        overrides.preload = "torch"
        overrides.preloadTasks = 10
        #expect(try overrides.apply(to: text).preload == PreloadSpec(modules: ["torch"], recycleAfterTasks: 10))
    }

    @Test func aBadModuleNameOrARecycleCountWithoutPreloadIsAClearError() {
        #expect { try SweepSpec.parse(yaml: "command: [python3, j.py]\nparameters: {x: [1]}\npreload: [\"os; rm -rf\"]\n") } throws: { error in
            "\(error)".contains("\"os; rm -rf\" is not a Python module name")
        }
        #expect { try SweepSpec.parse(yaml: "command: [python3, j.py]\nparameters: {x: [1]}\npreload_tasks: 5\n") } throws: { error in
            "\(error)".contains("nothing is preloaded")
        }
        #expect { try SweepSpec.parse(yaml: "command: [python3, j.py]\nparameters: {x: [1]}\npreload: [numpy]\npreload_tasks: 0\n") } throws: { error in
            "\(error)".contains("at least 1")
        }
    }

    @Test func theAssignmentCarriesThePreloadAndTheOutcomeItsNote() throws {
        var assignment = TaskAssignment(taskID: 7, argv: ["python3", "j.py"])
        assignment.preload = PreloadSpec(modules: ["numpy"], recycleAfterTasks: 3)
        #expect(try MessageCoding.decode(MessageCoding.encode(.assign(assignment))) == .assign(assignment))
        var outcome = TaskOutcome(taskID: 7, status: .failed(.exit, message: "exited with status 1"))
        outcome.note = "preload: cannot import numpy"
        #expect(try MessageCoding.decode(MessageCoding.encode(.outcome(outcome))) == .outcome(outcome))
    }
}
