import Logging

/// Names a job's result for the results table (`ColumnNaming`), with what only the
/// ledger knows: `task_id` is farm's own column, and a parameter the job printed with
/// another value than it ran with keeps farm's value (its column holds what ran, so
/// `summary`, `status --by` and the coverage views agree) while the job's goes beside it.
///
/// It runs on the commit path, so a sweep whose jobs print the same plain keys every
/// time (nearly all) pays one array comparison per result. Each rename is logged once.
final class ResultNamer {
    private let sweep: Sweep
    private let logger: Logger?
    /// Parameter names, lowercased, with their position in the sweep's combinations.
    private let parameterIndex: [String: Int]
    /// The last keys seen, whether they needed no rename, and which of them are parameters.
    private var lastKeys: [String]?
    private var lastKeysArePlain = false
    private var lastParameterKeys: [(key: Int, parameter: Int)] = []
    private var reported = Set<String>()

    static let ownColumns = ["task_id": "task_id is farm's own column"]

    init(sweep: Sweep, logger: Logger?) {
        self.sweep = sweep
        self.logger = logger
        parameterIndex = Dictionary(sweep.names.enumerated().map { ($1.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// `row` of task `index` with its columns named for storage.
    func name(_ row: ResultRow, index: Int) -> ResultRow {
        if row.columns != lastKeys { learn(row.columns) }
        if lastKeysArePlain && lastParameterKeys.isEmpty { return row }
        var reserved = Self.ownColumns
        if !lastParameterKeys.isEmpty {
            let values = sweep.combinations[sweep.address(of: index).combination]
            for (key, parameter) in lastParameterKeys where !Self.same(row.values[key], values[parameter].sqlValue) {
                let name = sweep.names[parameter]
                reserved[name.lowercased()] = "\(name) is a parameter and holds the value the task ran with"
            }
        }
        if lastKeysArePlain && reserved.count == Self.ownColumns.count { return row }
        let (named, renames) = row.namedForStorage(reserved: reserved)
        for rename in renames where reported.insert(rename.key + "\u{0}" + rename.column).inserted {
            logger?.warning("\(rename)")
        }
        return named
    }

    private func learn(_ keys: [String]) {
        lastKeys = keys
        lastKeysArePlain = ColumnNaming.columns(for: keys, reserved: Self.ownColumns).renames.isEmpty
        lastParameterKeys = keys.enumerated().compactMap { i, key in parameterIndex[key.lowercased()].map { (i, $0) } }
    }

    /// Whether a printed value is the parameter's own (a number compares as a number: 25 and 25.0).
    static func same(_ printed: SQLValue, _ parameter: SQLValue) -> Bool {
        if let a = printed.number, let b = parameter.number { return a == b }
        return printed == parameter
    }
}
