import FarmResults
import GRDB

/// `SQLValue` to and from GRDB's `DatabaseValue` (the ledger and the read side).
extension SQLValue {
    package var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .integer(let i): return i.databaseValue
        case .real(let d): return d.databaseValue
        case .text(let s): return s.databaseValue
        }
    }

    /// The value of a cell read back from SQLite (blobs as their UTF-8 text).
    package init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let i): self = .integer(i)
        case .double(let d): self = .real(d)
        case .string(let s): self = .text(s)
        case .blob(let data): self = .text(String(decoding: data, as: UTF8.self))
        }
    }
}

extension SQLValue {
    /// The value as a sweep parameter's value (nil for NULL).
    package var parameterValue: ParameterValue? {
        switch self {
        case .null: return nil
        case .integer(let i): return .integer(i)
        case .real(let d): return .real(d)
        case .text(let s): return .text(s)
        }
    }
}
