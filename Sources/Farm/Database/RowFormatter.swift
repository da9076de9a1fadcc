import GRDBSQLite

/// Writes the cells of a stepping SQLite statement as CSV, JSON or an aligned table.
struct RowFormatter {
    let format: QueryFormat
    let names: [String]
    private var tableRows: Box<[[String]]> = Box([])

    init(format: QueryFormat, names: [String]) {
        self.format = format
        self.names = names
    }

    final class Box<T> {
        var value: T
        init(_ value: T) { self.value = value }
    }

    func begin(_ out: inout OutputBuffer) {
        switch format {
        case .csv:
            for (i, name) in names.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                RowFormatter.appendCSVText(name, &out)
            }
            out.append(UInt8(ascii: "\n"))
        case .json:
            out.append("[")
        case .table:
            break
        }
    }

    func row(_ statement: OpaquePointer, index: Int, _ out: inout OutputBuffer) {
        switch format {
        case .csv:
            for i in 0..<names.count {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                RowFormatter.appendCSVCell(statement, Int32(i), &out)
            }
            out.append(UInt8(ascii: "\n"))
        case .json:
            out.append(index == 0 ? "\n{" : ",\n{")
            for i in 0..<names.count {
                var text = ""
                if i > 0 { text += "," }
                JSONValue.writeQuoted(names[i], to: &text)
                text += ":"
                text += RowFormatter.jsonCell(statement, Int32(i))
                out.append(text)
            }
            out.append("}")
        case .table:
            tableRows.value.append((0..<names.count).map { RowFormatter.plainCell(statement, Int32($0)) })
        }
    }

    func end(_ out: inout OutputBuffer) {
        switch format {
        case .csv: break
        case .json: out.append("\n]\n")
        case .table:
            let rows = tableRows.value
            var widths = names.map(\.count)
            for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { i, c in c + String(repeating: " ", count: widths[i] - c.count) }
                    .joined(separator: "  ").trimmingTrailingSpace() + "\n"
            }
            out.append(line(names))
            out.append(line(widths.map { String(repeating: "-", count: $0) }))
            for row in rows { out.append(line(row)) }
            out.append("(\(rows.count) row\(rows.count == 1 ? "" : "s"))\n")
        }
    }

    /// The shortest text that reads back as the same Double.
    static func realText(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return d.description
    }

    static func plainCell(_ s: OpaquePointer, _ i: Int32) -> String {
        switch sqlite3_column_type(s, i) {
        case SQLITE_NULL: return ""
        case SQLITE_INTEGER: return String(sqlite3_column_int64(s, i))
        case SQLITE_FLOAT: return realText(sqlite3_column_double(s, i))
        default:
            guard let p = sqlite3_column_text(s, i) else { return "" }
            return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i))), as: UTF8.self)
        }
    }

    static func jsonCell(_ s: OpaquePointer, _ i: Int32) -> String {
        switch sqlite3_column_type(s, i) {
        case SQLITE_NULL: return "null"
        case SQLITE_INTEGER: return String(sqlite3_column_int64(s, i))
        case SQLITE_FLOAT:
            let d = sqlite3_column_double(s, i)
            return d.isFinite ? d.description : "null"
        default:
            var text = ""
            JSONValue.writeQuoted(plainCell(s, i), to: &text)
            return text
        }
    }

    static func appendCSVCell(_ s: OpaquePointer, _ i: Int32, _ out: inout OutputBuffer) {
        switch sqlite3_column_type(s, i) {
        case SQLITE_NULL:
            return
        case SQLITE_INTEGER:
            out.append(String(sqlite3_column_int64(s, i)))
        case SQLITE_FLOAT:
            out.append(realText(sqlite3_column_double(s, i)))
        default:
            let count = Int(sqlite3_column_bytes(s, i))
            guard let p = sqlite3_column_text(s, i) else { return }
            let buffer = UnsafeBufferPointer(start: p, count: count)
            var needsQuotes = count == 0
            for b in buffer where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 0x0A || b == 0x0D {
                needsQuotes = true
                break
            }
            guard needsQuotes else { out.append(buffer); return }
            out.append(UInt8(ascii: "\""))
            for b in buffer {
                if b == UInt8(ascii: "\"") { out.append(b) }
                out.append(b)
            }
            out.append(UInt8(ascii: "\""))
        }
    }

    static func appendCSVText(_ text: String, _ out: inout OutputBuffer) {
        let needsQuotes = text.isEmpty || text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        guard needsQuotes else { out.append(text); return }
        out.append("\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\"")
    }
}
