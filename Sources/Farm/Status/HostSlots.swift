import GRDB

/// Slot use per host while a farmrun holds the lease: busy and free CPUs and GPUs, as rank 0
/// last wrote them (`farm_host`, with each commit). For `farmrun status` and its JSON.
package enum HostSlots {
    /// The hosts of the run that holds `lease` (none when no run does, or the ledger predates them).
    static func read(lease: Lease?, in db: Database) throws -> [HostUse] {
        guard let lease, try db.tableExists("farm_host") else { return [] }
        return try Row.fetchAll(db, sql: """
            SELECT host, busy_cpus, cpus, busy_gpus, gpus FROM farm_host WHERE updated_at >= ? ORDER BY host
            """, arguments: [lease.acquiredAt]).map {
            HostUse(host: $0[0], busyCPUs: $0[1], cpus: $0[2], busyGPUs: $0[3], gpus: $0[4])
        }
    }

    /// `node-1: 6/8 CPUs busy, 1.5/4 GPUs busy` per host.
    static func text(_ hosts: [HostUse]) -> String {
        hosts.map { use in
            let gpus = use.gpus > 0 ? ", \(ParameterValue.shortestAmount(use.busyGPUs))/\(use.gpus) GPUs busy" : ""
            return "slots: \(use.host): \(use.busyCPUs)/\(use.cpus) CPUs busy\(gpus)\n"
        }.joined()
    }

    static func json(_ hosts: [HostUse]) -> JSONValue {
        .array(hosts.map { use in
            .object([("host", .string(use.host)), ("cpus", .integer(Int64(use.cpus))), ("busy_cpus", .integer(Int64(use.busyCPUs))),
                     ("gpus", .integer(Int64(use.gpus))), ("busy_gpus", .real(use.busyGPUs))])
        })
    }
}
