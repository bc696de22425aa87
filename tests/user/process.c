/* Processes: fork and wait statuses, pipes between parent and child,
 * execve of a riscv64 program (ourselves) and of a host program, vfork,
 * posix_spawn, uname, /proc/self views and the auxiliary vector. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

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
