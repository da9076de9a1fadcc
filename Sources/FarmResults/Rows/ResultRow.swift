/// One result to store: column names with their values, in the order the job
/// printed them. Built from a job's JSON object by `dbtool insert` and by
/// farm's workers alike, so there is one way a result becomes a row.
package struct ResultRow: Sendable, Equatable {
    package var columns: [String]
    package var values: [SQLValue]

    package init(columns: [String] = [], values: [SQLValue] = []) {
        self.columns = columns
        self.values = values
    }

    /// The row of a JSON object; anything else is an error naming its kind.
    package init(json: JSONValue, index: Int = 0) throws(StoreError) {
        guard case .object(let members) = json else {
            throw .notAnObject(index: index, kind: json.kindName)
        }
        columns = members.map(\.key)
        values = members.map { SQLValue($0.value) }
    }

    /// Parses stdin-style text holding one or more JSON objects.
    package static func parseAll(_ bytes: [UInt8]) throws(StoreError) -> [ResultRow] {
        let values: [JSONValue]
        do {
            values = try JSONParser.parseStream(bytes)
        } catch {
            throw .badJSON(index: error.valueIndex, error)
        }
        guard !values.isEmpty else { throw .emptyInput }
        var rows: [ResultRow] = []
        rows.reserveCapacity(values.count)
        for (i, value) in values.enumerated() {
            rows.append(try ResultRow(json: value, index: i))
        }
        return rows
    }

    package mutating func append(_ column: String, _ value: SQLValue) {
        columns.append(column)
        values.append(value)
    }

    /// The row as one JSON object, in column order (how a result that could not be stored is kept).
    package var jsonText: String {
        JSONValue.object(zip(columns, values).map { ($0, $1.json) }).jsonText
    }

    /// Whether the row has `column` (compared as SQLite does, ignoring ASCII case).
    package func has(_ column: String) -> Bool {
        columns.contains { $0.lowercased() == column.lowercased() }
    }
}
