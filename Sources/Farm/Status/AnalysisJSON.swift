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
    package var json: JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map { $0.isFinite ? .real($0) : .null } ?? .null }
        return .object([
            ("table", .string(table)),
            ("metric", .string(metric)),
            ("group_columns", .array(groupColumns.map { .string($0) })),
            ("skipped_rows", .integer(Int64(skippedRows))),
            ("groups", .array(groups.map { group in
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
