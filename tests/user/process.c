/* Processes: fork and wait statuses, pipes between parent and child,
 * execve of a riscv64 program (ourselves) and of a host program, vfork,
 * posix_spawn, uname, /proc/self views and the auxiliary vector, and a
 * parent and child that both run code first reached after the fork (each
 * translates its own blocks: they must not share translations). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* 32 small functions nobody calls before the fork; the child runs the first
 * half, the parent the second, at the same time. */
#define FN(n) static __attribute__((noinline)) uint64_t fn##n(uint64_t x) { return x * (2 * n + 1) + n; }
#define FN8(a, b, c, d, e, f, g, h) FN(a) FN(b) FN(c) FN(d) FN(e) FN(f) FN(g) FN(h)
FN8(0, 1, 2, 3, 4, 5, 6, 7) FN8(8, 9, 10, 11, 12, 13, 14, 15)
FN8(16, 17, 18, 19, 20, 21, 22, 23) FN8(24, 25, 26, 27, 28, 29, 30, 31)
static uint64_t (*const fns[32])(uint64_t) = {
    fn0, fn1, fn2, fn3, fn4, fn5, fn6, fn7, fn8, fn9, fn10, fn11, fn12, fn13, fn14, fn15,
    fn16, fn17, fn18, fn19, fn20, fn21, fn22, fn23, fn24, fn25, fn26, fn27, fn28, fn29, fn30,
    fn31,
};

/* Sum of fns[first..first+15](k) for k < 20000, checked against the closed form. */
static int run_fresh_code(unsigned first)
{
    enum { K = 20000 };
    uint64_t sum = 0, want = 0;
    for (unsigned i = first; i < first + 16; i++) {
        for (uint64_t k = 0; k < K; k++) {
            sum += fns[i](k);
        }
        want += (2 * (uint64_t)i + 1) * ((uint64_t)K * (K - 1) / 2) + (uint64_t)K * i;
    }
    return sum == want;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("exec'd child: argv[0]=%s argc=%d MORPHO_TEST=%s\n", argv[0], argc,
               getenv("MORPHO_TEST") ? getenv("MORPHO_TEST") : "(unset)");
        return 5;
    }
    setvbuf(stdout, NULL, _IONBF, 0);

    struct utsname u;
    uname(&u);
    printf("machine %s\n", u.machine);
    printf("AT_PAGESZ %lu AT_HWCAP has IMAFDC %d\n", getauxval(AT_PAGESZ),
           (getauxval(AT_HWCAP) & 0x112d) == 0x112d);
    printf("AT_PLATFORM %s\n", (const char *)getauxval(AT_PLATFORM));

    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    self[n > 0 ? n : 0] = '\0';
    char *real = realpath(argv[0], NULL);
    printf("/proc/self/exe is the program: %d\n", real && strcmp(real, self) == 0);
    free(real);
    FILE *ci = fopen("/proc/cpuinfo", "r");
    char line[256];
    int isa = 0;
    while (ci && fgets(line, sizeof(line), ci)) {
        isa |= strncmp(line, "isa", 3) == 0 && strstr(line, "rv64") != NULL;
    }
    if (ci) {
        fclose(ci);
    }
    printf("/proc/cpuinfo isa rv64 %d\n", isa);

    pid_t pid = fork();
    if (pid == 0) {
        _exit(3);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("fork: child exited %d status %d\n", WIFEXITED(st), WEXITSTATUS(st));

    pid = fork();
    if (pid == 0) {
        raise(SIGKILL);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    printf("child killed by signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);

    pid = fork();
    if (pid == 0) {
        _exit(run_fresh_code(0) ? 0 : 1);
    }
    int parent_ok = run_fresh_code(16);
    waitpid(pid, &st, 0);
    printf("fork: fresh code in child %d parent %d\n",
           WIFEXITED(st) && WEXITSTATUS(st) == 0, parent_ok);

    int fds[2];
    pipe(fds);
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dprintf(fds[1], "through the pipe from %s\n", getppid() > 1 ? "child" : "?");
        _exit(0);
    }
    close(fds[1]);
    char buf[128] = "";
    n = read(fds[0], buf, sizeof(buf) - 1);
    close(fds[0]);
    waitpid(pid, NULL, 0);
    printf("pipe: %s", buf);

    pid = fork();
    if (pid == 0) {
        char *args[] = { "renamed", "child", "x", NULL };
        setenv("MORPHO_TEST", "inherited", 1);
        execve(self, args, environ);
        _exit(99);
    }
    waitpid(pid, &st, 0);
    printf("exec self: status %d\n", WEXITSTATUS(st));

    pid = vfork();
    if (pid == 0) {
        execl("/bin/echo", "echo", "host echo via vfork+exec", (char *)NULL);
        _exit(98);
    }
    waitpid(pid, &st, 0);
    printf("host exec: status %d\n", WEXITSTATUS(st));

    char *sargs[] = { "spawned", "child", NULL };
    if (posix_spawn(&pid, self, NULL, NULL, sargs, environ) == 0) {
        waitpid(pid, &st, 0);
        printf("posix_spawn: status %d\n", WEXITSTATUS(st));
    }

    errno = 0;
    execl("/nonexistent/program", "x", (char *)NULL);
    printf("exec missing: %s\n", strerror(errno));
    return 0;
}
