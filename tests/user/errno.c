/* errno values the guest sees for common mistakes (Linux's numbers). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SHOW(expr)                                                                  \
    do {                                                                            \
        errno = 0;                                                                  \
        long r_ = (long)(expr);                                                     \
        printf("%-44s = %ld errno %d (%s)\n", #expr, r_, errno, strerrorname_np(errno) \
               ? strerrorname_np(errno) : "0");                                       \
    } while (0)

static void *volatile bad_pointer = (void *)16;

int main(void)
{
    char dir[] = "/tmp/morpho-errno-XXXXXX";
    mkdtemp(dir);
    chdir(dir);
    SHOW(open("missing", O_RDONLY));
    SHOW(read(12345, bad_pointer, 1));
    SHOW(mkdir("d", 0755));
    SHOW(mkdir("d", 0755));
    SHOW(close(open("d/f", O_CREAT | O_WRONLY, 0644)));
    SHOW(rmdir("d"));
    SHOW(open("d/f/x", O_RDONLY));
    SHOW(unlink("d"));
    SHOW(write(1, bad_pointer, 4));
    SHOW(syscall(999));
    SHOW(lseek(0, -1, SEEK_SET) < 0 ? -1 : 0);
    SHOW(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
    SHOW(munmap((void *)0x10001, 4096));
    SHOW(kill(999999, 0));
    SHOW(dup2(12345, 3));
    SHOW(access("/", W_OK | X_OK) >= -1);
    unlink("d/f");
    rmdir("d");
    chdir("/");
    rmdir(dir);
    return 0;
}
