// The part of OpenMPI that farm calls, loaded at run time.
//
// Only `farmrun` under mpirun or srun needs MPI; `dbtool` and a single-process
// `farmrun --jobs N` do not. Linking libmpi would make every one of those
// starts load libmpi and its seven libraries (about 2 ms a process, paid by
// every `dbtool insert` of a sweep), so nothing links it: `farm_mpi_load`
// opens libmpi.so.40 (OpenMPI 3 to 5; found through LD_LIBRARY_PATH like any
// library, so `module load openmpi` works) with RTLD_GLOBAL, as OpenMPI's own
// plugins need, and fills a table of the calls, typed from <mpi.h>.
//
// Swift cannot import OpenMPI's handle macros (MPI_COMM_WORLD is the address
// of a global struct), so the table also carries those handles, looked up by
// the symbol names the macros take the address of.
#ifndef FARM_CMPI_SHIM_H
#define FARM_CMPI_SHIM_H
#include <dlfcn.h>
#include <stddef.h>
#include <openmpi/mpi.h>

/// The MPI functions and handles farm uses, resolved from libmpi.
typedef struct farm_mpi_api {
    __typeof__(&MPI_Init_thread) init_thread;
    __typeof__(&MPI_Comm_rank) comm_rank;
    __typeof__(&MPI_Comm_size) comm_size;
    __typeof__(&MPI_Finalize) finalize;
    __typeof__(&MPI_Abort) abort;
    __typeof__(&MPI_Send) send;
    __typeof__(&MPI_Iprobe) iprobe;
    __typeof__(&MPI_Get_count) get_count;
    __typeof__(&MPI_Recv) recv;
    MPI_Comm comm_world;
    MPI_Datatype byte;
} farm_mpi_api;

/// The library `farm_mpi_load` opens.
#define FARM_MPI_LIBRARY "libmpi.so.40"

/// Opens libmpi and fills `api`; NULL on success, else the loader's message.
static inline const char *farm_mpi_load(farm_mpi_api *api) {
    void *library = dlopen(FARM_MPI_LIBRARY, RTLD_NOW | RTLD_GLOBAL);
    if (library == NULL) return dlerror();
#define FARM_MPI_RESOLVE(field, symbol) \
    if ((*(void **)&api->field = dlsym(library, symbol)) == NULL) return dlerror();
    FARM_MPI_RESOLVE(init_thread, "MPI_Init_thread")
    FARM_MPI_RESOLVE(comm_rank, "MPI_Comm_rank")
    FARM_MPI_RESOLVE(comm_size, "MPI_Comm_size")
    FARM_MPI_RESOLVE(finalize, "MPI_Finalize")
    FARM_MPI_RESOLVE(abort, "MPI_Abort")
    FARM_MPI_RESOLVE(send, "MPI_Send")
    FARM_MPI_RESOLVE(iprobe, "MPI_Iprobe")
    FARM_MPI_RESOLVE(get_count, "MPI_Get_count")
    FARM_MPI_RESOLVE(recv, "MPI_Recv")
    FARM_MPI_RESOLVE(comm_world, "ompi_mpi_comm_world")
    FARM_MPI_RESOLVE(byte, "ompi_mpi_byte")
#undef FARM_MPI_RESOLVE
    return NULL;
}

#endif
