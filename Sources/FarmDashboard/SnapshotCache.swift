import Farm
import Foundation

/// Reads each document at most once per `maxAge`, however many browsers poll it: 200 clients asking for
/// `/api/status` every two seconds cost the farm's database one short read a second. Once a document has
/// been read, a request that finds it stale gets the last copy at once and starts one new read in the
/// background (a slow read on a large ledger never shows as latency); only the very first request of a
/// document waits for its read. A document is read again no sooner than ten times its last read took,
/// so on a ledger of a million tasks, whose status read takes most of a second, the dashboard's reads stay
/// below a tenth of a core.
actor SnapshotCache {
    private struct Entry {
        var current: Snapshot?
        var madeAt: ContinuousClock.Instant
        var refresh: Task<Snapshot, Never>?
        /// How long it stays fresh: `maxAge`, or ten times its last read.
        var lifetime: Duration
    }

    private let maxAge: Duration
    private let capacity: Int
    private var entries: [String: Entry] = [:]

    init(maxAge: Duration = .seconds(1), capacity: Int = 256) {
        self.maxAge = maxAge
        self.capacity = capacity
    }

    func snapshot(_ key: String, make: @escaping @Sendable () async -> Snapshot) async -> Snapshot {
        let now = ContinuousClock.now
        var entry = entries[key] ?? Entry(current: nil, madeAt: now - maxAge, refresh: nil, lifetime: maxAge)
        if entry.refresh == nil && entry.madeAt.duration(to: now) >= entry.lifetime {
            if entries[key] == nil { makeRoom(now: now) }
            entry.madeAt = now
            entry.refresh = Task {
                let started = ContinuousClock.now
                let snapshot = await make()
                finish(key, snapshot, took: started.duration(to: .now))
                return snapshot
            }
            entries[key] = entry
        }
        if let current = entry.current { return current }
        if let refresh = entry.refresh { return await refresh.value }
        return await make()
    }

    private func finish(_ key: String, _ snapshot: Snapshot, took: Duration) {
        entries[key]?.current = snapshot
        entries[key]?.refresh = nil
        entries[key]?.lifetime = max(maxAge, took * 10)
    }

    /// Keeps the number of documents bounded (a chart per choice of axes is one each).
    private func makeRoom(now: ContinuousClock.Instant) {
        guard entries.count >= capacity else { return }
        entries = entries.filter { $0.value.refresh != nil || $0.value.madeAt.duration(to: now) < maxAge * 10 }
        if entries.count >= capacity { entries = entries.filter { $0.value.refresh != nil } }
    }
}
