/// A sweep's `where` condition over parameters, such as `s < t` or
/// `e % 50 == 0 and not (a == "relu" or n > 5)`: the seed skipped invalid
/// combinations in bash; farm skips them before anything runs.
///
/// Grammar (lowest precedence first): `or`/`||`, `and`/`&&`, `not`/`!`,
/// comparisons (`< <= > >= == = !=`), `+ -`, `* / %`, unary `-`, then
/// numbers, quoted strings, `true`/`false`, parameter names and parentheses.
package struct Constraint: Sendable {
    package let source: String
    let root: Node
    /// The parameters the condition reads.
    package let names: Set<String>

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
    package init(_ source: String, parameters: [String]) throws(SweepError) {
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
    package func accepts(_ lookup: (String) -> ParameterValue) throws(SweepError) -> Bool {
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
