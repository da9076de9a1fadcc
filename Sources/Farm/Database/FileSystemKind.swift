import Foundation

/// What kind of filesystem holds a database, because SQLite's WAL mode needs
/// shared memory that network filesystems (NFS, Lustre, GPFS, …) cannot give
/// across hosts. On those, farm uses a rollback journal with one writer.
public enum FileSystemKind: Sendable, Equatable {
    case local
    case network(type: String)

    /// Filesystem types (as /proc/mounts names them) shared between hosts.
    static let networkTypes: Set<String> = [
        "nfs", "nfs4", "lustre", "gpfs", "cifs", "smb3", "smbfs", "beegfs", "9p", "ceph",
        "glusterfs", "afs", "ocfs2", "gfs2", "panfs", "wekafs", "fuse.sshfs", "fuse.glusterfs",
    ]

    /// The kind of filesystem holding `folder`, from the longest mount point in
    /// /proc/mounts that contains it. `FARM_ASSUME_NETWORK_FS=1` forces
    /// `.network` (to test the network path on a local disk).
    public static func of(folder: String) -> FileSystemKind {
        // (Plain C calls and String: dbtool runs this at every insert, and Foundation's
        // path and string bridging cost milliseconds at a process's first use.)
        if let forced = getenv("FARM_ASSUME_NETWORK_FS"), String(cString: forced) == "1" {
            return .network(type: "forced by FARM_ASSUME_NETWORK_FS")
        }
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return .local }
        let path = realpath(folder, nil).map { resolved in
            defer { free(resolved) }
            return String(cString: resolved)
        } ?? folder
        var best: (length: Int, type: String) = (-1, "")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let mountPoint = fields[1].contains("\\") ? String(fields[1]).replacingOccurrences(of: "\\040", with: " ") : String(fields[1])
            let contains = mountPoint == "/" || path == mountPoint || path.hasPrefix(mountPoint + "/")
            if contains && mountPoint.count > best.length {
                best = (mountPoint.count, String(fields[2]))
            }
        }
        return networkTypes.contains(best.type) ? .network(type: best.type) : .local
    }

    public var isNetwork: Bool {
        if case .network = self { return true }
        return false
    }
}
