/// A sweep's `where` condition over parameters, such as `s < t` or
/// `e % 50 == 0 and not (a == "relu" or n > 5)`: the seed skipped invalid
/// combinations in bash; farm skips them before anything runs.
///
/// Grammar (lowest precedence first): `or`/`||`, `and`/`&&`, `not`/`!`,
/// comparisons (`< <= > >= == = !=`), `+ -`, `* / %`, unary `-`, then
/// numbers, quoted strings, `true`/`false`, parameter names and parentheses.
public struct Constraint: Sendable {
    public let source: String
    let root: Node
    /// The parameters the condition reads.
    public let names: Set<String>

    indirect enum Node: Sendable {
        case number(Double)
        case string(String)
        case boolean(Bool)
        case name(String)
        case unary(String, Node)
        case binary(String, Node, Node)
    }

    enum Value: Equatable {
        case number(Double)
        case string(String)
        case boolean(Bool)

        var kind: String {
            switch self {
            case .number: "a number"
            case .string: "a string"
            case .boolean: "true/false"
            }
        }
    }

    /// Parses `source`, checking every name against `parameters`.
    public init(_ source: String, parameters: [String]) throws(SweepError) {
        self.source = source
        var parser = ConstraintParser(source: source)
        let root = try parser.parseExpression()
        guard parser.atEnd else { throw parser.error("unexpected \(parser.currentText)") }
        var names = Set<String>()
        Constraint.collectNames(root, into: &names)
        let known = Set(parameters)
        for name in names.sorted() where !known.contains(name) {
            throw SweepError("where \"\(source)\": \"\(name)\" is not a parameter (parameters: \(parameters.joined(separator: ", "))); fix the name or quote a string")
        }
        guard !names.isEmpty else {
            throw SweepError("where \"\(source)\" names no parameter, so it keeps all or nothing; write a condition over parameters such as s < t")
        }
        self.root = root
        self.names = names
    }

    static func collectNames(_ node: Node, into names: inout Set<String>) {
        switch node {
        case .name(let n): names.insert(n)
        case .unary(_, let a): collectNames(a, into: &names)
        case .binary(_, let a, let b): collectNames(a, into: &names); collectNames(b, into: &names)
        default: break
        }
    }

    /// Whether a combination passes; `lookup` gives a parameter's value.
    public func accepts(_ lookup: (String) -> ParameterValue) throws(SweepError) -> Bool {
        let value = try evaluate(root, lookup)
        guard case .boolean(let b) = value else {
            throw SweepError("where \"\(source)\" gives \(value.kind), not true/false; write a comparison such as s < t")
        }
        return b
    }

    private func evaluate(_ node: Node, _ lookup: (String) -> ParameterValue) throws(SweepError) -> Value {
        switch node {
        case .number(let d): return .number(d)
        case .string(let s): return .string(s)
        case .boolean(let b): return .boolean(b)
        case .name(let n):
            let v = lookup(n)
            if let d = v.number { return .number(d) }
            return .string(v.description)
        case .unary(let op, let a):
            let v = try evaluate(a, lookup)
            switch (op, v) {
            case ("-", .number(let d)): return .number(-d)
            case ("not", .boolean(let b)): return .boolean(!b)
            default: throw SweepError("where \"\(source)\": '\(op)' cannot apply to \(v.kind)")
            }
        case .binary(let op, let a, let b):
            if op == "and" || op == "or" {
                guard case .boolean(let l) = try evaluate(a, lookup) else { throw typeError(op, "true/false") }
                if op == "and" && !l { return .boolean(false) }
                if op == "or" && l { return .boolean(true) }
                guard case .boolean(let r) = try evaluate(b, lookup) else { throw typeError(op, "true/false") }
                return .boolean(r)
            }
            let l = try evaluate(a, lookup), r = try evaluate(b, lookup)
            switch op {
            case "==": return .boolean(l == r)
            case "!=": return .boolean(l != r)
            case "<", "<=", ">", ">=":
                let order: Bool
                switch (l, r) {
                case let (.number(x), .number(y)): order = compare(op, x, y)
                case let (.string(x), .string(y)): order = compare(op, x, y)
                default: throw SweepError("where \"\(source)\": cannot compare \(l.kind) with \(r.kind) using \(op)")
                }
                return .boolean(order)
            default:
                guard case .number(let x) = l, case .number(let y) = r else { throw typeError(op, "numbers") }
                switch op {
                case "+": return .number(x + y)
                case "-": return .number(x - y)
                case "*": return .number(x * y)
                case "/":
                    guard y != 0 else { throw SweepError("where \"\(source)\": division by zero for some combination") }
                    return .number(x / y)
                default:
                    guard y != 0 else { throw SweepError("where \"\(source)\": % by zero for some combination") }
                    return .number(x.truncatingRemainder(dividingBy: y))
                }
            }
        }
    }

    private func compare<T: Comparable>(_ op: String, _ x: T, _ y: T) -> Bool {
        switch op {
        case "<": x < y
        case "<=": x <= y
        case ">": x > y
        default: x >= y
        }
    }

    private func typeError(_ op: String, _ wanted: String) -> SweepError {
        SweepError("where \"\(source)\": '\(op)' needs \(wanted) on both sides")
    }
}

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
