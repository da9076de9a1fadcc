import GRDB

/// `dbtool summary`: one row per combination of the grouping columns with the
/// statistics of a metric over its replicates, best (smallest mean) first.
package struct ReplicateSummary {
    /// One combination of the grouping columns and its metric's statistics.
    package struct Group: Sendable, Equatable {
        package let values: [SQLValue]
        package let statistics: SampleStatistics
    }

    package let table: String
    package let metric: String
    package let groupColumns: [String]
    /// Sorted by mean (ascending unless `descending`), ties by the group values.
    package let groups: [Group]
    /// Rows whose metric was NULL or not a number, left out of the statistics.
    package let skippedRows: Int

    /// Reads `metric` from `table` (nil: the only table), grouped by `by`
    /// (nil: the sweep's parameters, see `ResultsSource.defaultGroupColumns`).
    package init(
        metric metricName: String, by: String? = nil, table: String? = nil, condition: String? = nil,
        descending: Bool = false, top: Int? = nil, in db: Database
    ) throws {
        if let top, top < 1 { throw AnalysisError.badTop(top) }
        let source = try ResultsSource(table: table, in: db)
        let metric = try source.column(metricName, option: "--metric")
        let groupColumns = try by.map { try source.columns($0, option: "--by") }
            ?? source.defaultGroupColumns(metric: metric, in: db)
        let rows = try source.rows(groupColumns + [metric], condition: condition, in: db)
        guard !rows.isEmpty else { throw AnalysisError.noRows(table: source.table, condition: condition) }

        var order: [[SQLValue]] = []
        var samples: [[SQLValue]: [Double]] = [:]
        var skipped = 0
        for row in rows {
            guard let value = row[groupColumns.count].number, value.isFinite else { skipped += 1; continue }
            let key = Array(row[0..<groupColumns.count])
            if samples[key] == nil { order.append(key) }
            samples[key, default: []].append(value)
        }
        guard !order.isEmpty else {
            throw AnalysisError.noNumericValues(column: metric, table: source.table, condition: condition)
        }
        var groups = order.compactMap { key in SampleStatistics(samples[key] ?? []).map { Group(values: key, statistics: $0) } }
        groups.sort { a, b in
            if a.statistics.mean != b.statistics.mean {
                return descending ? a.statistics.mean > b.statistics.mean : a.statistics.mean < b.statistics.mean
            }
            return ReplicateSummary.valuesSortBefore(a.values, b.values)
        }
        if let top { groups = Array(groups.prefix(top)) }
        self.table = source.table
        self.metric = metric
        self.groupColumns = groupColumns
        self.groups = groups
        skippedRows = skipped
    }

    /// The column names of `rows`: the grouping columns, then the statistics.
    package var header: [String] {
        groupColumns + ["n", "mean", "sd", "min", "median", "max"]
    }

    /// One row of cells per group, in `header`'s order.
    package var rows: [[SQLValue]] {
        groups.map { group in
            let s = group.statistics
            return group.values + [.integer(Int64(s.count)), .real(s.mean), s.sd.map(SQLValue.real) ?? .null,
                                   .real(s.min), .real(s.median), .real(s.max)]
        }
    }

    static func valuesSortBefore(_ a: [SQLValue], _ b: [SQLValue]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            return SQLValue.sortsBefore(x, y)
        }
        return false
    }
}
