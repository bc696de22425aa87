/*
 * The monitor's common part: creating HMP and QMP monitors on chardevs,
 * buffered output (held while a mux has given the focus to the serial
 * port, as QEMU does, and flushed from a bottom half so start-up output
 * lands after the frontends settled), the run-state hooks that turn stops,
 * resumes, resets and powerdowns into QMP events, and the guest-memory
 * helpers that x/xp and the gdbstub share.
 *
 * Invariants: every Monitor is on the monitors list from creation to the
 * end of the process; output only ever goes out through monitor_flush.
 * Main loop thread, BQL held.
 */
#include "monitor/monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "chardev/mux.h"
#include "exec/exec.h"
#include "monitor/monitor_internal.h"
#include "system/main_loop.h"
#include "system/runstate.h"

static Monitor *monitors;
static Bh *monitor_flush_bh;
static bool monitor_hooks_installed;
bool monitor_reset_by_host;

void monbuf_put(MonBuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap) {
            b->cap = b->cap ? b->cap * 2 : 256;
        }
        b->data = realloc(b->data, b->cap);
        if (!b->data) {
            abort();
        }
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

void monitor_flush(Monitor *mon)
{
    if (!mon->fe.chr || mon->mux_out || mon->out.len == 0) {
        return;
    }
    chardev_fe_write(&mon->fe, (const uint8_t *)mon->out.data, (int)mon->out.len);
    mon->out.len = 0;
}

static void monitor_flush_all(void *opaque)
{
    for (Monitor *mon = monitors; mon; mon = mon->next) {
        monitor_flush(mon);
    }
}

static void monitor_schedule_flush(void)
{
    if (!monitor_flush_bh) {
        monitor_flush_bh = bh_new(monitor_flush_all, NULL);
    }
    bh_schedule(monitor_flush_bh);
}

/* HMP output is for terminals in raw mode: every \n becomes \r\n, as in
 * QEMU (human-monitor-command returns the same text). */
static void monitor_puts(Monitor *mon, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' && !mon->qmp) {
            monbuf_put(&mon->out, "\r\n", 2);
        } else {
            monbuf_put(&mon->out, &s[i], 1);
        }
    }
}

void monitor_vprintf(Monitor *mon, const char *fmt, va_list ap)
{
    char small[512];
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof(small)) {
        monitor_puts(mon, small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (!big) {
            abort();
        }
        vsnprintf(big, (size_t)n + 1, fmt, ap2);
        monitor_puts(mon, big, (size_t)n);
        free(big);
    }
    va_end(ap2);
    if (mon->fe.chr) {
        monitor_schedule_flush();
    }
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    monitor_vprintf(mon, fmt, ap);
    va_end(ap);
}

/* ---- guest state helpers ---- */

typedef struct CpuFind {
    int index;
    CpuState *found, *first;
} CpuFind;

static void monitor_find_cpu(CpuState *cpu, void *opaque)
{
    CpuFind *f = opaque;

    if (!f->first) {
        f->first = cpu;
    }
    if (cpu->cpu_index == f->index && !f->found) {
        f->found = cpu;
    }
}

CpuState *monitor_cpu(Monitor *mon)
{
    CpuFind f = { .index = mon ? mon->cpu_index : 0 };

    exec_cpu_foreach(monitor_find_cpu, &f);
    return f.found ? f.found : f.first;
}

bool monitor_read_virt(CpuState *cpu, uint64_t addr, void *buf, size_t len)
{
    return cpu_memory_rw_debug(cpu, addr, buf, len, false);
}

bool monitor_read_phys(CpuState *cpu, uint64_t addr, void *buf, size_t len)
{
    return address_space_read(cpu->as, addr, MEMTXATTRS_UNSPECIFIED, buf, len) == MEMTX_OK;
}

/* ---- events ---- */

void monitor_emit_event(const char *event, JsonValue *data)
{
    struct timeval tv;
    JsonValue *msg = json_new_object(), *ts = json_new_object();
    char *text;

    gettimeofday(&tv, NULL);
    json_object_set(ts, "seconds", json_new_int(tv.tv_sec));
    json_object_set(ts, "microseconds", json_new_int(tv.tv_usec));
    json_object_set(msg, "timestamp", ts);
    json_object_set(msg, "event", json_new_string(event));
    if (data) {
        json_object_set(msg, "data", data);
    }
    text = json_to_string(msg);
    for (Monitor *mon = monitors; mon; mon = mon->next) {
        if (mon->qmp && mon->negotiated && mon->fe.chr) {
            monbuf_put(&mon->out, text, strlen(text));
            monbuf_put(&mon->out, "\r\n", 2);
            monitor_flush(mon);
        }
    }
    free(text);
    json_free(msg);
}

/* QAPI's ShutdownCause names for the causes runstate knows. */
static const char *monitor_cause_name(ShutdownCause cause)
{
    switch (cause) {
    case SHUTDOWN_CAUSE_HOST_QUIT:
        return "host-qmp-quit";
    case SHUTDOWN_CAUSE_SUBSYSTEM_RESET:
        return "subsystem-reset";
    default:
        return shutdown_cause_name(cause);
    }
}

static bool monitor_cause_is_guest(ShutdownCause cause)
{
    return cause == SHUTDOWN_CAUSE_GUEST_SHUTDOWN || cause == SHUTDOWN_CAUSE_GUEST_RESET ||
           cause == SHUTDOWN_CAUSE_GUEST_PANIC;
}

