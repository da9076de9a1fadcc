import Foundation

/// `farmrun check`: proves that every rank of an allocation can start, reach
/// rank 0 and be answered, before a long sweep relies on it. Each rank sends
/// its host name; rank 0 answers each with `stop` and lists who it heard from.
package enum ClusterCheck {
    /// One rank as rank 0 heard it.
    package struct Member: Sendable, Equatable {
        package var rank: Int
        package var host: String
    }

    /// Rank 0's side: waits for every other rank (at most `timeout` seconds in all).
    package static func gather(_ transport: any Transport, ownHost: String, timeout: Double = 60) throws -> [Member] {
        var members = [Member(rank: transport.rank, host: ownHost)]
        var waiting = Set(transport.workerRanks)
        let deadline = Date(timeIntervalSinceNow: timeout)
        while !waiting.isEmpty {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else {
                throw TransportError("ranks \(waiting.sorted().map(String.init).joined(separator: ", ")) did not answer within \(DurationText.format(timeout)); check the MPI launch (srun --mpi=pmix, or mpirun)")
            }
            guard let envelope = try transport.receive(timeout: min(left, 1)) else { continue }
            guard case .ready(let host, _) = envelope.message else { continue }
            try transport.send(.stop, to: envelope.source)
            waiting.remove(envelope.source)
            members.append(Member(rank: envelope.source, host: host))
        }
        return members.sorted { $0.rank < $1.rank }
    }

    /// A worker rank's side: says hello and waits for rank 0's answer.
    package static func answer(_ transport: any Transport, host: String) throws {
        try transport.send(.ready(host: host), to: 0)
        while true {
            if let envelope = try transport.receive(timeout: 1), case .stop = envelope.message { return }
        }
    }

    /// "3 ranks on 2 hosts: node1 (ranks 0, 1), node2 (rank 2)"
    package static func describe(_ members: [Member]) -> String {
        var byHost: [(host: String, ranks: [Int])] = []
        for member in members {
            if let i = byHost.firstIndex(where: { $0.host == member.host }) {
                byHost[i].ranks.append(member.rank)
            } else {
                byHost.append((member.host, [member.rank]))
            }
        }
        let hosts = byHost.map { entry in
            "\(entry.host) (\(entry.ranks.count == 1 ? "rank" : "ranks") \(entry.ranks.map(String.init).joined(separator: ", ")))"
        }
        return "MPI ok: \(members.count) rank(s) on \(byHost.count) host(s): \(hosts.joined(separator: ", "))\n"
    }
}

extension ClusterCheck {
    /// Runs the check in this process: under MPI every rank takes part and rank 0
    /// returns the report; alone, it says that MPI was not used.
    package static func run(timeout: Double) throws -> String? {
        let host = ProcessInfo.processInfo.hostName
        guard MPITransport.isLaunchedByMPI else {
            return "not started by mpirun or srun: farmrun would run alone with local slots on \(host)\n"
        }
        let mpi = try MPITransport()
        defer { mpi.finalize() }
        if mpi.rank != 0 {
            try answer(mpi, host: host)
            return nil
        }
        return describe(try gather(mpi, ownHost: host, timeout: timeout))
    }
}
