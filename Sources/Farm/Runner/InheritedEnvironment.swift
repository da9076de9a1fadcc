import Foundation

/// This process's environment as execve takes it, made once: a slot spawns thousands of jobs,
/// and turning the whole environment into `KEY=value` C strings at every spawn was a few per cent
/// of a worker's time on a no-op sweep (`perf record` of `mpirun -n 3 farmrun --no-local-slot`
/// over 5,000 tasks). At each spawn only a job's own variables are made C strings and put over
/// these. Immutable once made; its strings live as long as it does.
final class InheritedEnvironment: @unchecked Sendable {
    /// The variables by name.
    let variables: [String: String]
    private let names: [String]
    private let entries: [UnsafeMutablePointer<CChar>]

    init(_ variables: [String: String]) {
        self.variables = variables
        let sorted = variables.sorted { $0.key < $1.key }
        names = sorted.map(\.key)
        entries = sorted.map { strdup("\($0.key)=\($0.value)")! }
    }

    deinit {
        for entry in entries { free(entry) }
    }

    /// Calls `body` with a NULL-terminated `KEY=value` array: these variables with `overrides`
    /// put over them (an override replaces the variable of its name, a new name is added).
    func withEnvironment<R>(overriding overrides: [String: String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        pointers.reserveCapacity(entries.count + overrides.count + 1)
        for (name, entry) in zip(names, entries) where overrides[name] == nil {
            pointers.append(entry)
        }
        let added = overrides.map { strdup("\($0.key)=\($0.value)") }
        defer { for pointer in added { free(pointer) } }
        pointers.append(contentsOf: added)
        pointers.append(nil)
        return body(pointers)
    }
}
