/// `farmrun status --missing`: the combinations of a sweep that are not done,
/// as CSV (one row per combination with how many replicates are missing) or
/// as a sweep file that runs exactly them. Run on the same database, that
/// file's tasks are the same tasks, so only what is missing runs.
package enum MissingSweep {
    /// How `--missing` prints.
    package enum Format: String, Sendable, CaseIterable {
        case yaml, csv
    }

    package static func csv(_ coverage: SweepCoverage) -> String {
        let header = coverage.parameters + ["missing_replicates"]
        let rows = coverage.missing.map { cell in cell.values.map(\.sqlValue) + [.integer(Int64(coverage.missingCount(cell)))] }
        return CellTable(header: header, rows: rows).text(.csv)
    }

    package static func yaml(_ coverage: SweepCoverage, spec: SweepSpec) throws -> String {
        let missing = coverage.missing
        let tasks = missing.reduce(0) { $0 + coverage.missingCount($1) }
        var text = "# \(missing.count) combination\(missing.count == 1 ? "" : "s") of sweep \(coverage.table) not done (\(tasks) task\(tasks == 1 ? "" : "s")).\n"
        text += "# Run it on the same database: done replicates are kept, only these run.\n"
        guard !missing.isEmpty else { return text + "# Nothing is missing.\n" }
        text += "command: " + JSONValue.array(spec.command.map { .string($0) }).jsonText + "\n"
        text += "table: \(spec.table)\n"
        text += "parameters:\n"
        for (i, name) in coverage.parameters.enumerated() {
            let values = Axis.distinctParameterValues(missing.map { $0.values[i] })
            text += "  \(name): " + JSONValue.array(values.map(\.json)).jsonText + "\n"
        }
        if missing.count < coverage.cells.count {
            let combinations = try missing.map { cell in
                try "(" + zip(coverage.parameters, cell.values).map { name, value in try "\(name) == \(literal(value))" }.joined(separator: " and ") + ")"
            }
            text += "where: " + JSONValue.string(combinations.joined(separator: " or ")).jsonText + "\n"
        }
        text += "replicates: \(spec.replicates)\n"
        if let timeout = spec.timeout { text += "timeout: \(ParameterValue.shortest(timeout))s\n" }
        // A failed task runs again while its failures of each class stay within the budget: give each
        // one more try. (A task quarantined as lost is left so: it killed its rank each time it ran.)
        let failures = missing.map(\.failures).max() ?? 0
        let retries = spec.retries.raised(to: failures)
        if retries != spec.retries {
            text += "# retries raised from \(spec.retries) so that failed tasks get one more try\n"
        }
        text += "retries: \(retries)\n"
        return text
    }

    /// A value as the `where` language writes it.
    static func literal(_ value: ParameterValue) throws -> String {
        switch value {
        case .integer, .real: return value.description
        case .text(let s):
            if !s.contains("\"") { return "\"\(s)\"" }
            if !s.contains("'") { return "'\(s)'" }
            throw LedgerError("value \(s) holds both kinds of quote and cannot be written in a where; use --missing csv")
        }
    }
}
