#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the `dbtool` executable runs the commands it does not carry. It carries `insert`, which a
/// sweep starts once per result, with the Swift standard library and SQLite alone, so that call
/// starts as fast as SQLite's own shell; every other command (query, plot, summary, status, help…)
/// is farmrun's, which answers as dbtool when it is started under that name: this replaces the
/// process with it (same arguments, standard streams and environment).
package enum FarmrunHandOff {
    /// farmrun next to `executable` (its links resolved), else the first farmrun on `searchPath`.
    package static func farmrun(besides executable: String?, searchPath: String?) -> String? {
        if let executable, let folder = executable.lastIndex(of: "/").map({ String(executable[..<$0]) }) {
            let sibling = folder + "/farmrun"
            if access(sibling, X_OK) == 0 { return sibling }
        }
        for folder in (searchPath ?? "").split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = String(folder) + "/farmrun"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// This executable's own path, links resolved (nil where /proc is missing).
    package static func ownExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Replaces this process with farmrun running `dbtool arguments…`. Returns only when that
    /// cannot happen, with the line to print.
    package static func run(_ arguments: [String]) -> String {
        guard let farmrun = farmrun(besides: ownExecutable(), searchPath: getenv("PATH").map { String(cString: $0) }) else {
            let command = arguments.first { !$0.hasPrefix("-") } ?? "this command"
            return "dbtool: \(command) is run by farmrun, which is neither next to dbtool nor on PATH; "
                + "install dbtool and farmrun together (the release archive's bin/, or swift build)"
        }
        // Started as "dbtool" (argv[0]), farmrun answers as dbtool.
        let argv = (["dbtool"] + arguments).map { strdup($0) } + [nil]
        execv(farmrun, argv)
        let reason = String(cString: strerror(errno))
        for pointer in argv { free(pointer) }
        return "dbtool: cannot start \(farmrun): \(reason); check that it is the farmrun of this dbtool's release"
    }
}
