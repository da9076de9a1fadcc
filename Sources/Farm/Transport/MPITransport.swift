import CMPI
import Foundation

/// Messages between MPI ranks over OpenMPI (Sources/CMPI).
///
/// libmpi is opened when the first transport is made, not linked, so the
/// processes that never use MPI (`dbtool`, `farmrun --jobs`) start without it.
/// MPI is initialised with `MPI_THREAD_FUNNELED` and called from the thread
/// that created this transport only (the process's main thread). Waiting is
/// `MPI_Iprobe` with short sleeps that back off to 1 ms, so a waiting rank
/// does not busy-spin a core that jobs need (OpenMPI's blocking calls poll at
/// full speed when ranks outnumber cores). A wait starts at half the sleep
/// after which the previous MPI message was found: messages that come every
/// 0.7 ms are not looked for at 20, 40, 80… µs each time, and a burst brings
/// the first sleep back to 20 µs within a few messages.
///
/// A worker rank may serve several slots (see `SlotRelay`): every message
/// carries the worker-side slot it is for or from, and rank 0 addresses slot
/// `k` of rank `r` as `SlotAddress.id(rank: r, slot: k)` (slot 0 is `r`).
package final class MPITransport: Transport {
    package let rank: Int
    package let size: Int
    /// Extra local endpoints (rank 0's own slots, or a worker rank's relayed slots), merged into `receive`.
    private var local: InProcessTransport?
    package private(set) var workerRanks: [Int]
    private static let tag: Int32 = 7
    /// libmpi's calls and handles (loaded by `init`).
    private let mpi: farm_mpi_api
    /// The first sleep of the next wait, in microseconds (see the type's comment).
    private var firstPause: UInt32 = MPITransport.shortestPause
    private static let shortestPause: UInt32 = 20
    private static let longestPause: UInt32 = 1000

    /// Whether this process was started by `mpirun`/`srun --mpi=pmix` (so MPI can be initialised).
    package static var isLaunchedByMPI: Bool { isLaunchedByMPI(environment: ProcessInfo.processInfo.environment) }

    /// Whether `environment` is one an MPI launcher (mpirun, srun --mpi=pmix) gives its ranks.
    package static func isLaunchedByMPI(environment env: [String: String]) -> Bool {
        env["OMPI_COMM_WORLD_SIZE"] != nil || env["PMIX_RANK"] != nil || env["PMI_RANK"] != nil
    }

    /// Initialises MPI.
    package init() throws {
        var mpi = farm_mpi_api()
        if let failure = farm_mpi_load(&mpi) {
            throw TransportError("cannot load OpenMPI: \(String(cString: failure)); install openmpi-bin (or load your cluster's OpenMPI module) so that \(FARM_MPI_LIBRARY) is found")
        }
        self.mpi = mpi
        var provided: Int32 = 0
        let rc = mpi.init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided)
        guard rc == MPI_SUCCESS else { throw TransportError("MPI_Init_thread failed (code \(rc)); start farmrun with mpirun or srun --mpi=pmix") }
        var r: Int32 = 0, s: Int32 = 0
        _ = mpi.comm_rank(mpi.comm_world, &r)
        _ = mpi.comm_size(mpi.comm_world, &s)
        rank = Int(r)
        size = Int(s)
        local = nil
        workerRanks = rank == 0 ? Array(1..<max(1, size)) : []
    }

    /// Merges in-process slots into this endpoint: on rank 0 its own slots (workers too), on a
    /// worker rank the slots its `SlotRelay` serves. Call before the first message.
    package func attach(localSlots: InProcessNetwork) {
        local = localSlots.endpoint(0)
        if rank == 0 { workerRanks += localSlots.workerRanks }
    }

    /// Shuts MPI down; call once, after the last message.
    package func finalize() {
        _ = mpi.finalize()
    }

    /// Ends every rank at once (used when the coordinator fails hard).
    package func abort(code: Int32) -> Never {
        _ = mpi.abort(mpi.comm_world, code)
        exit(code)
    }

    package func send(_ message: Message, to destination: Int) throws {
        if destination >= SlotAddress.localBase, let local {
            try local.send(message, to: destination)
            return
        }
        try send(message, toRank: SlotAddress.rank(of: destination), slot: SlotAddress.slot(of: destination))
    }

    /// Sends `message` over MPI to `rank`, for (or from) the worker-side slot `slot`.
    package func send(_ message: Message, toRank rank: Int, slot: Int) throws {
        var w = ByteWriter()
        w.u32(UInt32(slot))
        var bytes = w.bytes + MessageCoding.encode(message)
        let rc = bytes.withUnsafeMutableBytes { buffer in
            mpi.send(buffer.baseAddress, Int32(buffer.count), mpi.byte, Int32(rank), MPITransport.tag, mpi.comm_world)
        }
        guard rc == MPI_SUCCESS else { throw TransportError("MPI_Send to rank \(rank) failed (code \(rc))") }
    }

    /// What a slot relay receives: a message from rank 0 for one of its slots, or one of its slots' messages.
    package enum Frame {
        case fromCoordinator(slot: Int, message: Message)
        case fromSlot(Envelope)
    }

    /// The next message from MPI (for slot `slot`) or from the local slots, waiting at most `timeout` seconds.
    package func receiveFrame(timeout: Double) throws -> Frame? {
        try wait(timeout: timeout) {
            if let (source, slot, message) = try probe() {
                return source == 0 && rank != 0 ? .fromCoordinator(slot: slot, message: message)
                    : .fromSlot(Envelope(source: SlotAddress.id(rank: source, slot: slot), message: message))
            }
            return nil
        }
    }

    package func receive(timeout: Double) throws -> Envelope? {
        switch try receiveFrame(timeout: timeout) {
        case .fromSlot(let envelope)?: return envelope
        case .fromCoordinator(let slot, let message)?: return Envelope(source: SlotAddress.id(rank: 0, slot: slot), message: message)
        case nil: return nil
        }
    }

    private func wait(timeout: Double, probe: () throws -> Frame?) throws -> Frame? {
        let start = DispatchTime.now().uptimeNanoseconds
        let limit = UInt64(max(0, timeout) * 1e9)
        var pause = firstPause  // microseconds
        while true {
            if let frame = try probe() {
                // The next wait starts at half the sleep after which this one found an MPI message
                // (a local slot's message wakes the wait at once, and says nothing of MPI's pace).
                firstPause = max(MPITransport.shortestPause, pause / 2)
                return frame
            }
            if let local, let envelope = try local.receive(timeout: 0) { return .fromSlot(envelope) }
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            if elapsed >= limit { return nil }
            let remaining = UInt32(min(UInt64(pause), (limit - elapsed) / 1000 + 1))
            if let local {
                // Sleep on the local mailbox, so a local slot's message wakes us at once.
                if let envelope = try local.receive(timeout: Double(remaining) / 1e6) { return .fromSlot(envelope) }
            } else {
                usleep(remaining)
            }
            pause = min(pause * 2, MPITransport.longestPause)
        }
    }

    private func probe() throws -> (source: Int, slot: Int, message: Message)? {
        var flag: Int32 = 0
        var status = MPI_Status()
        _ = mpi.iprobe(MPI_ANY_SOURCE, MPITransport.tag, mpi.comm_world, &flag, &status)
        guard flag != 0 else { return nil }
        var count: Int32 = 0
        _ = mpi.get_count(&status, mpi.byte, &count)
        var bytes = [UInt8](repeating: 0, count: Int(count))
        let source = status.MPI_SOURCE
        let rc = bytes.withUnsafeMutableBytes { buffer in
            mpi.recv(buffer.baseAddress, count, mpi.byte, source, MPITransport.tag, mpi.comm_world, nil)
        }
        guard rc == MPI_SUCCESS else { throw TransportError("MPI_Recv from rank \(source) failed (code \(rc))") }
        var reader = ByteReader(bytes: Array(bytes.prefix(4)))
        let slot = Int(try reader.u32())
        return (Int(source), slot, try MessageCoding.decode(Array(bytes.dropFirst(4))))
    }
}
