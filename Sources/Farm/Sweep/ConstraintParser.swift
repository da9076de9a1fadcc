/// A recursive-descent parser for `Constraint`.
struct ConstraintParser {
    enum Token: Equatable {
        case number(Double), string(String), name(String), op(String), open, close
    }

    let source: String
    private var tokens: [(Token, Int)] = []
    private var position = 0
    private var tokenizeError: SweepError?

    init(source: String) {
        self.source = source
        do { tokens = try ConstraintParser.tokenize(source) } catch { tokenizeError = error }
    }

    var atEnd: Bool { position >= tokens.count }

    var currentText: String {
        guard position < tokens.count else { return "end of condition" }
        switch tokens[position].0 {
        case .number(let d): return "number \(d)"
        case .string(let s): return "string \"\(s)\""
        case .name(let n): return "'\(n)'"
        case .op(let o): return "'\(o)'"
        case .open: return "'('"
        case .close: return "')'"
        }
    }

    func error(_ message: String) -> SweepError {
        SweepError("where \"\(source)\" is not a valid condition: \(message); write e.g. s < t and e % 50 == 0")
    }

    static func tokenize(_ source: String) throws(SweepError) -> [(Token, Int)] {
        var tokens: [(Token, Int)] = []
        let chars = Array(source)
        var i = 0
        func fail(_ m: String) -> SweepError {
            SweepError("where \"\(source)\" is not a valid condition: \(m); write e.g. s < t and e % 50 == 0")
        }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                while i < chars.count && (chars[i].isNumber || chars[i] == "." || chars[i] == "e" || chars[i] == "E"
                    || ((chars[i] == "-" || chars[i] == "+") && (chars[i - 1] == "e" || chars[i - 1] == "E"))) { i += 1 }
                let text = String(chars[start..<i])
                guard let d = Double(text) else { throw fail("bad number \(text)") }
                tokens.append((.number(d), start))
            } else if c.isLetter || c == "_" {
                while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "_") { i += 1 }
                let word = String(chars[start..<i])
                switch word.lowercased() {
                case "and", "or", "not": tokens.append((.op(word.lowercased()), start))
                default: tokens.append((.name(word), start))
                }
            } else if c == "\"" || c == "'" {
                i += 1
                var text = ""
                while i < chars.count && chars[i] != c { text.append(chars[i]); i += 1 }
                guard i < chars.count else { throw fail("a string is not closed") }
                i += 1
                tokens.append((.string(text), start))
            } else if c == "(" {
                tokens.append((.open, start)); i += 1
            } else if c == ")" {
                tokens.append((.close, start)); i += 1
            } else {
                let two = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
                switch two {
                case "<=", ">=", "==", "!=": tokens.append((.op(two), start)); i += 2; continue
                case "&&": tokens.append((.op("and"), start)); i += 2; continue
                case "||": tokens.append((.op("or"), start)); i += 2; continue
                default: break
                }
                switch c {
                case "<", ">", "+", "-", "*", "/", "%": tokens.append((.op(String(c)), start))
                case "=": tokens.append((.op("=="), start))
                case "!": tokens.append((.op("not"), start))
                default: throw fail("unexpected character '\(c)'")
                }
                i += 1
            }
        }
        return tokens
    }

    private var current: Token? { position < tokens.count ? tokens[position].0 : nil }

    private mutating func take(_ ops: Set<String>) -> String? {
        if case .op(let o)? = current, ops.contains(o) { position += 1; return o }
        return nil
    }

    mutating func parseExpression() throws(SweepError) -> Constraint.Node {
        if let tokenizeError { throw tokenizeError }
        guard !tokens.isEmpty else { throw error("it is empty") }
        return try parseOr()
    }

    private mutating func parseOr() throws(SweepError) -> Constraint.Node {
        var node = try parseAnd()
        while let op = take(["or"]) { node = .binary(op, node, try parseAnd()) }
        return node
    }

    private mutating func parseAnd() throws(SweepError) -> Constraint.Node {
        var node = try parseNot()
        while let op = take(["and"]) { node = .binary(op, node, try parseNot()) }
        return node
    }

    private mutating func parseNot() throws(SweepError) -> Constraint.Node {
        if take(["not"]) != nil { return .unary("not", try parseNot()) }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(SweepError) -> Constraint.Node {
        let node = try parseSum()
        if let op = take(["<", "<=", ">", ">=", "==", "!="]) {
            let rhs = try parseSum()
            if take(["<", "<=", ">", ">=", "==", "!="]) != nil {
                throw error("chained comparisons are ambiguous; join them with and")
            }
            return .binary(op, node, rhs)
        }
        return node
    }

    private mutating func parseSum() throws(SweepError) -> Constraint.Node {
        var node = try parseProduct()
        while let op = take(["+", "-"]) { node = .binary(op, node, try parseProduct()) }
        return node
    }

    private mutating func parseProduct() throws(SweepError) -> Constraint.Node {
        var node = try parseUnary()
        while let op = take(["*", "/", "%"]) { node = .binary(op, node, try parseUnary()) }
        return node
    }

    private mutating func parseUnary() throws(SweepError) -> Constraint.Node {
        if take(["-"]) != nil { return .unary("-", try parseUnary()) }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(SweepError) -> Constraint.Node {
        guard let token = current else { throw error("it ends too early") }
        position += 1
        switch token {
        case .number(let d): return .number(d)
        case .string(let s): return .string(s)
        case .name(let n):
            switch n.lowercased() {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: return .name(n)
            }
        case .open:
            let node = try parseOr()
            guard current == .close else { throw error("a '(' is not closed") }
            position += 1
            return node
        case .close: throw error("unexpected ')'")
        case .op(let o): throw error("unexpected '\(o)'")
        }
    }
}
