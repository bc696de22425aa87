/*
 * The monitor: QEMU's human monitor (HMP, the "(qemu) " prompt) and its
 * machine protocol (QMP, JSON), each attached to a chardev as a frontend.
 * HMP reads lines with basic editing and runs commands from the table in
 * hmp_commands.def; QMP greets, negotiates capabilities and runs commands
 * from qmp_commands.def, and broadcasts events (STOP, RESUME, RESET,
 * POWERDOWN, SHUTDOWN) to every negotiated client.
 *
 * Threading: everything runs on the main loop thread with the BQL held
 * (chardev handlers, run-state change handlers, the start-up calls below).
 * Commands that touch vCPU state (info registers, x) read it while the VM
 * may be running: they show a snapshot, as QEMU's do under TCG.
 *
 * Errors: creation fails with an Error naming the chardev; a command's
 * failure is printed (HMP) or returned as QMP's {"error": ...}; nothing a
 * client sends can abort Morpho.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <stdarg.h>
#include <stdbool.h>

#include "chardev/chardev.h"
#include "core/error.h"
#include "monitor/json.h"

typedef struct Monitor Monitor;

/* Attach a monitor to chr (a socket, stdio or a mux).  The first call also
 * hooks the run state (events). */
bool monitor_new_hmp(Chardev *chr, Error **errp);
bool monitor_new_qmp(Chardev *chr, Error **errp);

/* -monitor / -qmp legacy strings ("stdio", "unix:PATH,server=on,wait=off",
 * "tcp:HOST:PORT,server=on"); label names the chardev ("monitor0"). */
bool monitor_init_legacy(const char *label, const char *str, bool qmp, Error **errp);

/* Output on an HMP monitor (buffered; flushed when the command ends). */
void monitor_printf(Monitor *mon, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void monitor_vprintf(Monitor *mon, const char *fmt, va_list ap);

/* Run one HMP command line and return what it printed (caller frees):
 * QMP's human-monitor-command. */
char *monitor_hmp_run_captured(const char *cmdline);

/* Send {"timestamp", "event", "data"} to every QMP client past negotiation;
 * takes ownership of data (may be NULL). */
void monitor_emit_event(const char *event, JsonValue *data);

/* At the end of the run: send SHUTDOWN with the accepted cause and flush. */
void monitor_shutdown(void);

#endif
