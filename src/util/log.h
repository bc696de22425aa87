/*
 * Debug logging, QEMU's -d / -D: a global mask of enabled items and a log
 * file (stderr unless -D names one).  log_enabled() is a plain load and test
 * so it can sit on warm paths; the items are one table (log.c) that also
 * prints `-d help`.  Thread-safe: each log_printf() call writes whole.
 */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define LOG_ITEMS(X)                                                           \
    X(IN_ASM,       "in_asm",       "show guest code of each translated block")  \
    X(OP,           "op",           "show the IR of each translated block")      \
    X(OP_OPT,       "op_opt",       "show the IR after optimization")            \
    X(OUT_ASM,      "out_asm",      "show the host code generated for each block") \
    X(EXEC,         "exec",         "show each executed block's guest pc")       \
    X(CPU,          "cpu",          "show CPU registers before entering a block") \
    X(INT,          "int",          "show interrupts and exceptions")            \
    X(GUEST_ERRORS, "guest_errors", "log when the guest does something invalid") \
    X(UNIMP,        "unimp",        "log unimplemented functionality")           \
    X(MMU,          "mmu",          "log MMU-related activity")                  \
    X(PAGE,         "page",         "dump pages at start-up")                    \
    X(STRACE,       "strace",       "log every user-mode system call")           \
    X(NOCHAIN,      "nochain",      "do not chain translated blocks")

enum {
#define LOG_BIT(id, name, help) LOG_BIT_##id,
    LOG_ITEMS(LOG_BIT)
#undef LOG_BIT
};

enum {
#define LOG_MASK_ITEM(id, name, help) LOG_##id = 1u << LOG_BIT_##id,
    LOG_ITEMS(LOG_MASK_ITEM)
#undef LOG_MASK_ITEM
};

extern uint32_t log_mask;

static inline bool log_enabled(uint32_t mask)
{
    return (log_mask & mask) != 0;
}

/* Parse "-d item,item"; "help" prints the table and returns true with
 * *help_printed set.  On an unknown item fills *bad_item and returns false. */
bool log_parse_items(const char *spec, uint32_t *mask, bool *help_printed,
                     char *bad_item, size_t bad_item_size);
void log_print_help(FILE *out);

/* -D FILE; NULL goes back to stderr.  Returns false (errno set) on failure. */
bool log_set_file(const char *path);
FILE *log_file(void);

void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* log_mask_printf(LOG_GUEST_ERROR, "...") prints only when enabled. */
#define log_mask_printf(mask, ...)                                             \
    do {                                                                       \
        if (log_enabled(mask)) {                                               \
            log_printf(__VA_ARGS__);                                           \
        }                                                                      \
    } while (0)

#endif