static bool monitor_shutdown_sent;    /* since the VM last started */

static void monitor_send_shutdown(void)
{
    ShutdownCause cause = runstate_shutdown_cause();
    JsonValue *data = json_new_object();

    /* -no-shutdown pauses a guest's shutdown without accepting a cause */
    if (cause == SHUTDOWN_CAUSE_NONE) {
        cause = SHUTDOWN_CAUSE_GUEST_SHUTDOWN;
    }
    monitor_shutdown_sent = true;
    json_object_set(data, "guest", json_new_bool(monitor_cause_is_guest(cause)));
    json_object_set(data, "reason", json_new_string(monitor_cause_name(cause)));
    monitor_emit_event("SHUTDOWN", data);
}

static void monitor_vm_state_changed(void *opaque, bool running, RunState state)
{
    if (running) {
        monitor_shutdown_sent = false;
    }
    if (!running && state == RUN_STATE_SHUTDOWN && !monitor_shutdown_sent) {
        monitor_send_shutdown();
    }
    monitor_emit_event(running ? "RESUME" : "STOP", NULL);
}

static void monitor_reset_handler(void *opaque)
{
    JsonValue *data;

    if (runstate_get() == RUN_STATE_PRELAUNCH && !monitor_reset_by_host) {
        return;     /* the start-up reset is no event (QEMU's cause NONE) */
    }
    data = json_new_object();
    json_object_set(data, "guest", json_new_bool(!monitor_reset_by_host));
    json_object_set(data, "reason", json_new_string(monitor_reset_by_host
                                                        ? "host-qmp-system-reset"
                                                        : "guest-reset"));
    monitor_reset_by_host = false;
    monitor_emit_event("RESET", data);
}

static void monitor_powerdown_handler(void *opaque)
{
    monitor_emit_event("POWERDOWN", NULL);
}

static void monitor_install_hooks(void)
{
    if (monitor_hooks_installed) {
        return;
    }
    monitor_hooks_installed = true;
    runstate_add_change_handler(monitor_vm_state_changed, NULL);
    runstate_register_reset(monitor_reset_handler, NULL);
    runstate_add_powerdown_handler(monitor_powerdown_handler, NULL);
}

void monitor_shutdown(void)
{
    if (!monitor_shutdown_sent) {
        monitor_send_shutdown();
    }
    monitor_flush_all(NULL);
}

/* ---- chardev frontend ---- */

static int monitor_can_read(void *opaque)
{
    return HMP_LINE_MAX;
}

static void monitor_read(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;

    if (mon->qmp) {
        qmp_receive(mon, buf, size);
    } else {
        hmp_receive(mon, buf, size);
    }
    monitor_flush(mon);
}

static void monitor_event(void *opaque, ChardevEvent event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHARDEV_EVENT_OPENED:
        if (mon->qmp) {
            qmp_opened(mon);
        } else {
            hmp_opened(mon);
        }
        monitor_schedule_flush();
        break;
    case CHARDEV_EVENT_CLOSED:
        if (mon->qmp) {
            qmp_closed(mon);
        }
        mon->out.len = 0;
        break;
    case CHARDEV_EVENT_MUX_IN:
        mon->mux_out = false;
        monitor_schedule_flush();
        break;
    case CHARDEV_EVENT_MUX_OUT:
        mon->mux_out = true;
        break;
    case CHARDEV_EVENT_BREAK:
        break;
    }
}

static bool monitor_new(Chardev *chr, bool qmp, Error **errp)
{
    Monitor *mon = calloc(1, sizeof(*mon));

    if (!mon) {
        abort();
    }
    mon->qmp = qmp;
    mon->last_format = 'x';
    mon->last_size = 4;
    if (qmp) {
        qmp_init(mon);
    }
    if (!chardev_fe_init(&mon->fe, chr, errp)) {
        error_prepend(errp, "monitor: ");
        free(mon);
        return false;
    }
    mon->next = monitors;
    monitors = mon;
    monitor_install_hooks();
    chardev_fe_set_handlers(&mon->fe, monitor_can_read, monitor_read, monitor_event, mon);
    return true;
}

bool monitor_new_hmp(Chardev *chr, Error **errp)
{
    return monitor_new(chr, false, errp);
}

bool monitor_new_qmp(Chardev *chr, Error **errp)
{
    return monitor_new(chr, true, errp);
}

bool monitor_init_legacy(const char *label, const char *str, bool qmp, Error **errp)
{
    Chardev *chr = NULL;
    bool mon_prefix = false;
    char *local = NULL;
    bool ok;

    /* tcp::PORT listens on 127.0.0.1 unless the user names an address: a
     * monitor is root over the VM. */
    if (strncmp(str, "tcp::", 5) == 0) {
        if (asprintf(&local, "tcp:127.0.0.1:%s", str + 5) < 0) {
            abort();
        }
        str = local;
    }
    ok = chardev_new_legacy(label, str, &chr, &mon_prefix, errp);
    free(local);
    if (!ok) {
        return false;
    }
    if (!chr) {
        return true;        /* "none" */
    }
    return qmp ? monitor_new_qmp(chr, errp) : monitor_new_hmp(chr, errp);
}

char *monitor_hmp_run_captured(const char *cmdline)
{
    Monitor mon = { .last_format = 'x', .last_size = 4 };
    char *text;

    hmp_handle_command(&mon, cmdline);
    text = mon.out.data ? mon.out.data : strdup("");
    if (!text) {
        abort();
    }
    return text;
}
