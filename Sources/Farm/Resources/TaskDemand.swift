/// What one task asks of the rank that runs it: whole CPUs, and GPUs as a whole
/// number of devices or a fraction of one (tasks then share a device).
package struct TaskDemand: Sendable, Hashable, CustomStringConvertible {
    package var cpus: Int
    package var gpus: Double

    package init(cpus: Int = 1, gpus: Double = 0) {
        self.cpus = cpus
        self.gpus = gpus
    }

    package var description: String {
        gpus > 0 ? "cpus \(cpus), gpus \(ParameterValue.shortestAmount(gpus))" : "cpus \(cpus)"
    }
}

/// Each task's demand, worked out once when the sweep is expanded: one for all
/// tasks, or one per combination when an amount depends on a parameter.
package struct TaskDemands: Sendable {
    private let uniform: TaskDemand?
    private let byCombination: [TaskDemand]

    /// The largest demand of any task, for the check against what ranks hold.
    package let largest: TaskDemand

    /// Works out and checks every combination's demand.
    init(_ spec: ResourceSpec, names: [String], combinations: [[ParameterValue]]) throws(SweepError) {
        for amount in [spec.cpus, spec.gpus] {
            if let name = amount.parameter, !names.contains(name) {
                throw SweepError("resources: {\(name)} is not a parameter of this sweep; use one of \(names.joined(separator: ", "))")
            }
        }
        func demand(_ values: [ParameterValue]) throws(SweepError) -> TaskDemand {
            func value(_ amount: ResourceAmount) -> ParameterValue? {
                amount.parameter.flatMap { names.firstIndex(of: $0) }.map { values[$0] }
            }
            let where_ = spec.cpus.parameter.map { name in " (for \(name) = \(value(spec.cpus)?.description ?? ""))" } ?? ""
            for (amount, input) in [(spec.cpus, spec.cpusInput), (spec.gpus, spec.gpusInput)] {
                if case .byValue(let name, _) = amount, let v = value(amount), amount.amount(for: v) == nil {
                    throw SweepError("\(input) has no amount for \(name) = \(v.description); add it to the map, e.g. {\(name): {\(v.description): 2}}")
                }
            }
            guard let cpus = spec.cpus.amount(for: value(spec.cpus)) else {
                throw SweepError("\(spec.cpusInput)\(where_): \(value(spec.cpus)?.description ?? "no value") is not a number of CPUs; give a whole number of at least 1")
            }
            guard cpus >= 1, cpus == cpus.rounded(), cpus <= 65_536 else {
                throw SweepError("\(spec.cpusInput)\(where_) is \(ParameterValue.shortestAmount(cpus)); a task needs a whole number of CPUs, from 1 to 65,536")
            }
            let gpuWhere = spec.gpus.parameter.map { name in " (for \(name) = \(value(spec.gpus)?.description ?? ""))" } ?? ""
            guard let gpus = spec.gpus.amount(for: value(spec.gpus)) else {
                throw SweepError("\(spec.gpusInput)\(gpuWhere): \(value(spec.gpus)?.description ?? "no value") is not a number of GPUs; give a whole number or a fraction such as 0.5")
            }
            guard gpus >= 0, gpus < 1 || gpus == gpus.rounded(), gpus <= 4096 else {
                throw SweepError("\(spec.gpusInput)\(gpuWhere) is \(ParameterValue.shortestAmount(gpus)); give 0, a fraction of one GPU (0.5, 0.25) or a whole number of GPUs")
            }
            return TaskDemand(cpus: Int(cpus), gpus: gpus)
        }
        if spec.cpus.parameter == nil && spec.gpus.parameter == nil {
            let one = try demand([])
            uniform = one
            byCombination = []
            largest = one
        } else {
            var all: [TaskDemand] = []
            all.reserveCapacity(combinations.count)
            var cpus = 0, gpus = 0.0
            for values in combinations {
                let one = try demand(values)
                all.append(one)
                cpus = max(cpus, one.cpus)
                gpus = max(gpus, one.gpus)
            }
            uniform = nil
            byCombination = all
            largest = TaskDemand(cpus: cpus, gpus: gpus)
        }
    }

    /// Whether every task asks the same.
    package var isUniform: Bool { uniform != nil }

    /// The demand of combination `combination`.
    package subscript(combination: Int) -> TaskDemand {
        uniform ?? byCombination[combination]
    }

    /// Every distinct demand (for the check that each fits some rank).
    package var distinct: Set<TaskDemand> {
        uniform.map { [$0] } ?? Set(byCombination)
    }
}

extension ParameterValue {
    /// An amount as a person writes it: 4, 0.5.
    static func shortestAmount(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : d.description
    }
}
