import Foundation
import Yams

/// The modules a sweep's Python jobs import once per slot rather than once per task
/// (`preload: [numpy, sklearn.neural_network]`, `--preload numpy,sklearn`), and how many tasks
/// one warm interpreter serves before a fresh one replaces it (`preload_tasks:`).
package struct PreloadSpec: Sendable, Equatable {
    package var modules: [String]
    /// Tasks one warm interpreter runs before it is replaced (it is also replaced when its
    /// memory grows past half as much again as it had after its imports).
    package var recycleAfterTasks: Int

    /// Replacing an interpreter costs one import (1.7 s for scikit-learn on the 2-core machine):
    /// at 1,000 tasks that is a fraction of a percent of what preloading saves.
    package static let defaultRecycleAfterTasks = 1000

    /// Modules that are not safe to fork after import: their threads (and CUDA state) do not
    /// survive `fork`. They are imported by each task as usual.
    package static let notForkSafe: Set<String> = ["tensorflow", "jax", "jaxlib", "keras"]

    package init(modules: [String], recycleAfterTasks: Int = PreloadSpec.defaultRecycleAfterTasks) {
        self.modules = modules
        self.recycleAfterTasks = recycleAfterTasks
    }

    /// The modules to preload from `preload:` (a list, or one comma-separated string).
    static func modules(_ node: Node) throws(SweepError) -> [String] {
        if let text = node.scalar?.string { return try modules(text, what: "preload") }
        guard let items = node.sequence else {
            throw SweepError("preload must be a list of Python modules, e.g. preload: [numpy, sklearn.neural_network]")
        }
        var names: [String] = []
        for item in items {
            guard let name = item.scalar?.string else {
                throw SweepError("preload must be a list of module names; item \(names.count + 1) is \(SweepSpec.describe(item))")
            }
            names.append(contentsOf: try modules(name, what: "preload"))
        }
        return names
    }

    /// Module names from comma-separated text, each checked (`--preload numpy,sklearn`).
    package static func modules(_ text: String, what: String) throws(SweepError) -> [String] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for name in names where !isModuleName(name) {
            throw SweepError("\(what): \"\(name)\" is not a Python module name; give dotted names such as numpy or sklearn.neural_network")
        }
        return names
    }

    static func recycleAfter(_ text: String, what: String) throws(SweepError) -> Int {
        guard let n = Int(text), n >= 1 else {
            throw SweepError("\(what) must be a whole number of at least 1 (tasks one warm Python runs before a fresh one replaces it), got \"\(text)\"")
        }
        return n
    }

    static func isModuleName(_ name: String) -> Bool {
        name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            guard let first = part.first, first == "_" || first.isLetter else { return false }
            return part.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
        }
    }
}
