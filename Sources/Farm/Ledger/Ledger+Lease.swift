import Foundation
import GRDB
import Logging

/// Taking and giving up the database's lease (see `Lease`): one coordinator at a time.
extension Ledger {
    /// Takes the database's lease, or throws `LeaseError.held` naming the holder.
    /// Returns the stale lease it took over, if any (for the log).
    @discardableResult
    package func acquireLease(timeout: Double, deadline: Double? = nil, now: Double = Date().timeIntervalSince1970) throws -> Lease? {
        let mine = Lease.mine(now: now, deadline: deadline)
        var previous: Lease?
        try queue.inTransaction(.immediate) { db in
            if let current = try Lease.read(in: db) {
                let stale = now - current.heartbeatAt > timeout || current.processIsGone(onHost: mine.host)
                guard stale else { throw LeaseError.held(current) }
                previous = current
            }
            try db.execute(sql: """
                INSERT OR REPLACE INTO farm_lease (id, holder, host, pid, job_id, acquired_at, heartbeat_at, deadline)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [mine.holder, mine.host, mine.pid, mine.jobID, mine.acquiredAt, mine.heartbeatAt, mine.deadline])
            return .commit
        }
        lease = mine
        return previous
    }

    /// Gives the lease up (at a clean exit), so the next farmrun starts at once.
    package func releaseLease() {
        guard let lease else { return }
        try? queue.inTransaction(.immediate) { db in
            try db.execute(sql: "DELETE FROM farm_lease WHERE id = 1 AND holder = ?", arguments: [lease.holder])
            return .commit
        }
        self.lease = nil
    }
}
