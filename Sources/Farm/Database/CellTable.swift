import Foundation

/// Prints computed rows (not a statement's) in `dbtool query`'s formats, so
/// `summary` output reads and parses like `query` output: CSV with a header,
/// a JSON array of objects, or aligned columns with reals to 6 digits.
package struct CellTable {
    package let header: [String]
    package let rows: [[SQLValue]]

    package init(header: [String], rows: [[SQLValue]]) {
        self.header = header
        self.rows = rows
    }

    package func text(_ format: QueryFormat) -> String {
        switch format {
        case .csv:
            var bytes: [UInt8] = []
            var out = OutputBuffer { bytes.append(contentsOf: $0) }
            out.append(header.map(CellTable.csvField).joined(separator: ",") + "\n")
            for row in rows {
                out.append(row.map { cell in
                    if case .text(let s) = cell { return CellTable.csvField(s) }
                    return cell.text
                }.joined(separator: ",") + "\n")
            }
            out.flush()
            return String(decoding: bytes, as: UTF8.self)
        case .json:
            let objects = rows.map { row in
                JSONValue.object(zip(header, row).map { name, cell in
                    switch cell {
                    case .null: return (name, .null)
                    case .integer(let i): return (name, .integer(i))
                    case .real(let d): return (name, d.isFinite ? .real(d) : .null)
                    case .text(let s): return (name, .string(s))
                    }
                }).jsonText
            }
            return "[" + (objects.isEmpty ? "" : "\n" + objects.joined(separator: ",\n")) + "\n]\n"
        case .table:
            let cells = rows.map { $0.map(CellTable.readable) }
            var widths = header.map(\.count)
            for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
            let numeric = header.indices.map { i in rows.allSatisfy { $0[i].number != nil || $0[i] == .null } && !rows.isEmpty }
            func line(_ items: [String]) -> String {
                items.enumerated().map { i, c in
                    let pad = String(repeating: " ", count: widths[i] - c.count)
                    return numeric[i] ? pad + c : c + pad
                }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
            }
            var text = line(header) + line(widths.map { String(repeating: "-", count: $0) })
            for row in cells { text += line(row) }
            return text + "(\(rows.count) row\(rows.count == 1 ? "" : "s"))\n"
        }
    }

    static func csvField(_ text: String) -> String {
        var bytes: [UInt8] = []
        var out = OutputBuffer { bytes.append(contentsOf: $0) }
        RowFormatter.appendCSVText(text, &out)
        out.flush()
        return String(decoding: bytes, as: UTF8.self)
    }

    static func readable(_ cell: SQLValue) -> String {
        if case .real(let d) = cell, d.isFinite { return String(format: "%.6g", d) }
        return cell.text
    }
}
