import Yams

/// The search part of a sweep: which parameter is a training budget
/// (`fidelity:`), which result key judges a configuration (`metric:`) and how
/// hopeless ones are stopped early (`early_terminate:`). Without `fidelity:` a
/// sweep runs one job per task, as always.
package struct FidelitySpec: Sendable, Equatable {
    /// The grid parameter that is a budget (epochs, iterations).
    package var parameter: String
    /// The key the job prints in each report (the parameter's name unless told otherwise).
    package var report: String

    package init(parameter: String, report: String? = nil) {
        self.parameter = parameter
        self.report = report ?? parameter
    }
}

/// The result key a search ranks configurations by, and which way is better.
package struct MetricSpec: Sendable, Equatable {
    package enum Goal: String, Sendable, CaseIterable {
        case minimize, maximize
    }

    package var name: String
    package var goal: Goal

    package init(name: String, goal: Goal) {
        self.name = name
        self.goal = goal
    }
}

/// Asynchronous successive halving (ASHA) over the fidelity: rungs at
/// `min`·`eta`^k; past a rung only the best 1/`eta` of the configurations seen
/// there go on.
package struct EarlyTermination: Sendable, Equatable {
    package var eta: Int
    /// The first rung (nil: the fidelity parameter's smallest value).
    package var minimum: Double?

    package init(eta: Int = 3, minimum: Double? = nil) {
        self.eta = eta
        self.minimum = minimum
    }
}

extension SweepSpec {
    static func fidelity(_ node: Node) throws(SweepError) -> FidelitySpec {
        if let name = node.scalar?.string, !name.isEmpty { return FidelitySpec(parameter: name) }
        guard let mapping = node.mapping else {
            throw SweepError("fidelity must name a parameter (fidelity: epochs) or be {parameter: e, report: epochs}")
        }
        var parameter: String?
        var report: String?
        for (keyNode, value) in mapping {
            switch keyNode.string {
            case "parameter": parameter = value.scalar?.string
            case "report": report = value.scalar?.string
            default:
                throw SweepError("fidelity has parameter: and report: only (got \(keyNode.string.map { "\"\($0)\"" } ?? "a key that is not a string"))")
            }
        }
        guard let parameter, !parameter.isEmpty else { throw SweepError("fidelity needs parameter: (the budget parameter, e.g. epochs)") }
        if let report, report.isEmpty { throw SweepError("fidelity's report: must be the key the job prints, e.g. report: epochs") }
        return FidelitySpec(parameter: parameter, report: report)
    }

    static func metric(_ node: Node) throws(SweepError) -> MetricSpec {
        guard let mapping = node.mapping else {
            throw SweepError("metric must be a mapping such as metric: {name: val_loss, goal: minimize}")
        }
        var name: String?
        var goal: MetricSpec.Goal?
        for (keyNode, value) in mapping {
            switch keyNode.string {
            case "name": name = value.scalar?.string
            case "goal":
                let text = value.scalar?.string ?? describe(value)
                guard let g = MetricSpec.Goal(rawValue: text) else {
                    throw SweepError("metric goal \"\(text)\" is unknown; use minimize or maximize")
                }
                goal = g
            default:
                throw SweepError("metric has name: and goal: only (got \(keyNode.string.map { "\"\($0)\"" } ?? "a key that is not a string"))")
            }
        }
        guard let name, !name.isEmpty else { throw SweepError("metric needs name: (the result key to rank by, e.g. val_loss)") }
        guard let goal else { throw SweepError("metric \(name) needs goal: minimize or goal: maximize") }
        return MetricSpec(name: name, goal: goal)
    }

    static func earlyTermination(_ node: Node) throws(SweepError) -> EarlyTermination {
        guard let mapping = node.mapping else {
            throw SweepError("early_terminate must be a mapping such as early_terminate: {type: asha, eta: 3}")
        }
        var spec = EarlyTermination()
        var sawType = false
        for (keyNode, value) in mapping {
            let text = value.scalar?.string ?? describe(value)
            switch keyNode.string {
            case "type":
                guard text == "asha" else { throw SweepError("early_terminate type \"\(text)\" is unknown; use type: asha") }
                sawType = true
            case "eta":
                guard let eta = Int(text), eta >= 2 else {
                    throw SweepError("early_terminate eta must be a whole number of at least 2 (got \(text)); 3 keeps the best third at each rung")
                }
                spec.eta = eta
            case "min":
                guard let minimum = Double(text), minimum > 0 else {
                    throw SweepError("early_terminate min must be a number above 0, the first rung (got \(text))")
                }
                spec.minimum = minimum
            default:
                throw SweepError("early_terminate has type:, eta: and min: only (got \(keyNode.string.map { "\"\($0)\"" } ?? "a key that is not a string"))")
            }
        }
        guard sawType else { throw SweepError("early_terminate needs type: asha") }
        return spec
    }

    /// The search keys as the ledger stores them.
    var searchJSONMembers: [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = []
        if let fidelity {
            members.append(("fidelity", .object([("parameter", .string(fidelity.parameter)), ("report", .string(fidelity.report))])))
        }
        if let metric {
            members.append(("metric", .object([("name", .string(metric.name)), ("goal", .string(metric.goal.rawValue))])))
        }
        if let earlyTerminate {
            var asha: [(key: String, value: JSONValue)] = [("type", .string("asha")), ("eta", .integer(Int64(earlyTerminate.eta)))]
            if let minimum = earlyTerminate.minimum { asha.append(("min", .real(minimum))) }
            members.append(("early_terminate", .object(asha)))
        }
        return members
    }

    /// Reads back what `searchJSONMembers` wrote.
    mutating func readSearch(from member: (String) -> JSONValue?) {
        func text(_ value: JSONValue?, _ key: String) -> String? {
            if case .object(let m)? = value, case .string(let s)? = m.first(where: { $0.key == key })?.value { return s }
            return nil
        }
        func number(_ value: JSONValue?, _ key: String) -> Double? {
            guard case .object(let m)? = value else { return nil }
            switch m.first(where: { $0.key == key })?.value {
            case .integer(let i)?: return Double(i)
            case .real(let d)?: return d
            default: return nil
            }
        }
        if let parameter = text(member("fidelity"), "parameter") {
            fidelity = FidelitySpec(parameter: parameter, report: text(member("fidelity"), "report"))
        }
        if let name = text(member("metric"), "name"), let goal = text(member("metric"), "goal").flatMap(MetricSpec.Goal.init(rawValue:)) {
            metric = MetricSpec(name: name, goal: goal)
        }
        if let eta = number(member("early_terminate"), "eta") {
            earlyTerminate = EarlyTermination(eta: Int(eta), minimum: number(member("early_terminate"), "min"))
        }
    }
}
