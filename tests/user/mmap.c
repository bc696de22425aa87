/* Memory: anonymous and file mappings, mprotect with a SIGSEGV handler,
 * munmap, mremap, brk, and the guest's /proc/self/maps. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf jb;
static void *fault_addr;
static int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    fault_addr = si->si_addr;
    fault_code = si->si_code;
    siglongjmp(jb, 1);
}

static int in_maps(void *addr, const char *perms)
{
    char line[512], want[64];
    snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
    FILE *f = fopen("/proc/self/maps", "r");
    int found = 0;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, want, strlen(want)) == 0 && strstr(line, perms)) {
            found = 1;
        }
    }
    fclose(f);
    return found;
}

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    printf("page size %ld\n", page);
    char *p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("anon mapped %d, zero %d\n", p != MAP_FAILED, p[3 * page + 5] == 0);
    strcpy(p, "data");
    printf("in maps rw-p %d\n", in_maps(p, "rw-p"));

    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);

    mprotect(p + page, page, PROT_READ);
    printf("in maps r--p %d\n", in_maps(p + page, "r--p"));
    if (sigsetjmp(jb, 1) == 0) {
        p[page + 8] = 1;
        printf("write to read-only page did not fault\n");
    } else {
        printf("SIGSEGV at +%ld code %s\n", (long)((char *)fault_addr - p),
               fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other");
    }
    munmap(p + 2 * page, page);
    if (sigsetjmp(jb, 1) == 0) {
        (void)*(volatile char *)(p + 2 * page);
        printf("read of unmapped page did not fault\n");
    } else {
        printf("SIGSEGV at +%ld code %s\n", (long)((char *)fault_addr - p),
               fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other");
    }

    char *q = mremap(p, page, 8 * page, MREMAP_MAYMOVE);
    printf("mremap kept data: %s\n", q != MAP_FAILED ? q : "failed");

    char path[] = "/tmp/morpho-mmap-XXXXXX";
    int fd = mkstemp(path);
    char block[8192];
    memset(block, 'a', sizeof(block));
    memcpy(block + 4096, "second page", 11);
    write(fd, block, sizeof(block));
    char *f = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
    printf("file mapping: %.11s\n", f);
    char *w = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(w + 4096, "SECOND", 6);
    msync(w, 8192, MS_SYNC);
    printf("shared write seen: %.11s\n", f);
    char back[12] = "";
    pread(fd, back, 11, 4096);
    printf("file now: %s\n", back);
    munmap(w, 8192);
    munmap(f, 4096);
    close(fd);
    unlink(path);

    char *fixed = mmap((void *)0x50000000, page, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("fixed_noreplace at 0x50000000: %d\n", fixed == (void *)0x50000000);
    void *again = mmap((void *)0x50000000, page, PROT_READ,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("second time fails: %d\n", again == MAP_FAILED);

    void *b0 = sbrk(0);
    char *grown = sbrk(3 * page);
    memset(grown, 7, 3 * page);
    printf("sbrk grew by %ld\n", (long)((char *)sbrk(0) - (char *)b0));

    char *big = malloc(10 << 20);
    memset(big, 1, 10 << 20);
    printf("malloc 10 MiB ok %d\n", big[(10 << 20) - 1] == 1);
    free(big);
    return 0;
}
