#ifndef FARM_JOB_SPAWN_H
#define FARM_JOB_SPAWN_H

#include <sys/types.h>

/// Starts a job: `path` (already resolved, not searched for) with `argv` and `envp`, in a new
/// session (so its whole group can be signalled), stdin on /dev/null, stdout and stderr on
/// `stdout_fd` and `stderr_fd`, every other descriptor closed, the signal mask empty and every
/// signal at its default disposition whatever the worker set for itself. posix_spawn with
/// POSIX_SPAWN_SETSID and (glibc 2.34 and later) posix_spawn_file_actions_addclosefrom_np, which
/// Swift's Glibc module does not expose (they need _GNU_SOURCE). Returns 0 with `*pid` set, or the errno of the failure
/// (ENOENT, EACCES, ENOEXEC… from the exec itself: glibc's posix_spawn reports them).
int farm_spawn_job(const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd, pid_t *pid);

/// A descriptor that polls readable when `pid` (a child) exits (pidfd_open, Linux 5.3), close-on-exec;
/// -1 with errno set where the kernel has none (the caller then looks with waitid).
int farm_pidfd_open(pid_t pid);

#endif
