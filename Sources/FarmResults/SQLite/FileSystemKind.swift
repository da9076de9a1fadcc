import CLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What kind of filesystem holds a database, because SQLite's WAL mode needs
/// shared memory that network filesystems (NFS, Lustre, GPFS, …) cannot give
/// across hosts. On those, farm uses a rollback journal with one writer.
package enum FileSystemKind: Sendable, Equatable {
    case local
    case network(type: String)

    /// Filesystem types (as /proc/mounts names them) shared between hosts.
    static let networkTypes: Set<String> = [
        "nfs", "nfs4", "lustre", "gpfs", "cifs", "smb3", "smbfs", "beegfs", "9p", "ceph",
        "glusterfs", "afs", "ocfs2", "gfs2", "panfs", "wekafs", "fuse.sshfs", "fuse.glusterfs",
    ]

    /// The kind of filesystem holding `folder`: from statfs for the common ones,
    /// else from the longest mount point in /proc/mounts that contains it.
    /// `FARM_ASSUME_NETWORK_FS=1` forces `.network` (to test the network path
    /// on a local disk).
    package static func of(folder: String) -> FileSystemKind {
        // (Plain C calls and String: dbtool runs this at every insert, and Foundation's
        // path and string bridging cost milliseconds at a process's first use.)
        if let forced = getenv("FARM_ASSUME_NETWORK_FS"), String(cString: forced) == "1" {
            return .network(type: "forced by FARM_ASSUME_NETWORK_FS")
        }
        // statfs names the common filesystems in one call; reading and splitting
        // /proc/mounts is left for the rest, FUSE among them (sshfs, or local?).
        if let known = kind(ofMagic: UInt32(truncatingIfNeeded: farm_filesystem_type(folder))) {
            return known
        }
        return fromMounts(folder: folder)
    }

    /// The kind a statfs `f_type` stands for, or nil when only /proc/mounts can tell.
    package static func kind(ofMagic magic: UInt32) -> FileSystemKind? {
        switch magic {
        // ext2/3/4, XFS, Btrfs, tmpfs, overlay, ZFS, F2FS
        case 0xEF53, 0x5846_5342, 0x9123_683E, 0x0102_1994, 0x794C_7630, 0x2FC1_2FC1, 0xF2F5_2010: .local
        case 0x6969: .network(type: "nfs")
        case 0x0BD0_0BD0: .network(type: "lustre")
        case 0x4750_4653: .network(type: "gpfs")
        case 0xFF53_4D42, 0xFE53_4D42, 0x517B: .network(type: "cifs")
        case 0x1983_0326: .network(type: "beegfs")
        case 0x0102_1997: .network(type: "9p")
        case 0x00C3_6400: .network(type: "ceph")
        case 0x5346_414F, 0x6B41_4653: .network(type: "afs")
        case 0x7461_636F: .network(type: "ocfs2")
        case 0x0116_1970: .network(type: "gfs2")
        case 0xAAD7_AAEA: .network(type: "panfs")
        default: nil  // FUSE (sshfs or local?), WekaFS, anything else
        }
    }

    /// The type of the longest mount point in /proc/mounts that contains `folder`.
    package static func fromMounts(folder: String) -> FileSystemKind {
        guard let mounts = readFile("/proc/mounts") else { return .local }
        let path = realpath(folder, nil).map { resolved in
            defer { free(resolved) }
            return String(cString: resolved)
        } ?? folder
        var best: (length: Int, type: String) = (-1, "")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let mountPoint = unescaped(fields[1])
            let contains = mountPoint == "/" || path == mountPoint || path.hasPrefix(mountPoint + "/")
            if contains && mountPoint.count > best.length {
                best = (mountPoint.count, String(fields[2]))
            }
        }
        return networkTypes.contains(best.type) ? .network(type: best.type) : .local
    }

    /// A /proc/mounts field with its octal escapes (`\040` for a space, `\011`, `\012`, `\134`) undone.
    package static func unescaped(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "\\"), i + 3 < utf8.count {
                let digits = utf8[(i + 1)...(i + 3)]
                if digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) }) {
                    bytes.append(digits.reduce(0) { $0 &* 8 &+ ($1 - UInt8(ascii: "0")) })
                    i += 4
                    continue
                }
            }
            bytes.append(utf8[i])
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The whole of a small file such as /proc/mounts as text, or nil when it cannot be read.
    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let read = StandardStreams.readAll(fd)
        return read.complete ? String(decoding: read.bytes, as: UTF8.self) : nil
    }

    package var isNetwork: Bool {
        if case .network = self { return true }
        return false
    }
}
