/// The analysis models (`SweepCoverage`, `ReplicateSummary`) as JSON, for the dashboard's Coverage and Results
/// pages: values stay typed, so the page sorts numbers as numbers.
extension SweepCoverage {
    package var json: JSONValue {
        .object([
            ("table", .string(table)),
            ("parameters", .array(parameters.map { .string($0) })),
            ("cells", .array(cells.map { cell in
                .object([
                    ("values", .array(cell.values.map(\.json))),
                    ("done", .integer(Int64(cell.done))), ("total", .integer(Int64(cell.total))),
                    ("pruned", .integer(Int64(cell.pruned))), ("failures", .integer(Int64(cell.failures))),
                ])
            })),
        ])
    }
}

extension ReplicateSummary {
    package var json: JSONValue { json(limit: nil) }

    /// The first `limit` groups (best first) and how many there are in all (`configurations`).
    package func json(limit: Int?) -> JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map { $0.isFinite ? .real($0) : .null } ?? .null }
        return .object([
            ("table", .string(table)),
            ("metric", .string(metric)),
            ("group_columns", .array(groupColumns.map { .string($0) })),
            ("skipped_rows", .integer(Int64(skippedRows))),
            ("configurations", .integer(Int64(groups.count))),
            ("groups", .array(groups.prefix(limit ?? groups.count).map { group in
                .object([
                    ("values", .array(group.values.map(\.json))),
                    ("n", .integer(Int64(group.statistics.count))),
                    ("mean", number(group.statistics.mean)), ("sd", number(group.statistics.sd)),
                    ("min", number(group.statistics.min)), ("median", number(group.statistics.median)),
                    ("max", number(group.statistics.max)),
                ])
            })),
        ])
    }
}

extension SearchStatus {
    /// The dashboard's search section (`/api/search`): decisions per rung, the best configurations so far and
    /// the compute spent, as `farmrun status` prints them for a fidelity sweep.
    package func json(table: String) -> JSONValue {
        .object([
            ("table", .string(table)),
            ("fidelity", .string(fidelity)),
            ("metric", metric.map { .object([("name", .string($0.name)), ("goal", .string($0.goal.rawValue))]) } ?? .null),
            ("running", .integer(Int64(running))),
            ("rungs", .array(rungs.map { .object([("value", .string($0.value)), ("continued", .integer(Int64($0.continued))),
                                                  ("pruned", .integer(Int64($0.pruned)))]) })),
            ("best", .array(best.map { c in
                .object([("parameters", StatusDocument.parameters(c.parameters)), ("reached", .string(c.reached)),
                         ("metric", c.metric.isFinite ? .real(c.metric) : .null), ("replicates", .integer(Int64(c.replicates)))])
            })),
            ("bad_reports", .integer(Int64(badReports))),
            ("tasks_with_bad_reports", .integer(Int64(tasksWithBadReports))),
            ("compute", .object([("spent", .real(spent)), ("full_fidelity", .real(fullFidelity)), ("grid", .real(grid))])),
        ])
    }
}
