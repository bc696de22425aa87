/*
 * perf's map of JIT code (-perfmap, QEMU_PERFMAP): /tmp/perf-<pid>.map, one
 * line "<start-hex> <size-hex> <name>" per translated block, which `perf
 * report` reads to name samples in anonymous executable memory.  Names are
 * "<prefix>:0x<guest pc>" (prefix "guest-riscv64"), so a profile shows which
 * guest code the time went to.
 *
 * Any thread may call perfmap_note (the JIT calls it as it compiles a
 * block); each line is one write(2) on an O_APPEND file, so lines from
 * several threads never interleave and nothing stays buffered when the
 * process ends, however it ends.  A forked child writes its own
 * /tmp/perf-<child pid>.map.  Off by default: the check is one load.
 * Code-buffer flushes reuse addresses; perf then sees several names for an
 * address (as with QEMU's map).
 */
#ifndef MORPHO_UTIL_PERFMAP_H
#define MORPHO_UTIL_PERFMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern bool perfmap_active;

static inline bool perfmap_enabled(void)
{
    return perfmap_active;
}

/* Start writing /tmp/perf-<pid>.map (truncated).  Start-up, before any
 * thread compiles.  false with errno set when the file cannot be opened. */
bool perfmap_open(const char *prefix);

/* The same, to path (tests); a forked child still switches to
 * /tmp/perf-<child pid>.map. */
bool perfmap_open_path(const char *path, const char *prefix);

/* Record [start, start + size) as the code of guest pc.  Thread-safe. */
void perfmap_note(const void *start, size_t size, uint64_t guest_pc);

/* Stop writing and close the file. */
void perfmap_close(void);

#endif
