#ifndef FARM_CPU_AFFINITY_H
#define FARM_CPU_AFFINITY_H

/// The CPUs this process may run on (its affinity mask, as Slurm's cgroup or
/// mpirun's binding left it), written to `cpus` in increasing order; returns
/// how many, or -1 on error. `CPU_ISSET` is a macro, which Swift cannot call:
/// hence this function.
int farm_affinity_cpus(int *cpus, int capacity);

#endif
