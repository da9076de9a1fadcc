/// Collects a job's stdout up to a limit (a result is small; a job that
/// prints a gigabyte must not exhaust the worker's memory) and notes overflow.
struct BoundedCapture {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    private(set) var total = 0

    init(limit: Int) {
        self.limit = limit
    }

    var overflowed: Bool { total > limit }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        total += chunk.count
        let room = limit - bytes.count
        guard room > 0 else { return }
        bytes.append(contentsOf: chunk.prefix(room))
    }
}

/// Keeps only the last `capacity` bytes of a stream (a job's stderr tail).
struct TailCapture {
    let capacity: Int
    private var buffer: [UInt8] = []
    private(set) var total = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        total += chunk.count
        if chunk.count >= capacity {
            buffer = Array(chunk.suffix(capacity))
            return
        }
        buffer.append(contentsOf: chunk)
        if buffer.count > 2 * capacity { buffer.removeFirst(buffer.count - capacity) }
    }

    /// The tail as text (invalid UTF-8 replaced), starting at a line boundary when one is near.
    var text: String {
        var tail = buffer.count > capacity ? Array(buffer.suffix(capacity)) : buffer
        if total > tail.count, let newline = tail.firstIndex(of: 0x0A), newline < tail.count / 4 {
            tail.removeFirst(newline + 1)
        }
        return String(decoding: tail, as: UTF8.self)
    }
}
