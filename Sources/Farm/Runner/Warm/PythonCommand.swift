/// A task's command read as "a Python interpreter runs a script or a module", the commands a warm
/// Python can run: `python3 [flags] script.py args…`, `python3 [flags] -m pkg.mod args…`, either one
/// behind `slurm/job.sh` (which sets up the environment and execs the rest). Anything else (`-c`, a
/// program from stdin, an option farm does not know) is not one, and runs as a spawned job.
package struct PythonCommand: Sendable, Equatable {
    package enum Target: Sendable, Equatable {
        case script(String)
        case module(String)
    }

    /// What starts the interpreter: the launcher (job.sh) if any, the interpreter and its flags.
    package var interpreter: [String]
    package var target: Target
    /// The arguments after the script or module.
    package var arguments: [String]

    /// The task's `sys.argv`: the script (or module) and its arguments.
    package var taskArgv: [String] {
        switch target {
        case .script(let path): [path] + arguments
        case .module(let name): [name] + arguments
        }
    }

    /// Interpreter options that take no value, alone or run together (`-uB`).
    static let bareFlags = Set("bBdEhiIOPqRsSuvx")
    /// Interpreter options whose value is the next argument or the rest of this one.
    static let valueFlags: Set<Character> = ["W", "X"]

    package init?(argv: [String]) {
        var rest = argv[...]
        var interpreter: [String] = []
        if let first = rest.first, Self.baseName(first) == "job.sh" {
            interpreter.append(first)
            rest = rest.dropFirst()
        }
        guard let python = rest.first, Self.isPython(python) else { return nil }
        interpreter.append(python)
        rest = rest.dropFirst()
        while let option = rest.first, option.hasPrefix("-") {
            rest = rest.dropFirst()
            if option == "-m" {
                guard let module = rest.first, !module.isEmpty, !module.hasPrefix("-") else { return nil }
                self.init(interpreter: interpreter, target: .module(module), arguments: Array(rest.dropFirst()))
                return
            }
            let letters = option.dropFirst()
            if let flag = letters.first, Self.valueFlags.contains(flag) {
                interpreter.append(option)
                if letters.count == 1 {
                    guard let value = rest.first else { return nil }
                    interpreter.append(value)
                    rest = rest.dropFirst()
                }
                continue
            }
            // "-c", "-" (stdin), "--version", anything else: not a script farm can run warm.
            guard !letters.isEmpty, letters.allSatisfy(Self.bareFlags.contains), !letters.contains("c") else { return nil }
            interpreter.append(option)
        }
        guard let script = rest.first, !script.isEmpty else { return nil }
        self.init(interpreter: interpreter, target: .script(script), arguments: Array(rest.dropFirst()))
    }

    package init(interpreter: [String], target: Target, arguments: [String]) {
        self.interpreter = interpreter
        self.target = target
        self.arguments = arguments
    }

    /// `python`, `python3`, `python3.11`, as a name or a path (a venv's `bin/python`).
    static func isPython(_ program: String) -> Bool {
        let name = baseName(program)
        guard name.hasPrefix("python") else { return false }
        let version = name.dropFirst("python".count)
        return version.allSatisfy { $0.isNumber || $0 == "." } && version.first != "."
    }

    private static func baseName(_ path: String) -> String {
        String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
    }
}
