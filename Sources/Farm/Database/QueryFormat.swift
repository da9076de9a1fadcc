/// How `dbtool query` prints rows.
package enum QueryFormat: String, Sendable, CaseIterable {
    /// RFC 4180 CSV with a header row; NULL is an empty field.
    case csv
    /// A JSON array of objects, one per row.
    case json
    /// Aligned columns for reading in a terminal.
    case table
}
