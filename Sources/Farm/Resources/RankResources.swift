import CLinux
import Foundation

/// What one worker rank (or `--jobs` process) holds to run tasks with: its CPUs and GPUs, found
/// where the launcher left them, and the slots it serves them from. It travels in the slots'
/// `ready`, so rank 0 places each task where its `TaskDemand` is free.
package struct RankResources: Sendable, Equatable {
    /// The CPU ids the rank may use: its affinity mask, or 0..<N declared with `--cpus N`.
    package var cpus: [Int]
    /// Whether `cpus` was declared (`--cpus`, or Slurm's `-c` beyond the mask): then jobs are not pinned, and ranks do not split them.
    package var cpusDeclared: Bool
    /// The most CPUs of `cpus` the rank may use (Slurm's `-c` when the mask is the whole node), if less than all.
    package var cpuLimit: Int?
    /// The rank's GPU ids, as a job's device variable names them.
    package var gpus: [String]
    /// Where the GPUs were found (or looked for), for messages.
    package var gpuSource: String
    /// The variables that name a job's devices: CUDA's, or ROCm's and HIP's.
    package var deviceVariables: [String]
    /// The id of the rank (its first slot): slots with the same holder share these resources.
    package var holder: Int
    /// The ids of every slot the rank serves.
    package var slots: [Int]

    package init(cpus: [Int], cpusDeclared: Bool = false, gpus: [String] = [], gpuSource: String = "none",
                 deviceVariables: [String] = ["CUDA_VISIBLE_DEVICES"], holder: Int, slots: [Int]) {
        self.cpus = cpus
        self.cpusDeclared = cpusDeclared
        self.cpuLimit = nil
        self.gpus = gpus
        self.gpuSource = gpuSource
        self.deviceVariables = deviceVariables
        self.holder = holder
        self.slots = slots
    }
}

extension RankResources {
    /// How many of its CPUs this rank will likely hold once ranks that share a mask split it: its
    /// mask, divided among the ranks on its host that must be sharing it (more ranks × mask than the
    /// host has CPUs: `mpirun --oversubscribe`, Slurm's `task/none`). From the launcher's count of
    /// ranks on the host (`OMPI_COMM_WORLD_LOCAL_SIZE`, `SLURM_STEP_TASKS_PER_NODE`).
    func expectedShare(environment: [String: String]) -> Int {
        let mask = max(1, cpuLimit.map { min($0, cpus.count) } ?? cpus.count)
        guard !cpusDeclared else { return mask }
        let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) }
            ?? environment["SLURM_STEP_TASKS_PER_NODE"].flatMap { Int($0.prefix { $0.isNumber }) } ?? 1
        let online = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let sharers = max(1, (cpus.count * max(1, local) + online - 1) / online)
        return max(1, min(mask, cpus.count / sharers))
    }
}

/// Finds what this process holds: its CPUs (`--cpus N`, else the affinity mask Slurm's `-c`
/// cgroup or mpirun's binding set; in an srun step, at most `SLURM_CPUS_PER_TASK` of it, and
/// that many declared when the mask has fewer, as on a node whose CPUs are configured) and its GPUs (`--gpus LIST`, else `CUDA_VISIBLE_DEVICES` /
/// `ROCR_VISIBLE_DEVICES` as the launcher set them, else what `nvidia-smi -L` lists).
package struct ResourceProbe: Sendable {
    /// `--cpus N`: a number of CPUs declared instead of the affinity mask.
    package var declaredCPUs: Int?
    /// `--gpus 0,1,2,3`: the device ids declared.
    package var declaredGPUs: [String]?

    package init(declaredCPUs: Int? = nil, declaredGPUs: [String]? = nil) {
        self.declaredCPUs = declaredCPUs
        self.declaredGPUs = declaredGPUs
    }

    /// The CPUs of this process's affinity mask.
    package static func affinityCPUs() -> [Int] {
        var cpus = [Int32](repeating: 0, count: 4096)
        let count = farm_affinity_cpus(&cpus, Int32(cpus.count))
        guard count > 0 else { return Array(0..<max(1, ProcessInfo.processInfo.activeProcessorCount)) }
        return cpus.prefix(Int(count)).map(Int.init)
    }

    /// What the rank holds, served from `slots` (the first is the holder's id).
    package func probe(slots: [Int], environment: [String: String] = ProcessInfo.processInfo.environment) -> RankResources {
        var cpus = declaredCPUs.map { Array(0..<$0) } ?? Self.affinityCPUs()
        var declared = declaredCPUs != nil
        var limit: Int?
        if !declared, environment["SLURM_STEP_ID"] != nil, let text = environment["SLURM_CPUS_PER_TASK"], let perTask = Int(text), perTask >= 1 {
            if perTask > cpus.count {
                (cpus, declared) = (Array(0..<perTask), true)
            } else if perTask < cpus.count {
                limit = perTask
            }
        }
        var resources = RankResources(cpus: cpus, cpusDeclared: declared, holder: slots.first ?? 0, slots: slots)
        resources.cpuLimit = limit
        (resources.gpus, resources.gpuSource, resources.deviceVariables) = gpus(environment: environment)
        return resources
    }

    private func gpus(environment: [String: String]) -> ([String], String, [String]) {
        let cuda = ["CUDA_VISIBLE_DEVICES"], rocm = ["ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES"]
        if let declaredGPUs { return (declaredGPUs, "--gpus", environment["ROCR_VISIBLE_DEVICES"] != nil ? rocm : cuda) }
        if let list = environment["CUDA_VISIBLE_DEVICES"] { return (Self.devices(list), "CUDA_VISIBLE_DEVICES=\"\(list)\"", cuda) }
        if let list = environment["ROCR_VISIBLE_DEVICES"] { return (Self.devices(list), "ROCR_VISIBLE_DEVICES=\"\(list)\"", rocm) }
        if let listed = Self.nvidiaSMI(environment: environment), !listed.isEmpty { return (listed, "nvidia-smi -L", cuda) }
        return ([], "looked at --gpus, CUDA_VISIBLE_DEVICES, ROCR_VISIBLE_DEVICES and nvidia-smi -L", cuda)
    }

    /// Device ids of a `CUDA_VISIBLE_DEVICES`-style list (`0,1`, `GPU-uuid,…`; empty: none).
    static func devices(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "NoDevFiles" }
    }

    /// The GPU indices `nvidia-smi -L` lists ("GPU 0: …"), if it is on the PATH and runs.
    static func nvidiaSMI(environment: [String: String]) -> [String]? {
        guard case .found(let path) = ProgramLookup.find("nvidia-smi", path: environment["PATH"] ?? "/usr/bin:/bin"),
              let output = ProgramOutput.of(path, ["-L"]) else { return nil }
        return output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("GPU "), let colon = line.firstIndex(of: ":") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 4)..<colon])
        }
    }
}
