import Foundation

/// The values of one sweep parameter, from a list or from an inclusive range
/// with a step like bash's `{25..400..25}` (written `25..400..25`), or a
/// distribution to sample (`loguniform(1e-4, 1e-1)`; then `values` is empty and
/// the sweep's `method` draws the points).
package struct ParameterDomain: Sendable, Equatable {
    package var name: String
    package var values: [ParameterValue]
    package var distribution: Distribution?

    /// A sampled parameter.
    package init(name: String, distribution: Distribution) throws(SweepError) {
        try Self.check(name: name)
        self.name = name
        self.values = []
        self.distribution = distribution
    }

    private static func check(name: String) throws(SweepError) {
        guard Identifier.isPlain(name) else {
            throw SweepError("parameter name \"\(name)\" is not usable; use letters, digits and _ (not starting with a digit)")
        }
        guard !["task", "replicate", "task_id", "attempt"].contains(name) else {
            throw SweepError("parameter name \"\(name)\" is reserved (it is a placeholder farm fills in); rename the parameter")
        }
    }

    package init(name: String, values: [ParameterValue]) throws(SweepError) {
        try Self.check(name: name)
        guard !values.isEmpty else {
            throw SweepError("parameter \(name) has no values; give a list or a range such as 1..10")
        }
        var seen = Set<ParameterValue>()
        for value in values where !seen.insert(value).inserted {
            throw SweepError("parameter \(name) lists the value \(value) twice; give each value once (use replicates to repeat runs)")
        }
        self.name = name
        self.values = values
        self.distribution = nil
    }

    /// The domain as a sweep file writes it: the distribution, or how many values.
    package var summary: String {
        distribution.map(\.description) ?? "\(values.count) value\(values.count == 1 ? "" : "s")"
    }

    /// Parses the command-line form: `name=a,b,c` (a list), `name=25..400..25` (a range) or
    /// `name=loguniform(1e-4,1e-1)` (a distribution).
    package init(option: String) throws(SweepError) {
        guard let eq = option.firstIndex(of: "="), eq != option.startIndex else {
            throw SweepError("-p \(option): write a parameter as name=a,b,c (a list) or name=25..400..25 (a range)")
        }
        let name = String(option[..<eq])
        let text = String(option[option.index(after: eq)...])
        if let distribution = try Distribution.parse(text, parameter: name) {
            try self.init(name: name, distribution: distribution)
        } else if let range = try ParameterDomain.range(text, name: name) {
            try self.init(name: name, values: range)
        } else {
            let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if items.contains(where: \.isEmpty) {
                throw SweepError("-p \(option): parameter \(name) has an empty value; separate values with single commas")
            }
            try self.init(name: name, values: items.map(ParameterValue.init(parsing:)))
        }
    }

    /// The values of `text` if it is a range `start..end` or `start..end..step`; nil if it is not range-shaped.
    package static func range(_ text: String, name: String) throws(SweepError) -> [ParameterValue]? {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2 || parts.count == 3 else { return nil }
        let trimmed = parts.map { $0.trimmingCharacters(in: .whitespaces) }
        guard trimmed.allSatisfy({ Double($0) != nil }) else {
            if trimmed.count >= 2 && trimmed.contains(where: { Double($0) != nil }) {
                throw SweepError("parameter \(name): range \"\(text)\" must be numbers: start..end or start..end..step")
            }
            return nil
        }
        if trimmed.allSatisfy({ Int64($0) != nil }) {
            let start = Int64(trimmed[0])!, end = Int64(trimmed[1])!
            let step = trimmed.count == 3 ? Int64(trimmed[2])! : (end >= start ? 1 : -1)
            guard step != 0 else { throw SweepError("parameter \(name): range \"\(text)\" has step 0; use a non-zero step such as \(start)..\(end)..1") }
            guard end == start || (end > start) == (step > 0) else {
                throw SweepError("parameter \(name): range \"\(text)\" is empty (step \(step) never reaches \(end) from \(start)); swap the ends or flip the step's sign")
            }
            // The span as an unsigned distance, so ends anywhere in Int64 do not overflow; every value
            // lies between the ends, so the wrapping arithmetic below gives it exactly.
            let span = end >= start ? UInt64(bitPattern: end &- start) : UInt64(bitPattern: start &- end)
            let steps = span / step.magnitude
            guard steps < 10_000_000 else {
                let count = steps == .max ? "18446744073709551616" : String(steps + 1)
                throw SweepError("parameter \(name): range \"\(text)\" has \(count) values; that is too many for one parameter (10,000,000 at most)")
            }
            return (0...Int64(steps)).map { .integer(start &+ $0 &* step) }
        }
        let start = Double(trimmed[0])!, end = Double(trimmed[1])!
        let step = trimmed.count == 3 ? Double(trimmed[2])! : (end >= start ? 1 : -1)
        guard start.isFinite, end.isFinite, step.isFinite else {
            throw SweepError("parameter \(name): range \"\(text)\" must be finite numbers (a Double reaches about 1.8e308)")
        }
        guard step != 0 else { throw SweepError("parameter \(name): range \"\(text)\" has step 0; use a non-zero step") }
        let span = (end - start) / step
        guard span >= -1e-9 else {
            throw SweepError("parameter \(name): range \"\(text)\" is empty (step \(step) never reaches \(end) from \(start)); swap the ends or flip the step's sign")
        }
        guard span + 1e-9 < 10_000_000 else { throw SweepError("parameter \(name): range \"\(text)\" has too many values (10,000,000 at most)") }
        let count = Int((span + 1e-9).rounded(.down)) + 1
        // Round each value to 12 significant digits so 0.1..0.5..0.1 gives 0.3, not 0.30000000000000004.
        return (0..<count).map { k in
            let raw = start + Double(k) * step
            return .real(Double(String(format: "%.12g", raw)) ?? raw)
        }
    }
}
