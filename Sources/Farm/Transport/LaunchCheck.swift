/// A launch mistake that silently wastes an allocation: `srun --mpi=none -n 3 farmrun …` (or a cluster whose
/// default MPI plugin is not PMIx) starts three farmruns that are not one MPI job. Each would run alone with
/// its own local slots, two would find the lease taken, and the user would get a fraction of what they asked
/// for. A process Slurm started as one of several tasks of a step, with no MPI launcher's environment, stops.
package enum LaunchCheck {
    /// Why this process must not run (nil: it may), from its environment.
    package static func problem(environment: [String: String]) -> String? {
        guard !MPITransport.isLaunchedByMPI(environment: environment), let tasks = environment["SLURM_STEP_NUM_TASKS"].flatMap(Int.init), tasks > 1 else { return nil }
        return "srun started \(tasks) farmruns as one step, but not as one MPI job (no PMIx): each would run alone. "
            + "Launch with srun --mpi=pmix farmrun … (or set FARM_LAUNCHER=mpirun for slurm/farm.sbatch, or run one task: srun -n 1 farmrun --jobs N …)"
    }

    /// Whether this process is the one that says so (the step's first task), so the log has the line once.
    package static func speaks(environment: [String: String]) -> Bool {
        (environment["SLURM_PROCID"] ?? "0") == "0"
    }
}
