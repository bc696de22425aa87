/* Sockets on 127.0.0.1: TCP between two threads, UDP, socketpair with
 * fd passing (SCM_RIGHTS), poll, epoll, and socket options. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int listener;

static void *server(void *arg)
{
    int c = accept(listener, NULL, NULL);
    char buf[64] = "";
    ssize_t n = recv(c, buf, sizeof(buf), 0);
    for (ssize_t i = 0; i < n; i++) {
        buf[i] = buf[i] >= 'a' && buf[i] <= 'z' ? buf[i] - 32 : buf[i];
    }
    send(c, buf, n, 0);
    close(c);
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    printf("bind: %d\n", bind(listener, (struct sockaddr *)&a, sizeof(a)));
    socklen_t len = sizeof(a);
    getsockname(listener, (struct sockaddr *)&a, &len);
    printf("port assigned: %d\n", ntohs(a.sin_port) != 0);
    printf("listen: %d\n", listen(listener, 4));
    pthread_t th;
    pthread_create(&th, NULL, server, NULL);

    int c = socket(AF_INET, SOCK_STREAM, 0);
    printf("connect: %d\n", connect(c, (struct sockaddr *)&a, sizeof(a)));
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    int got = 0;
    len = sizeof(got);
    getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &got, &len);
    printf("nodelay: %d\n", got != 0);
    send(c, "hello tcp", 9, 0);
    struct pollfd pfd = { .fd = c, .events = POLLIN };
    printf("poll: %d revents POLLIN %d\n", poll(&pfd, 1, 5000), (pfd.revents & POLLIN) != 0);
    char buf[64] = "";
    recv(c, buf, sizeof(buf), 0);
    printf("echo: %s\n", buf);
    pthread_join(th, NULL);
    close(c);
    close(listener);

    int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in b = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bind(u2, (struct sockaddr *)&b, sizeof(b));
    len = sizeof(b);
    getsockname(u2, (struct sockaddr *)&b, &len);
    sendto(u1, "datagram", 8, 0, (struct sockaddr *)&b, sizeof(b));
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0xfeedface12345678ull };
    epoll_ctl(ep, EPOLL_CTL_ADD, u2, &ev);
    struct epoll_event out[2];
    int ne = epoll_wait(ep, out, 2, 5000);
    printf("epoll: %d data ok %d\n", ne, ne == 1 && out[0].data.u64 == 0xfeedface12345678ull);
    struct sockaddr_in from;
    len = sizeof(from);
    memset(buf, 0, sizeof(buf));
    ssize_t n = recvfrom(u2, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
    printf("udp: %zd '%s' from loopback %d\n", n, buf,
           from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    close(ep);
    close(u1);
    close(u2);

    int sp[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
    int pipefd[2];
    pipe(pipefd);
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof(cbuf));
    struct iovec iov = { .iov_base = "fd", .iov_len = 2 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                        .msg_controllen = sizeof(cbuf) };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &pipefd[1], sizeof(int));
    printf("sendmsg: %zd\n", sendmsg(sp[0], &m, 0));
    char rbuf[8] = "";
    char rc[CMSG_SPACE(sizeof(int))];
    struct iovec riov = { .iov_base = rbuf, .iov_len = sizeof(rbuf) };
    struct msghdr rm = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = rc,
                         .msg_controllen = sizeof(rc) };
    printf("recvmsg: %zd '%s'\n", recvmsg(sp[1], &rm, 0), rbuf);
    struct cmsghdr *rcm = CMSG_FIRSTHDR(&rm);
    int passed = -1;
    if (rcm && rcm->cmsg_type == SCM_RIGHTS) {
        memcpy(&passed, CMSG_DATA(rcm), sizeof(int));
    }
    write(passed, "via passed fd", 13);
    memset(buf, 0, sizeof(buf));
    read(pipefd[0], buf, sizeof(buf));
    printf("passed fd works: %s\n", buf);
    return 0;
}
