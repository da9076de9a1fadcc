/* The floor for the peers benchmark: one process that spawns the tasks S at a
 * time (fork + exec of an argv, no shell), reads each one's stdout to the end
 * and reaps it, with nothing else: no database, no messages, no bookkeeping.
 * Whatever a task farm costs above this is its overhead.
 *
 * Tasks come on stdin, one per line, arguments separated by a tab.
 * Usage: floor S < tasks.tsv   (prints nothing; exit 1 if a task failed) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct slot { pid_t pid; int out; };

static pid_t spawn(char *line, int *out) {
    char *argv[64];
    int argc = 0;
    for (char *tok = strtok(line, "\t"); tok && argc < 63; tok = strtok(NULL, "\t")) argv[argc++] = tok;
    argv[argc] = NULL;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    *out = fds[0];
    return pid;
}

int main(int argc, char **argv) {
    int slots = argc > 1 ? atoi(argv[1]) : 1;
    struct slot *running = calloc(slots, sizeof *running);
    struct pollfd *fds = calloc(slots, sizeof *fds);
    char *line = NULL;
    size_t cap = 0;
    int active = 0, failed = 0, more = 1;
    char buffer[65536];
    while (more || active > 0) {
        while (more && active < slots) {
            ssize_t n = getline(&line, &cap, stdin);
            if (n <= 0) { more = 0; break; }
            if (line[n - 1] == '\n') line[n - 1] = 0;
            for (int k = 0; k < slots; k++) {
                if (running[k].pid == 0) {
                    running[k].pid = spawn(line, &running[k].out);
                    active++;
                    break;
                }
            }
        }
        if (active == 0) break;
        for (int k = 0; k < slots; k++) { fds[k].fd = running[k].pid ? running[k].out : -1; fds[k].events = POLLIN; }
        if (poll(fds, slots, -1) < 0) return 2;
        for (int k = 0; k < slots; k++) {
            if (!running[k].pid || !(fds[k].revents & (POLLIN | POLLHUP))) continue;
            if (read(running[k].out, buffer, sizeof buffer) > 0) continue;
            close(running[k].out);
            int status;
            waitpid(running[k].pid, &status, 0);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
            running[k].pid = 0;
            active--;
        }
    }
    return failed;
}
