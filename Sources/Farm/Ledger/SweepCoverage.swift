import Foundation
import GRDB

/// Which part of a sweep's parameter space is done: done/total per value of
/// one parameter (or per pair of values of two) for `farmrun status --by`, and
/// the combinations not done yet for `farmrun status --missing`, as CSV or as
/// a sweep file that runs exactly them.
package struct SweepCoverage {
    /// One combination of the chosen parameters and its task counts.
    package struct Cell: Sendable, Equatable {
        package let values: [ParameterValue]
        package let done: Int
        package let total: Int
        /// Tasks early stopping pruned: settled, not missing (unless asked with `--include-pruned`).
        package var pruned = 0
        /// The most failures any unfinished task of this combination has had.
        package let failures: Int
    }

    package let table: String
    package let parameters: [String]
    package let cells: [Cell]
    /// Whether `missing` counts pruned tasks as missing.
    package var includePruned = false

    /// Counts the tasks of the sweep writing `table` by the values of `parameters`.
    package init(sweep: Int64, table: String, spec: SweepSpec, by parameters: [String], in db: Database) throws {
        let names = spec.parameters.map(\.name)
        for name in parameters where !names.contains(name) {
            throw LedgerError("--by \(name): sweep \(table) has no such parameter (parameters: \(names.joined(separator: ", ")))")
        }
        if let twice = parameters.first(where: { name in parameters.filter { $0 == name }.count > 1 }) {
            throw LedgerError("--by \(parameters.joined(separator: ",")): \(twice) is named twice; give one parameter, or two for a grid (e.g. --by t,s)")
        }
        var counts: [[ParameterValue]: (done: Int, total: Int, failures: Int, pruned: Int)] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT params, sum(state = \(TaskState.done.sql)), count(*), max(CASE WHEN state = \(TaskState.done.sql) THEN 0 ELSE failures END), sum(state = \(TaskState.pruned.sql))
            FROM farm_task WHERE sweep_id = ? GROUP BY params
            """, arguments: [sweep])
        while let row = try rows.next() {
            let values = try SweepCoverage.values(of: row[0], names: parameters)
            let (done, total, failures, pruned) = counts[values] ?? (0, 0, 0, 0)
            counts[values] = (done + (row[1] as Int), total + (row[2] as Int), max(failures, row[3] as Int), pruned + (row[4] as Int))
        }
        self.table = table
        self.parameters = parameters
        cells = counts.map {
            var cell = Cell(values: $0.key, done: $0.value.done, total: $0.value.total, failures: $0.value.failures)
            cell.pruned = $0.value.pruned
            return cell
        }
            .sorted { SweepCoverage.sortsBefore($0.values, $1.values) }
    }

    /// Every combination of all parameters with at least one replicate not done (nor pruned,
    /// unless `includePruned`), each with its missing count.
    package var missing: [Cell] {
        cells.filter { $0.done + (includePruned ? 0 : $0.pruned) < $0.total }
    }

    /// The tasks of `cell` that `missing` counts.
    package func missingCount(_ cell: Cell) -> Int {
        cell.total - cell.done - (includePruned ? 0 : cell.pruned)
    }

    /// One line per value (one parameter), or a grid of done/total (two parameters).
    package var text: String {
        if parameters.count == 2 { return grid }
        let labels = cells.map { $0.values.map(\.description).joined(separator: ", ") }
        let heading = parameters.joined(separator: ", ")
        let width = max(heading.count, labels.map(\.count).max() ?? 0)
        var text = "  \(heading.padding(toLength: width, withPad: " ", startingAt: 0))  done/total\n"
        for (label, cell) in zip(labels, cells) {
            let counts = "\(cell.done)/\(cell.total)"
            text += "  \(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(counts.padding(toLength: 10, withPad: " ", startingAt: 0)) "
                + ProgressBar.text(done: cell.done, failed: 0, total: cell.total, width: 20) + (cell.pruned > 0 ? " \(cell.pruned) pruned" : "") + "\n"
        }
        return text
    }

    private var grid: String {
        let rows = Axis.distinctParameterValues(cells.map { $0.values[0] })
        let columns = Axis.distinctParameterValues(cells.map { $0.values[1] })
        var lookup: [[ParameterValue]: Cell] = [:]
        for cell in cells { lookup[cell.values] = cell }
        let corner = "\(parameters[0]) \\ \(parameters[1])"
        var table = [[corner] + columns.map(\.description)]
        for row in rows {
            table.append([row.description] + columns.map { column in
                lookup[[row, column]].map { "\($0.done)/\($0.total)" } ?? "-"
            })
        }
        let widths = (0..<table[0].count).map { i in table.map { $0[i].count }.max() ?? 0 }
        return table.map { line in
            "  " + line.enumerated().map { i, cell in
                i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                       : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ") + "\n"
        }.joined()
    }

    static func values(of params: String, names: [String]) throws -> [ParameterValue] {
        guard case .object(let members) = try JSONParser.parseOne(Array(params.utf8)) else { return [] }
        return names.map { name in
            members.first { $0.key == name }.flatMap { ParameterValue(json: $0.value) } ?? .text("")
        }
    }

    static func sortsBefore(_ a: [ParameterValue], _ b: [ParameterValue]) -> Bool {
        ReplicateSummary.valuesSortBefore(a.map(\.sqlValue), b.map(\.sqlValue))
    }
}

extension Axis {
    static func distinctParameterValues(_ values: [ParameterValue]) -> [ParameterValue] {
        Array(Set(values)).sorted { SQLValue.sortsBefore($0.sqlValue, $1.sqlValue) }
    }
}
