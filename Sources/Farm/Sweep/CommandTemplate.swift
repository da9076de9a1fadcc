/// A job's argv with `{name}` placeholders, filled per task. The job is
/// started with this argv directly (never through a shell), so a value such as
/// `$(rm -rf ~)` reaches the job as that literal string.
///
/// `{name}` is a placeholder when `name` is a parameter, `replicate` or `task`;
/// other braces are literal (`{"a": 1}` stays), and `{{`/`}}` around a name
/// write a literal brace. An identifier-shaped `{name}` that names nothing is
/// an error, because it is almost always a typo.
package struct CommandTemplate: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case literal(String)
        case placeholder(String)
    }

    let arguments: [[Piece]]
    package let source: [String]

    package static let builtinNames = ["replicate", "task"]

    /// `context` names the template in messages (default: `command argument "…"`).
    package init(_ argv: [String], parameters: [String], context: String? = nil) throws(SweepError) {
        guard let first = argv.first, !first.isEmpty else {
            throw SweepError("the command is empty; give the program and its arguments, e.g. [python3, job.py, \"{x}\"]")
        }
        let known = Set(parameters + CommandTemplate.builtinNames)
        var parsed: [[Piece]] = []
        for argument in argv {
            parsed.append(try CommandTemplate.parse(argument, known: known, parameters: parameters, context: context))
        }
        if case .placeholder = parsed[0].first, parsed[0].count == 1 {
            // Allowed: the program itself may be a parameter.
        }
        arguments = parsed
        source = argv
    }

    static func parse(_ argument: String, known: Set<String>, parameters: [String], context: String? = nil) throws(SweepError) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        let chars = Array(argument)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count && chars[i + 1] == "{" {
                    // `{{name}}` is the literal `{name}`; other `{{` stay as they are.
                    if let close = CommandTemplate.identifierEnd(chars, from: i + 2), close + 1 < chars.count, chars[close] == "}", chars[close + 1] == "}" {
                        literal += "{" + String(chars[(i + 2)..<close]) + "}"
                        i = close + 2
                        continue
                    }
                    literal += "{{"
                    i += 2
                    continue
                }
                if let close = CommandTemplate.identifierEnd(chars, from: i + 1), close < chars.count, chars[close] == "}" {
                    let name = String(chars[(i + 1)..<close])
                    guard known.contains(name) else {
                        let hint = parameters.isEmpty ? "the sweep has no parameters" : "parameters: \(parameters.joined(separator: ", "))"
                        throw SweepError("\(context ?? "command argument \"\(argument)\""): placeholder {\(name)} names no parameter (\(hint); also {replicate} and {task}); fix it, or write {{\(name)}} for a literal brace")
                    }
                    if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                    pieces.append(.placeholder(name))
                    i = close + 1
                    continue
                }
            }
            literal.append(c)
            i += 1
        }
        if !literal.isEmpty || pieces.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }

    /// The index just past an identifier starting at `start`, or nil if there is none.
    static func identifierEnd(_ chars: [Character], from start: Int) -> Int? {
        guard start < chars.count, chars[start].isASCII, chars[start].isLetter || chars[start] == "_" else { return nil }
        var i = start + 1
        while i < chars.count, chars[i].isASCII, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { i += 1 }
        return i
    }

    /// The names this template uses.
    package var placeholders: Set<String> {
        var names = Set<String>()
        for argument in arguments { for case .placeholder(let n) in argument { names.insert(n) } }
        return names
    }

    /// The argv of one task.
    package func render(_ value: (String) -> String) -> [String] {
        arguments.map { pieces in
            if pieces.count == 1 {
                switch pieces[0] {
                case .literal(let s): return s
                case .placeholder(let n): return value(n)
                }
            }
            var out = ""
            for piece in pieces {
                switch piece {
                case .literal(let s): out += s
                case .placeholder(let n): out += value(n)
                }
            }
            return out
        }
    }
}
