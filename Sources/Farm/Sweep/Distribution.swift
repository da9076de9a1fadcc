import Foundation

/// A sampled parameter's law: `uniform(a, b)`, `loguniform(a, b)`, `randint(a, b)` (both ends
/// included) or `choice(x, y, …)`. A point of the unit cube (Sobol or random) becomes a value by
/// the distribution's inverse: one coordinate per sampled parameter.
package enum Distribution: Sendable, Equatable, CustomStringConvertible {
    case uniform(Double, Double)
    case logUniform(Double, Double)
    case randomInteger(Int64, Int64)
    case choice([ParameterValue])

    static let names = ["uniform", "loguniform", "randint", "choice"]

    /// Parses `name(args)`; nil if `text` is not shaped like a call (so it is a plain value).
    package static func parse(_ text: String, parameter: String) throws(SweepError) -> Distribution? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")"), open != trimmed.startIndex else { return nil }
        let name = String(trimmed[..<open]).trimmingCharacters(in: .whitespaces)
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
        let inside = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        let arguments = inside.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let usage = "\(parameter): \(trimmed)"
        func ordered<T: Comparable>(_ a: T, _ b: T) throws(SweepError) {
            if a == b { throw SweepError("parameter \(usage): has one value only; write it as a plain value (\(parameter): \(arguments[0]))") }
            guard a < b else { throw SweepError("parameter \(usage): needs a < b; write the smaller bound first") }
        }
        func numbers(_ what: String) throws(SweepError) -> (Double, Double) {
            guard arguments.count == 2, let a = Double(arguments[0]), let b = Double(arguments[1]), a.isFinite, b.isFinite else {
                throw SweepError("parameter \(usage): \(name) takes two numbers, \(name)(a, b)\(what)")
            }
            try ordered(a, b)
            return (a, b)
        }
        switch name {
        case "uniform":
            let (a, b) = try numbers("")
            return .uniform(a, b)
        case "loguniform":
            let (a, b) = try numbers(" with 0 < a")
            guard a > 0 else { throw SweepError("parameter \(usage): loguniform needs 0 < a (it samples log a .. log b); use uniform for bounds at or below 0") }
            return .logUniform(a, b)
        case "randint":
            guard arguments.count == 2, let a = Int64(arguments[0]), let b = Int64(arguments[1]) else {
                throw SweepError("parameter \(usage): randint takes two whole numbers, randint(a, b), both included")
            }
            try ordered(a, b)
            return .randomInteger(a, b)
        case "choice":
            guard !arguments.contains(where: \.isEmpty) else {
                throw SweepError("parameter \(usage): choice takes values separated by single commas, choice(relu, tanh)")
            }
            let values = arguments.map(ParameterValue.init(parsing:))
            guard Set(values).count == values.count else { throw SweepError("parameter \(usage): choice lists a value twice; give each once") }
            return .choice(values)
        default:
            throw SweepError("parameter \(usage): unknown distribution \"\(name)\"; use \(names.map { "\($0)(…)" }.joined(separator: ", "))")
        }
    }

    /// The value at `u` in [0, 1): the distribution's quantile function.
    package func value(at u: Double) -> ParameterValue {
        switch self {
        case let .uniform(a, b):
            return .real(a + u * (b - a))
        case let .logUniform(a, b):
            return .real(a * Foundation.exp(u * Foundation.log(b / a)))  // exactly a at u = 0
        case let .randomInteger(a, b):
            // b - a as an unsigned count, so the whole Int64 range does not overflow.
            let offset = UInt64(bitPattern: b &- a)
            let step = (u * (Double(offset) + 1)).rounded(.down)
            let k = step >= Double(offset) ? offset : UInt64(step)
            return .integer(a &+ Int64(bitPattern: k))
        case let .choice(values):
            return values[min(values.count - 1, Int((u * Double(values.count)).rounded(.down)))]
        }
    }

    package var description: String {
        switch self {
        case let .uniform(a, b): return "uniform(\(Self.text(a)), \(Self.text(b)))"
        case let .logUniform(a, b): return "loguniform(\(Self.text(a)), \(Self.text(b)))"
        case let .randomInteger(a, b): return "randint(\(a), \(b))"
        case let .choice(values): return "choice(\(values.map(\.description).joined(separator: ", ")))"
        }
    }

    private static func text(_ x: Double) -> String { ParameterValue.real(x).description }
}
