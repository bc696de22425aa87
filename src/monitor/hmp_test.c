/*
 * Unit tests for the human monitor without a machine: the command table
 * (help, unknown commands, argument checks), line editing (backspace,
 * Ctrl-U, history with the arrow keys, CR LF as one Enter), the CR LF
 * output convention, and the log command changing -d items.
 */
#include <stdlib.h>
#include <string.h>

#include "monitor/monitor_internal.h"
#include "util/log.h"
#include "util/unittest.h"

static char *typed(Monitor *mon, const char *keys)
{
    char *out;

    mon->out.len = 0;
    hmp_receive(mon, (const uint8_t *)keys, (int)strlen(keys));
    out = strdup(mon->out.data ? mon->out.data : "");
    return out;
}

UNITTEST(hmp_captured_commands)
{
    char *out = monitor_hmp_run_captured("help quit");

    CHECK_STR(out, "quit  -- quit the emulator\r\n");
    free(out);
    out = monitor_hmp_run_captured("frobnicate now");
    CHECK_STR(out, "unknown command: 'frobnicate'\r\n");
    free(out);
    out = monitor_hmp_run_captured("stop please");
    CHECK(strstr(out, "extraneous characters") != NULL);
    free(out);
    out = monitor_hmp_run_captured("log");
    CHECK(strstr(out, "missing argument") != NULL);
    free(out);
    out = monitor_hmp_run_captured("info nothing");
    CHECK_STR(out, "unknown command: 'info nothing'\r\n");
    free(out);
    out = monitor_hmp_run_captured("help info");
    CHECK(strstr(out, "info status  -- show the current VM status") != NULL);
    free(out);
}

UNITTEST(hmp_log_changes_items)
{
    uint32_t saved = log_mask;
    char *out;

    out = monitor_hmp_run_captured("log guest_errors,int");
    CHECK_STR(out, "");
    CHECK_INT(log_mask, LOG_GUEST_ERRORS | LOG_INT);
    free(out);
    out = monitor_hmp_run_captured("log nope");
    CHECK_STR(out, "Invalid parameter 'nope'\r\n");
    CHECK_INT(log_mask, LOG_GUEST_ERRORS | LOG_INT);
    free(out);
    out = monitor_hmp_run_captured("log none");
    CHECK_INT(log_mask, 0);
    free(out);
    log_mask = saved;
}

UNITTEST(hmp_line_editing)
{
    Monitor mon = { .last_format = 'x', .last_size = 4 };
    char *out;

    /* typing echoes; backspace erases on screen and in the line */
    out = typed(&mon, "help quiz\x7f" "t\r\n");
    CHECK(strncmp(out, "help quiz\b \bt\r\n", 15) == 0);
    CHECK(strstr(out, "quit  -- quit the emulator\r\n(qemu) ") != NULL);
    free(out);
    /* Ctrl-U clears what was typed */
    out = typed(&mon, "garbage\x15help stop\r");
    CHECK(strstr(out, "stop  -- stop emulation") != NULL);
    CHECK(strstr(out, "unknown command") == NULL);
    free(out);
    /* up arrow twice: the line before last; down: the last */
    out = typed(&mon, "\x1b[A\x1b[A");
    CHECK(strstr(out, "help quit") != NULL);
    free(out);
    out = typed(&mon, "\x1b[B\r");
    CHECK(strstr(out, "stop  -- stop emulation") != NULL);
    free(out);
    for (int i = 0; i < mon.history_count; i++) {
        free(mon.history[i]);
    }
    free(mon.out.data);
}
