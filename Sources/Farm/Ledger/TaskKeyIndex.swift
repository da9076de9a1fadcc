/// The ledger's existing tasks by key, held as two independent 64-bit hashes
/// of the key instead of the key's text: resuming a 1,000,000-task sweep then
/// needs ~40 bytes per task instead of ~130. A key matches only if both hashes
/// do (FNV-1a, and Swift's per-process seeded SipHash), so telling two tasks
/// apart never rests on one 64-bit hash; keys whose first hashes collide are
/// kept side by side.
struct TaskKeyIndex<Value> {
    private struct Entry {
        var check: Int
        var value: Value
    }

    private var primary: [UInt64: Entry] = [:]
    private var overflow: [UInt64: [Entry]] = [:]

    init(capacity: Int = 0) {
        primary.reserveCapacity(capacity)
    }

    mutating func insert(_ value: Value, for key: String) {
        let (hash, check) = TaskKeyIndex.hashes(key)
        if let existing = primary[hash], existing.check != check {
            overflow[hash, default: []].append(Entry(check: check, value: value))
        } else {
            primary[hash] = Entry(check: check, value: value)
        }
    }

    subscript(key: String) -> Value? {
        let (hash, check) = TaskKeyIndex.hashes(key)
        guard let entry = primary[hash] else { return nil }
        if entry.check == check { return entry.value }
        return overflow[hash]?.first { $0.check == check }?.value
    }

    private static func hashes(_ key: String) -> (UInt64, Int) {
        (FNV1a.hash(key), key.hashValue)
    }
}
