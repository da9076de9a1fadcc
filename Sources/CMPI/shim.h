// Swift cannot import OpenMPI's handle macros (they expand to addresses of
// global structs), so this header re-exports them as inline getters that Swift
// reads under their MPI names.
#ifndef FARM_CMPI_SHIM_H
#define FARM_CMPI_SHIM_H
#include <mpi.h>

__attribute__((swift_name("getter:MPI_COMM_WORLD()")))
static inline MPI_Comm farm_mpi_comm_world(void) { return MPI_COMM_WORLD; }

__attribute__((swift_name("getter:MPI_BYTE()")))
static inline MPI_Datatype farm_mpi_byte(void) { return MPI_BYTE; }

__attribute__((swift_name("getter:MPI_INT()")))
static inline MPI_Datatype farm_mpi_int(void) { return MPI_INT; }

__attribute__((swift_name("getter:MPI_DOUBLE()")))
static inline MPI_Datatype farm_mpi_double(void) { return MPI_DOUBLE; }

#endif
