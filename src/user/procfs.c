/*
 * The guest's view of /proc where the host's would lie: /proc/self/maps
 * (the guest's mappings), /proc/self/auxv (the guest's auxiliary vector),
 * /proc/self/exe (the guest program, not Morpho), /proc/self/cmdline (the
 * guest's argv) and /proc/cpuinfo (a riscv64 machine).  /proc/<our pid>/
 * and /proc/thread-self/ are the same as /proc/self/.  Generated files are
 * memfds filled at open time, so reads, seeks and fstat work as on a file.
 */
#include "user/syscall_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* "/proc/self/NAME", "/proc/<pid>/NAME" or "/proc/thread-self/NAME" ->
 * NAME, else NULL. */
static const char *proc_self_entry(const char *path)
{
    if (strncmp(path, "/proc/", 6) != 0) {
        return NULL;
    }
    const char *rest = path + 6;
    char pid[24];
    snprintf(pid, sizeof(pid), "%d/", (int)getpid());
    if (strncmp(rest, "self/", 5) == 0) {
        return rest + 5;
    }
    if (strncmp(rest, "thread-self/", 12) == 0) {
        return rest + 12;
    }
    if (strncmp(rest, pid, strlen(pid)) == 0) {
        return rest + strlen(pid);
    }
    return NULL;
}

char *procfs_cpuinfo_text(void)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (!f) {
        return NULL;
    }
    for (long i = 0; i < (n > 0 ? n : 1); i++) {
        fprintf(f, "processor\t: %ld\n"
                   "hart\t\t: %ld\n"
                   "isa\t\t: rv64imafdc_zicsr_zifencei_zba_zbb_zbc_zbs\n"
                   "mmu\t\t: sv39\n"
                   "uarch\t\t: morpho,rv64\n"
                   "mvendorid\t: 0x0\n"
                   "marchid\t\t: 0x0\n"
                   "mimpid\t\t: 0x0\n\n", i, i);
    }
    fclose(f);
    return buf;
}

/* An fd reading len bytes of data, positioned at 0. */
static int memfd_with(const char *name, const void *data, size_t len)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, (const char *)data + done, len - done);
        if (w <= 0) {
            int e = errno;
            close(fd);
            return -e;
        }
        done += w;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

int procfs_open(UserThread *t, const char *path, int flags)
{
    UserProcess *p = t->proc;
    const char *entry = proc_self_entry(path);
    int fd;

    if (strcmp(path, "/proc/cpuinfo") == 0) {
        char *text = procfs_cpuinfo_text();
        fd = memfd_with("cpuinfo", text, text ? strlen(text) : 0);
        free(text);
    } else if (!entry) {
        return PROCFS_NOT_OURS;
    } else if (strcmp(entry, "maps") == 0) {
        char *text = mmap_maps_text(&p->mem);
        fd = memfd_with("maps", text, text ? strlen(text) : 0);
        free(text);
    } else if (strcmp(entry, "auxv") == 0) {
        const void *auxv = p->image.auxv ? mmap_g2h(&p->mem, p->image.auxv) : NULL;
        fd = memfd_with("auxv", auxv, auxv ? p->image.auxv_bytes : 0);
    } else if (strcmp(entry, "cmdline") == 0) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        for (int i = 0; i < p->opts.guest_argc; i++) {
            const char *arg = i == 0 && p->opts.argv0 ? p->opts.argv0 : p->opts.guest_argv[i];
            fwrite(arg, 1, strlen(arg) + 1, f);
        }
        fclose(f);
        fd = memfd_with("cmdline", buf, size);
        free(buf);
    } else if (strcmp(entry, "exe") == 0 && p->exe_path) {
        fd = open(p->exe_path, flags | O_CLOEXEC);
        fd = fd < 0 ? -errno : fd;
    } else {
        return PROCFS_NOT_OURS;
    }
    if (fd >= 0 && !(flags & O_CLOEXEC)) {
        fcntl(fd, F_SETFD, 0);
    }
    return fd;
}

int64_t procfs_readlink(UserThread *t, const char *path, char *buf, size_t size)
{
    const char *entry = proc_self_entry(path);
    if (!entry || strcmp(entry, "exe") != 0 || !t->proc->exe_path) {
        return PROCFS_NOT_OURS;
    }
    size_t n = strlen(t->proc->exe_path);
    if (n > size) {
        n = size;
    }
    memcpy(buf, t->proc->exe_path, n);
    return (int64_t)n;
}
