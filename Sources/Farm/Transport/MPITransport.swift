import CMPI
import Foundation

/// Messages between MPI ranks over OpenMPI (Sources/CMPI).
///
/// MPI is initialised with `MPI_THREAD_FUNNELED` and called from the thread
/// that created this transport only (the process's main thread). Waiting is
/// `MPI_Iprobe` with short sleeps that back off to 1 ms, so a waiting rank
/// does not busy-spin a core that jobs need (OpenMPI's blocking calls poll at
/// full speed when ranks outnumber cores).
public final class MPITransport: Transport {
    public let rank: Int
    public let size: Int
    /// Extra local endpoints (rank 0's own slots), merged into `receive`.
    private let local: InProcessTransport?
    public let workerRanks: [Int]
    private static let tag: Int32 = 7

    /// Whether this process was started by `mpirun`/`srun --mpi=pmix` (so MPI can be initialised).
    public static var isLaunchedByMPI: Bool {
        let env = ProcessInfo.processInfo.environment
        return env["OMPI_COMM_WORLD_SIZE"] != nil || env["PMIX_RANK"] != nil || env["PMI_RANK"] != nil
    }

    /// Initialises MPI. `local` adds in-process slots to rank 0's workers.
    public init(localSlots: InProcessNetwork? = nil) throws {
        var provided: Int32 = 0
        let rc = MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided)
        guard rc == MPI_SUCCESS else { throw TransportError("MPI_Init_thread failed (code \(rc)); start farmrun with mpirun or srun --mpi=pmix") }
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(MPI_COMM_WORLD, &r)
        MPI_Comm_size(MPI_COMM_WORLD, &s)
        rank = Int(r)
        size = Int(s)
        if rank == 0 {
            local = localSlots?.endpoint(0)
            workerRanks = Array(1..<max(1, size)) + (localSlots?.workerRanks ?? [])
        } else {
            local = nil
            workerRanks = []
        }
    }

    /// Shuts MPI down; call once, after the last message.
    public func finalize() {
        MPI_Finalize()
    }

    /// Ends every rank at once (used when the coordinator fails hard).
    public func abort(code: Int32) -> Never {
        MPI_Abort(MPI_COMM_WORLD, code)
        exit(code)
    }

    public func send(_ message: Message, to destination: Int) throws {
        if destination >= size, let local {
            try local.send(message, to: destination)
            return
        }
        var bytes = MessageCoding.encode(message)
        let rc = bytes.withUnsafeMutableBytes { buffer in
            MPI_Send(buffer.baseAddress, Int32(buffer.count), MPI_BYTE, Int32(destination), MPITransport.tag, MPI_COMM_WORLD)
        }
        guard rc == MPI_SUCCESS else { throw TransportError("MPI_Send to rank \(destination) failed (code \(rc))") }
    }

    public func receive(timeout: Double) throws -> Envelope? {
        let start = DispatchTime.now().uptimeNanoseconds
        let limit = UInt64(max(0, timeout) * 1e9)
        var pause: UInt32 = 20  // microseconds
        while true {
            if let envelope = try probe() { return envelope }
            if let local, let envelope = try local.receive(timeout: 0) { return envelope }
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            if elapsed >= limit { return nil }
            let remaining = UInt32(min(UInt64(pause), (limit - elapsed) / 1000 + 1))
            if let local {
                // Sleep on the local mailbox, so a local slot's message wakes us at once.
                if let envelope = try local.receive(timeout: Double(remaining) / 1e6) { return envelope }
            } else {
                usleep(remaining)
            }
            pause = min(pause * 2, 1000)
        }
    }

    private func probe() throws -> Envelope? {
        var flag: Int32 = 0
        var status = MPI_Status()
        MPI_Iprobe(MPI_ANY_SOURCE, MPITransport.tag, MPI_COMM_WORLD, &flag, &status)
        guard flag != 0 else { return nil }
        var count: Int32 = 0
        MPI_Get_count(&status, MPI_BYTE, &count)
        var bytes = [UInt8](repeating: 0, count: Int(count))
        let source = status.MPI_SOURCE
        let rc = bytes.withUnsafeMutableBytes { buffer in
            MPI_Recv(buffer.baseAddress, count, MPI_BYTE, source, MPITransport.tag, MPI_COMM_WORLD, nil)
        }
        guard rc == MPI_SUCCESS else { throw TransportError("MPI_Recv from rank \(source) failed (code \(rc))") }
        return Envelope(source: Int(source), message: try MessageCoding.decode(bytes))
    }
}
