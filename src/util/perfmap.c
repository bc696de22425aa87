/*
 * The perf map writer (see perfmap.h).  One O_APPEND descriptor; each entry
 * is formatted on the caller's stack and written with one write(2), which
 * keeps entries whole across threads without a lock and leaves nothing to
 * flush at exit.  A write costs about a microsecond, small beside the
 * translation that produced the block, and only when the map is on.
 */
#include "util/perfmap.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

bool perfmap_active;

static int perfmap_fd = -1;
static char perfmap_prefix[64];

static int perfmap_open_fd(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
}

/* A forked child gets a map of its own, named after its pid as perf
 * expects; without one its blocks would land in the parent's map. */
static void perfmap_after_fork(void)
{
    if (perfmap_fd < 0) {
        return;
    }
    close(perfmap_fd);
    char path[64];
    snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
    perfmap_fd = perfmap_open_fd(path);
    perfmap_active = perfmap_fd >= 0;
}

bool perfmap_open_path(const char *path, const char *prefix)
{
    static bool atfork_done;
    int fd = perfmap_open_fd(path);
    if (fd < 0) {
        return false;
    }
    if (perfmap_fd >= 0) {
        close(perfmap_fd);
    }
    perfmap_fd = fd;
    snprintf(perfmap_prefix, sizeof(perfmap_prefix), "%s", prefix);
    if (!atfork_done) {
        pthread_atfork(NULL, NULL, perfmap_after_fork);
        atfork_done = true;
    }
    perfmap_active = true;
    return true;
}

bool perfmap_open(const char *prefix)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
    return perfmap_open_path(path, prefix);
}

void perfmap_note(const void *start, size_t size, uint64_t guest_pc)
{
    char line[128];
    int n = snprintf(line, sizeof(line), "%lx %zx %s:0x%llx\n", (unsigned long)(uintptr_t)start,
                     size, perfmap_prefix, (unsigned long long)guest_pc);
    if (perfmap_fd < 0 || n <= 0 || (size_t)n >= sizeof(line)) {
        return;
    }
    /* A short or failed write loses one name in a profile, nothing more. */
    ssize_t done = write(perfmap_fd, line, (size_t)n);
    (void)done;
}

void perfmap_close(void)
{
    perfmap_active = false;
    if (perfmap_fd >= 0) {
        close(perfmap_fd);
        perfmap_fd = -1;
    }
}
