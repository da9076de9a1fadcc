#ifndef FARM_DESCRIPTOR_PASSING_H
#define FARM_DESCRIPTOR_PASSING_H

#include <stddef.h>
#include <sys/types.h>

/// Sends `length` bytes on the Unix socket `socket` with the descriptors
/// `fds[0..<count]` attached (SCM_RIGHTS), all of it or an error: the warm
/// Python a slot keeps receives each job's stdout and stderr pipes this way.
/// The control-message macros (CMSG_FIRSTHDR, CMSG_DATA) are macros, which
/// Swift cannot call: hence this function. Returns 0, or -1 with errno set.
int farm_send_with_descriptors(int socket, const void *bytes, size_t length, const int *fds, int count);

/// A pipe whose both ends are close-on-exec from the start (pipe2 with O_CLOEXEC), so a job
/// spawned by another slot at the same moment cannot inherit them and hold them open. Glibc's
/// pipe2 needs _GNU_SOURCE, which Swift's Glibc module does not set. Returns 0, or -1 with errno.
int farm_pipe_cloexec(int fds[2]);

#endif
