#ifndef FARM_CHILD_USAGE_H
#define FARM_CHILD_USAGE_H

#include <sys/types.h>
#include <sys/resource.h>

/// Reads the resource usage of the exited child `pid` (its own and that of
/// the children it waited for) without reaping it, so swift-subprocess can
/// still collect its status. Linux's waitid system call takes a `struct
/// rusage *` that glibc's wrapper does not expose, and `syscall` is variadic,
/// which Swift cannot call: hence this function.
///
/// Returns 1 when the child has exited (`usage` filled), 0 while it runs,
/// -1 on error (errno set).
int farm_peek_child_usage(pid_t pid, struct rusage *usage);

#endif
