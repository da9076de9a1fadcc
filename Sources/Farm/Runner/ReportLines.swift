import Synchronization

/// The reports a fidelity job printed so far, from the loop reading its stdout to the
/// worker, which sends them on as `report` messages each time it looks for an abort.
package final class ReportSink: Sendable {
    private let rows = Mutex<[ResultRow]>([])

    package init() {}

    func put(_ row: ResultRow) {
        rows.withLock { $0.append(row) }
    }

    /// Every report put since the last call, in order.
    package func take() -> [ResultRow] {
        rows.withLock { rows in
            defer { rows.removeAll() }
            return rows
        }
    }
}

/// Splits a fidelity job's stdout into lines as it arrives; a line that is a
/// JSON object carrying the report key is a report. Other lines are the job's
/// own output (progress bars, logs) and are skipped; a line that names the key
/// but is not a JSON object becomes an empty row, which the coordinator counts
/// as a bad report. A line longer than `maxLine` is skipped.
struct ReportLines {
    let key: String
    let sink: ReportSink
    var maxLine = 1 << 20
    private var line: [UInt8] = []
    private var skipping = false
    private let quotedKey: [UInt8]

    init(key: String, sink: ReportSink) {
        self.key = key
        self.sink = sink
        quotedKey = Array("\"\(key)\"".utf8)
    }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: 0x0A) {
            take(chunk[start..<newline])
            endLine()
            start = newline + 1
        }
        take(chunk[start...])
    }

    /// The last line, if the job ended without a newline.
    mutating func finish() {
        endLine()
    }

    private mutating func take(_ bytes: Slice<UnsafeRawBufferPointer>) {
        guard !skipping else { return }
        if line.count + bytes.count > maxLine {
            skipping = true
            line.removeAll()
            return
        }
        line.append(contentsOf: bytes)
    }

    private mutating func endLine() {
        defer {
            line.removeAll(keepingCapacity: true)
            skipping = false
        }
        guard !skipping, let first = line.first(where: { $0 != 0x20 && $0 != 0x09 }), first == 0x7B || first == 0x5B else { return }
        if let value = try? JSONParser.parseOne(line), case .object(let members) = value {
            if members.contains(where: { $0.key == key }), let row = try? ResultRow(json: value) { sink.put(row) }
            return
        }
        if contains(quotedKey) { sink.put(ResultRow()) }
    }

    private func contains(_ needle: [UInt8]) -> Bool {
        guard line.count >= needle.count else { return false }
        for start in 0...(line.count - needle.count) where line[start] == needle[0] {
            if line[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
