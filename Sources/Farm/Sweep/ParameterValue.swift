/// One value a sweep parameter takes: a whole number, a real or a string.
package enum ParameterValue: Sendable, Hashable, CustomStringConvertible {
    case integer(Int64)
    case real(Double)
    case text(String)

    /// Reads a value as a user wrote it: a whole number, a real, else text.
    package init(parsing text: String) {
        if let i = Int64(text) {
            self = .integer(i)
        } else if let d = Double(text), d.isFinite, text.first.map({ $0.isNumber || $0 == "-" || $0 == "." || $0 == "+" }) == true {
            self = .real(d)
        } else {
            self = .text(text)
        }
    }

    /// The text that replaces `{name}` in a command.
    package var description: String {
        switch self {
        case .integer(let i): return String(i)
        case .real(let d): return ParameterValue.shortest(d)
        case .text(let s): return s
        }
    }

    /// The value stored in a results column.
    package var sqlValue: SQLValue {
        switch self {
        case .integer(let i): return .integer(i)
        case .real(let d): return .real(d)
        case .text(let s): return .text(s)
        }
    }

    /// The value as JSON (used in task keys and the ledger).
    package var json: JSONValue {
        switch self {
        case .integer(let i): return .integer(i)
        case .real(let d): return .real(d)
        case .text(let s): return .string(s)
        }
    }

    /// A JSON value from the ledger back as a parameter value.
    package init?(json: JSONValue) {
        switch json {
        case .integer(let i): self = .integer(i)
        case .real(let d): self = .real(d)
        case .string(let s): self = .text(s)
        case .bool(let b): self = .integer(b ? 1 : 0)
        default: return nil
        }
    }

    /// The shortest decimal text of a real: 0.1 rather than 0.1000000000000000055.
    static func shortest(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) + ".0" }
        return d.description
    }

    /// The numeric value, for arithmetic in `where`.
    var number: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        case .text: return nil
        }
    }
}
