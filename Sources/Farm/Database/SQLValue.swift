import GRDB

/// A value as SQLite stores it. Results travel between ranks in this form so
/// rank 0 never parses a job's JSON a second time.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// The storage of a JSON value: booleans as 0/1, arrays and objects as
    /// JSON text, NaN as NULL (SQLite cannot store NaN).
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .integer(b ? 1 : 0)
        case .integer(let i): self = .integer(i)
        case .real(let d): self = d.isNaN ? .null : .real(d)
        case .string(let s): self = .text(s)
        case .array, .object: self = .text(json.jsonText)
        }
    }

    public var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .integer(let i): return i.databaseValue
        case .real(let d): return d.databaseValue
        case .text(let s): return s.databaseValue
        }
    }

    /// The column type farm declares for a new column first seen with this value.
    public var declaredType: String {
        switch self {
        case .null: return ""
        case .integer: return "INTEGER"
        case .real: return "REAL"
        case .text: return "TEXT"
        }
    }
}
