/// Ends every worker cleanly when the coordinator cannot run a sweep at all
/// (bad sweep, lease held): each worker's first message is answered with
/// `stop`, so no rank is left waiting and MPI finalizes normally.
package enum WorkerShutdown {
    package static func stopAll(_ transport: any Transport) throws {
        var waiting = Set(transport.workerRanks)
        while !waiting.isEmpty {
            guard let envelope = try transport.receive(timeout: 1) else { continue }
            switch envelope.message {
            case .ready, .outcome:
                try transport.send(.stop, to: envelope.source)
                waiting.remove(envelope.source)
            default:
                continue
            }
        }
    }
}
