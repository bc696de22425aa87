/*
 * The monitor's shared parts: the Monitor state (one per chardev), output
 * buffering, and the entry points of the HMP and QMP halves.  Main loop
 * thread, BQL held.
 */
#ifndef MONITOR_MONITOR_INTERNAL_H
#define MONITOR_MONITOR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "chardev/chardev.h"
#include "exec/cpu.h"
#include "monitor/json.h"
#include "monitor/monitor.h"

#define HMP_LINE_MAX 1024
#define HMP_HISTORY 32

typedef struct MonBuf {
    char *data;
    size_t len, cap;
} MonBuf;

void monbuf_put(MonBuf *b, const char *s, size_t n);

struct Monitor {
    bool qmp;
    CharFrontend fe;            /* chr == NULL: a capture monitor */
    MonBuf out;                 /* pending output */
    bool mux_out;               /* a mux gave the focus away: hold output */
    Monitor *next;

    /* HMP: the line being edited, history, escape-sequence state. */
    char line[HMP_LINE_MAX];
    size_t line_len;
    char *history[HMP_HISTORY];
    int history_count, history_pos;
    int esc_state;              /* 0 none, 1 after ESC, 2 after ESC [ */
    int cpu_index;              /* the monitor's current CPU */
    bool quitting;              /* "quit" ran: no prompt after it */
    /* x/xp: the last format, size and next address (QEMU remembers them). */
    char last_format;
    int last_size;

    /* QMP */
    JsonStreamer js;
    bool negotiated;
};

/* Write pending output to the chardev (unless a mux holds it). */
void monitor_flush(Monitor *mon);

/* The CPU a command is about: the monitor's current one, or the first. */
CpuState *monitor_cpu(Monitor *mon);
/* Read guest virtual memory through cpu's translation (false if unmapped). */
bool monitor_read_virt(CpuState *cpu, uint64_t addr, void *buf, size_t len);
bool monitor_read_phys(CpuState *cpu, uint64_t addr, void *buf, size_t len);

/* HMP half (hmp.c). */
void hmp_receive(Monitor *mon, const uint8_t *buf, int size);
void hmp_opened(Monitor *mon);
void hmp_handle_command(Monitor *mon, const char *cmdline);

/* QMP half (qmp.c). */
void qmp_init(Monitor *mon);
void qmp_receive(Monitor *mon, const uint8_t *buf, int size);
void qmp_opened(Monitor *mon);
void qmp_closed(Monitor *mon);
/* Set by the system_reset commands so the RESET event says "host". */
extern bool monitor_reset_by_host;

#endif
