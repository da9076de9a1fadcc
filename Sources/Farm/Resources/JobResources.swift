/// The CPUs and devices one job was given, chosen by rank 0 from what its rank holds, and the
/// environment that tells the job's libraries: thread pools sized to its CPUs, its own devices.
package struct JobResources: Sendable, Equatable {
    /// The job's CPU ids (on its rank's host).
    package var cpus: [Int]
    /// Whether the job is pinned to `cpus` (through `farm-pin`) or only told their number.
    package var pin: Bool
    /// The job's device ids, when the sweep asks for GPUs (nil: device variables left as they are).
    package var devices: [String]?
    /// The variables that name devices on its rank (CUDA's, or ROCm's and HIP's).
    package var deviceVariables: [String]

    package init(cpus: [Int], pin: Bool = false, devices: [String]? = nil, deviceVariables: [String] = ["CUDA_VISIBLE_DEVICES"]) {
        self.cpus = cpus
        self.pin = pin
        self.devices = devices
        self.deviceVariables = deviceVariables
    }

    /// The variables that cap a library's threads at the job's CPUs. TensorFlow's inter-op pool
    /// runs independent operations side by side, each with the intra-op pool: 1 keeps a job's
    /// threads at its CPUs.
    package static let threadVariables = ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                                          "VECLIB_MAXIMUM_THREADS", "TF_NUM_INTRAOP_THREADS"]

    /// What farm adds to a job's environment. A thread variable already set (in farmrun's
    /// environment, `inherited`, or the sweep's `env:`, `assigned`) is left as the user set it;
    /// the device variables always name the job's own devices.
    package func environment(inherited: (String) -> String?, assigned: [String: String]) -> [(String, String)] {
        var added: [(String, String)] = [("FARM_CPUS", String(cpus.count)), ("FARM_CPU_LIST", CPUList.text(cpus))]
        let count = String(cpus.count)
        for name in Self.threadVariables + ["TF_NUM_INTEROP_THREADS"] where inherited(name) == nil && assigned[name] == nil {
            added.append((name, name == "TF_NUM_INTEROP_THREADS" ? "1" : count))
        }
        if let devices {
            let list = devices.joined(separator: ",")
            for name in deviceVariables { added.append((name, list)) }
            added.append(("FARM_GPUS", list))
        }
        return added
    }
}

/// CPU lists as the kernel and taskset write them: `0-3,8,10-11`.
package enum CPUList {
    package static func text(_ cpus: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        let sorted = cpus.sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end > index ? "\(sorted[index])-\(sorted[end])" : "\(sorted[index])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
