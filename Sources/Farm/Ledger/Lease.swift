import Foundation
import GRDB

/// Who may coordinate a results database. One coordinator at a time holds the
/// lease; it renews the heartbeat inside its own commits, so holding it costs
/// no extra I/O while busy. A second farmrun on the same database is refused,
/// and a crashed holder's lease is taken over (at once on the same host when its
/// pid is gone, after the timeout from another host).
package struct Lease: Sendable, Equatable {
    package var holder: String
    package var host: String
    package var pid: Int32
    package var jobID: String?
    package var acquiredAt: Double
    package var heartbeatAt: Double
    /// When the holder's allocation ends (its `--deadline`, Slurm's end time), if known.
    package var deadline: Double?

    /// A lease for this process now.
    package static func mine(now: Double = Date().timeIntervalSince1970, deadline: Double? = nil) -> Lease {
        let host = ProcessInfo.processInfo.hostName
        let pid = getpid()
        let env = ProcessInfo.processInfo.environment
        return Lease(holder: "\(host):\(pid):\(UUID().uuidString.prefix(8))", host: host, pid: pid,
                     jobID: env["SLURM_JOB_ID"], acquiredAt: now, heartbeatAt: now, deadline: deadline)
    }

    /// "host pid 123 (Slurm job 42), heartbeat 3s ago"
    package func describe(now: Double = Date().timeIntervalSince1970) -> String {
        var text = "\(host) pid \(pid)"
        if let jobID { text += " (Slurm job \(jobID))" }
        text += ", since \(LeaseClock.stamp(acquiredAt)), last heartbeat \(DurationText.format(max(0, now - heartbeatAt))) ago"
        if let deadline { text += "; its allocation ends \(LeaseClock.stamp(deadline))" }
        return text
    }

    static func read(in db: Database) throws -> Lease? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM farm_lease WHERE id = 1") else { return nil }
        // `deadline` is missing from a ledger this farm has not migrated yet (read-only readers never migrate).
        return Lease(holder: row["holder"], host: row["host"], pid: row["pid"], jobID: row["job_id"], acquiredAt: row["acquired_at"],
                     heartbeatAt: row["heartbeat_at"], deadline: row.hasColumn("deadline") ? row["deadline"] : nil)
    }

    /// Whether the holding process is known to be gone (only knowable on its own
    /// host): no such pid, a zombie nobody reaped (a SIGKILLed rank whose
    /// `mpirun` died too), or a pid reused by another program.
    func processIsGone(onHost host: String) -> Bool {
        guard self.host == host else { return false }
        if kill(pid, 0) != 0 { return errno == ESRCH }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        if state == "Z" || state == "X" { return true }
        let comm = { (pid: String) in try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) }
        if let theirs = comm(String(pid)), let mine = comm("self"), theirs != mine { return true }
        return false
    }
}

/// Why this farmrun may not (or may no longer) coordinate the database.
package enum LeaseError: FarmError {
    case held(Lease)
    case lost(path: String)

    package var description: String {
        switch self {
        case .held(let lease):
            return "another farmrun coordinates this database: \(lease.describe()); wait for it to finish, or pass --wait-for-lease"
        case .lost(let path):
            return "this farmrun lost its lease on \(path) to another coordinator; it stopped without writing"
        }
    }
}

enum LeaseClock {
    static func stamp(_ t: Double) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone.current
        return formatter.string(from: Date(timeIntervalSince1970: t))
    }
}
