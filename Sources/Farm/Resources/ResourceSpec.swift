import Yams

/// What one task needs (`resources: {cpus: 4, gpus: 0.5}` in a sweep, or `--cpus-per-task` and
/// `--gpus-per-task`): farm places a task only where that much is free and gives the job exactly
/// that much. Each amount is a number, a template of one parameter (`"{n}"`), or a map from one
/// parameter's values (`{model: {small: 1, large: 4}}`), so a wide model gets more cores.
package struct ResourceSpec: Sendable, Equatable {
    package var cpus: ResourceAmount = .fixed(1)
    package var gpus: ResourceAmount = .fixed(0)
    /// Whether the sweep or the command line declared resources: then each job is pinned to its CPUs.
    package var declared = false
    /// Whether GPUs were asked for: then each job's device variables name its own devices.
    package var declaresGPUs = false
    /// Where each amount was given, for messages (`resources cpus`, `--cpus-per-task`).
    var cpusInput = "resources cpus"
    var gpusInput = "resources gpus"

    package init() {}

    static let knownKeys = ["cpus", "gpus"]

    /// `resources: {cpus: …, gpus: …}`.
    static func parse(_ node: Node) throws(SweepError) -> ResourceSpec {
        guard let mapping = node.mapping else {
            throw SweepError("resources must be a mapping such as resources: {cpus: 4, gpus: 1}")
        }
        var spec = ResourceSpec()
        spec.declared = true
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "cpus": spec.cpus = try ResourceAmount.parse(value, what: "resources cpus")
            case "gpus":
                spec.gpus = try ResourceAmount.parse(value, what: "resources gpus")
                spec.declaresGPUs = true
            default:
                throw SweepError("resources: unknown key \"\(key)\"; a task's resources are \(knownKeys.joined(separator: " and ")), e.g. resources: {cpus: 4, gpus: 1}")
            }
        }
        return spec
    }

    /// Applies `--cpus-per-task` / `--gpus-per-task`.
    mutating func override(cpus: String?, gpus: String?) throws(SweepError) {
        if let cpus {
            self.cpus = try ResourceAmount.parse(text: cpus, what: "--cpus-per-task")
            cpusInput = "--cpus-per-task"
            declared = true
        }
        if let gpus {
            self.gpus = try ResourceAmount.parse(text: gpus, what: "--gpus-per-task")
            gpusInput = "--gpus-per-task"
            declared = true
            declaresGPUs = true
        }
    }
}

/// One amount of `resources:`: fixed, the value of a parameter, or looked up by a parameter's value.
package enum ResourceAmount: Sendable, Equatable {
    case fixed(Double)
    /// `"{n}"`: the task's value of parameter `n`.
    case parameter(String)
    /// `{n: {small: 1, large: 4}}`: by the text of the task's value of `n`.
    case byValue(parameter: String, amounts: [String: Double])

    static func parse(_ node: Node, what: String) throws(SweepError) -> ResourceAmount {
        if let text = node.scalar?.string { return try parse(text: text, what: what) }
        guard let mapping = node.mapping, mapping.count == 1, let (keyNode, table) = mapping.first,
              let parameter = keyNode.string, let entries = table.mapping else {
            throw SweepError("\(what) must be a number, a parameter such as \"{n}\", or a map by one parameter's values such as {model: {small: 1, large: 4}}")
        }
        var amounts: [String: Double] = [:]
        for (valueNode, amountNode) in entries {
            let value = valueNode.string ?? ""
            guard let text = amountNode.scalar?.string, let amount = Double(text), amount.isFinite else {
                throw SweepError("\(what) for \(parameter) = \(value): \(amountNode.scalar?.string ?? "a non-scalar") is not a number")
            }
            amounts[value] = amount
        }
        return .byValue(parameter: parameter, amounts: amounts)
    }

    static func parse(text: String, what: String) throws(SweepError) -> ResourceAmount {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("{"), trimmed.hasSuffix("}"), trimmed.count > 2 {
            return .parameter(String(trimmed.dropFirst().dropLast()))
        }
        guard let amount = Double(trimmed), amount.isFinite else {
            throw SweepError("\(what) \"\(text)\" is not a number; give e.g. 4, or a parameter such as \"{n}\"")
        }
        return .fixed(amount)
    }

    /// The parameter this amount depends on, if any.
    var parameter: String? {
        switch self {
        case .fixed: nil
        case .parameter(let name), .byValue(let name, _): name
        }
    }

    /// The amount for a task whose value of `parameter` is `value` (nil: no number for it).
    func amount(for value: ParameterValue?) -> Double? {
        switch self {
        case .fixed(let amount): return amount
        case .parameter: return value?.number ?? value.flatMap { Double($0.description) }
        case .byValue(_, let amounts): return value.flatMap { amounts[$0.description] }
        }
    }
}

import Foundation
