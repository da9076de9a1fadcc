/* OpenMPI's own cost of a launch, for the benchmarks that run farm under mpirun: a program
 * that only starts MPI, meets the other ranks once and finishes. Whatever `mpirun -n N` of
 * this takes is in every farm launch under mpirun and in none of the floor's runs.
 * Build: mpicc -O2 -o mpi_startup bench/mpi_startup.c */
#include <mpi.h>

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Finalize();
    return 0;
}
