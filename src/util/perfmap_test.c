/*
 * Tests of the perf map writer: entries from several threads arrive whole
 * and well-formed, nothing is written when the map is off, and a forked
 * child writes to a map named after its own pid.
 */
#include "util/perfmap.h"
#include "util/unittest.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

enum { THREADS = 4, PER_THREAD = 2000 };

static void *perfmap_test_writer(void *arg)
{
    uintptr_t t = (uintptr_t)arg;
    for (uintptr_t i = 0; i < PER_THREAD; i++) {
        /* Thread t's blocks: 0x100000 * (t + 1) + 0x40 * i, pc = the same + 1. */
        uintptr_t start = 0x100000 * (t + 1) + 0x40 * i;
        perfmap_note((const void *)start, 0x40, start + 1);
    }
    return NULL;
}

/* Reads the map at path; counts lines and checks each against the writer's
 * pattern.  seen[] marks which (thread, i) arrived. */
static int perfmap_test_read(const char *path, bool seen[THREADS][PER_THREAD])
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) {
        return -1;
    }
    char line[256];
    int n = 0;
    while (fgets(line, sizeof(line), f)) {
        unsigned long start, size;
        unsigned long long pc;
        char tail[8];
        int got = sscanf(line, "%lx %lx guest-test:0x%llx%1s", &start, &size, &pc, tail);
        CHECK_INT(got, 3);
        CHECK_INT(size, 0x40);
        CHECK_U64(pc, start + 1);
        unsigned long t = start / 0x100000 - 1, i = (start % 0x100000) / 0x40;
        if (got == 3 && t < THREADS && i < PER_THREAD) {
            CHECK(!seen[t][i]);
            seen[t][i] = true;
        }
        n++;
    }
    fclose(f);
    return n;
}

UNITTEST(threads_write_whole_lines)
{
    char path[] = "/tmp/morpho-perfmap-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);

    CHECK(!perfmap_enabled());
    perfmap_note((const void *)0x1000, 0x10, 0x2000);   /* off: ignored */
    CHECK(perfmap_open_path(path, "guest-test"));
    CHECK(perfmap_enabled());
    pthread_t th[THREADS];
    for (uintptr_t t = 0; t < THREADS; t++) {
        pthread_create(&th[t], NULL, perfmap_test_writer, (void *)t);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
    }
    perfmap_close();
    CHECK(!perfmap_enabled());

    static bool seen[THREADS][PER_THREAD];
    CHECK_INT(perfmap_test_read(path, seen), THREADS * PER_THREAD);
    for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < PER_THREAD; i++) {
            CHECK(seen[t][i]);
        }
    }
    unlink(path);
}

UNITTEST(forked_child_writes_its_own_map)
{
    char path[] = "/tmp/morpho-perfmap-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK(perfmap_open_path(path, "guest-test"));
    perfmap_note((const void *)0x100000, 0x40, 0x100001);
    pid_t child = fork();
    if (child == 0) {
        perfmap_note((const void *)0x200000, 0x40, 0x200001);
        _exit(perfmap_enabled() ? 0 : 1);
    }
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    perfmap_note((const void *)0x100040, 0x40, 0x100041);
    perfmap_close();

    static bool seen[THREADS][PER_THREAD];
    CHECK_INT(perfmap_test_read(path, seen), 2);
    CHECK(seen[0][0] && seen[0][1] && !seen[1][0]);

    char child_path[64];
    snprintf(child_path, sizeof(child_path), "/tmp/perf-%d.map", (int)child);
    static bool child_seen[THREADS][PER_THREAD];
    CHECK_INT(perfmap_test_read(child_path, child_seen), 1);
    CHECK(child_seen[1][0]);
    unlink(child_path);
    unlink(path);
}
