/// A value as SQLite stores it. Results travel between ranks in this form so
/// rank 0 never parses a job's JSON a second time.
package enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// The storage of a JSON value: booleans as 0/1, arrays and objects as
    /// JSON text, NaN as NULL (SQLite cannot store NaN).
    package init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .integer(b ? 1 : 0)
        case .integer(let i): self = .integer(i)
        case .real(let d): self = d.isNaN ? .null : .real(d)
        case .string(let s): self = .text(s)
        case .array, .object: self = .text(json.jsonText)
        }
    }

    /// The column type farm declares for a new column first seen with this value.
    package var declaredType: String {
        switch self {
        case .null: return ""
        case .integer: return "INTEGER"
        case .real: return "REAL"
        case .text: return "TEXT"
        }
    }
}

extension SQLValue {
    /// The value as JSON (text stays a string, also text that holds JSON).
    package var json: JSONValue {
        switch self {
        case .null: return .null
        case .integer(let i): return .integer(i)
        case .real(let d): return .real(d)
        case .text(let s): return .string(s)
        }
    }

    /// The value as a number, if it is one.
    package var number: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        case .null, .text: return nil
        }
    }

    /// The value as a person reads it: integers as written, reals in their
    /// shortest exact form, NULL as the empty string.
    package var text: String {
        switch self {
        case .null: return ""
        case .integer(let i): return String(i)
        case .real(let d): return d.isFinite ? d.description : (d.isNaN ? "NaN" : (d < 0 ? "-inf" : "inf"))
        case .text(let s): return s
        }
    }

    /// SQLite's own order: NULL, then numbers by value, then text.
    package static func sortsBefore(_ a: SQLValue, _ b: SQLValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return false
        case (.null, _): return true
        case (_, .null): return false
        case (.text(let x), .text(let y)): return x < y
        case (.text, _): return false
        case (_, .text): return true
        default: return (a.number ?? 0) < (b.number ?? 0)
        }
    }
}
