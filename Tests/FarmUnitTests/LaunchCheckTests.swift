import Testing
@testable import Farm

/// Several farmruns of one srun step that are not one MPI job are refused; every proper launch is not.
@Suite struct LaunchCheckTests {
    @Test func severalTasksOfAStepWithoutMPIAreRefusedNamingPMIx() throws {
        let problem = try #require(LaunchCheck.problem(environment: ["SLURM_STEP_NUM_TASKS": "3", "SLURM_PROCID": "1"]))
        #expect(problem.contains("srun --mpi=pmix") && problem.contains("FARM_LAUNCHER=mpirun") && problem.contains("3 farmruns"))
        #expect(!LaunchCheck.speaks(environment: ["SLURM_PROCID": "1"]) && LaunchCheck.speaks(environment: ["SLURM_PROCID": "0"]))
    }

    @Test func properLaunchesPass() {
        let launches: [[String: String]] = [
            [:],                                                         // farmrun --jobs N on a laptop
            ["SLURM_NTASKS": "4"],                                       // farmrun in the batch script itself
            ["SLURM_STEP_NUM_TASKS": "1", "SLURM_NTASKS": "4"],          // srun -n 1 farmrun --jobs N
            ["SLURM_STEP_NUM_TASKS": "4", "PMIX_RANK": "2"],             // srun --mpi=pmix -n 4
            ["SLURM_STEP_NUM_TASKS": "2", "OMPI_COMM_WORLD_SIZE": "4"],  // mpirun inside an allocation
        ]
        for environment in launches { #expect(LaunchCheck.problem(environment: environment) == nil, "\(environment)") }
    }
}
