// farm-pin CPUS PROGRAM [ARG...]: sets this process's CPU affinity to CPUS
// (a list such as 0,2-3) and execs PROGRAM, so a job starts on its own CPUs and
// every thread and child it makes inherits them. farmrun starts a job through
// it when the job's CPUs are a part of what its rank holds; it is a separate,
// tiny program because the job's spawn (posix_spawn) cannot set affinity and a
// mask set after the spawn would miss the threads a job starts first.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse(const char *text, cpu_set_t *set) {
    CPU_ZERO(set);
    const char *p = text;
    while (*p) {
        char *end;
        long first = strtol(p, &end, 10);
        if (end == p || first < 0 || first >= CPU_SETSIZE) return -1;
        long last = first;
        p = end;
        if (*p == '-') {
            p++;
            last = strtol(p, &end, 10);
            if (end == p || last < first || last >= CPU_SETSIZE) return -1;
            p = end;
        }
        for (long cpu = first; cpu <= last; cpu++) CPU_SET((int)cpu, set);
        if (*p == ',') p++;
        else if (*p) return -1;
    }
    return CPU_COUNT(set) > 0 ? 0 : -1;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: farm-pin CPUS PROGRAM [ARG...] (CPUS like 0,2-3)\n");
        return 64;
    }
    cpu_set_t set;
    if (parse(argv[1], &set) != 0) {
        fprintf(stderr, "farm-pin: bad CPU list \"%s\"; give e.g. 0,2-3\n", argv[1]);
        return 64;
    }
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        fprintf(stderr, "farm-pin: cannot pin to CPUs %s: %s\n", argv[1], strerror(errno));
        return 71;
    }
    execvp(argv[2], argv + 2);
    int code = errno == ENOENT ? 127 : 126;
    fprintf(stderr, "farm-pin: cannot start %s: %s\n", argv[2], strerror(errno));
    return code;
}
