import Foundation

/// Reads each document at most once per `maxAge`, however many browsers poll it: 200 clients asking for
/// `/api/status` every two seconds cost the farm's database one short read a second. Requests that arrive
/// while a document is being read wait for that read instead of starting their own.
actor SnapshotCache {
    private struct Entry {
        let task: Task<Snapshot, Never>
        let madeAt: ContinuousClock.Instant
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
        if let entry = entries[key], entry.madeAt.duration(to: now) < maxAge {
            return await entry.task.value
        }
        if entries.count >= capacity {
            entries = entries.filter { $0.value.madeAt.duration(to: now) < maxAge }
            if entries.count >= capacity { entries.removeAll() }
        }
        let task = Task { await make() }
        entries[key] = Entry(task: task, madeAt: now)
        return await task.value
    }
}
