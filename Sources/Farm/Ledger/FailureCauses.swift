import Foundation
import GRDB

/// Unfinished tasks' failures grouped by cause, most frequent first, so a
/// sweep where 312 tasks ran out of GPU memory shows "312 × CUDA out of
/// memory" at once. A failure's cause is the last line of its stderr, or
/// farm's own error text when the job printed nothing there.
struct FailureCauses {
    struct Cause: Equatable {
        let text: String
        let count: Int
    }

    let causes: [Cause]

    init(sweep: Int64, in db: Database) throws {
        var counts: [String: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT stderr_tail, error, failure FROM farm_task
            WHERE sweep_id = ? AND failure IS NOT NULL AND state != \(TaskState.done.sql)
            """, arguments: [sweep])
        while let row = try rows.next() {
            counts[FailureCauses.cause(stderr: row[0], error: row[1], failure: row[2]), default: 0] += 1
        }
        causes = counts.map { Cause(text: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.text < $1.text }
    }

    static func cause(stderr: String?, error: String?, failure: String?) -> String {
        if let line = lastLine(of: stderr) { return String(line.prefix(160)) }
        return error ?? failure ?? "unknown"
    }

    static func lastLine(of text: String?) -> String? {
        text?.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
