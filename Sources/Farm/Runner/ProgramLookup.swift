import Foundation

/// Finds a job's program the way `execvp` would (a path as given, else the first executable of
/// that name on PATH), for jobs started through `farm-pin`: a program that is missing or not
/// executable then fails as a spawn, with the same words as a job started directly.
enum ProgramLookup {
    enum Result: Equatable {
        case found(String)
        case missing(String)
    }

    static func find(_ program: String, path: String) -> Result {
        let candidates = program.contains("/") ? [program] : path.split(separator: ":", omittingEmptySubsequences: false).map { ($0.isEmpty ? "." : String($0)) + "/" + program }
        var sawUnexecutable = false
        for candidate in candidates {
            // stat(2), not FileManager: this runs at every spawn.
            var info = stat()
            guard stat(candidate, &info) == 0, info.st_mode & S_IFMT != S_IFDIR else { continue }
            if access(candidate, X_OK) == 0 { return .found(candidate) }
            sawUnexecutable = true
        }
        return .missing(sawUnexecutable
            ? "permission denied: the program is not executable (chmod +x it, or start it with its interpreter, e.g. python3 job.py)"
            : "no such program (check the command and PATH)")
    }
}
