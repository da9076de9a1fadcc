#define _GNU_SOURCE
#include "descriptor_passing.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

int farm_send_with_descriptors(int socket, const void *bytes, size_t length, const int *fds, int count) {
    if (count < 0 || count > 8 || length == 0) { errno = EINVAL; return -1; }
    union {
        char buffer[CMSG_SPACE(8 * sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    const char *next = bytes;
    size_t left = length;
    int attach = count > 0;
    while (left > 0) {
        struct iovec part = { .iov_base = (void *)next, .iov_len = left };
        struct msghdr message = { .msg_iov = &part, .msg_iovlen = 1 };
        if (attach) {
            // The descriptors ride with the first bytes; the rest is plain data.
            message.msg_control = control.buffer;
            message.msg_controllen = CMSG_SPACE((size_t)count * sizeof(int));
            struct cmsghdr *header = CMSG_FIRSTHDR(&message);
            header->cmsg_level = SOL_SOCKET;
            header->cmsg_type = SCM_RIGHTS;
            header->cmsg_len = CMSG_LEN((size_t)count * sizeof(int));
            memcpy(CMSG_DATA(header), fds, (size_t)count * sizeof(int));
        }
        ssize_t sent = sendmsg(socket, &message, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        attach = 0;
        next += sent;
        left -= (size_t)sent;
    }
    return 0;
}

int farm_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}
