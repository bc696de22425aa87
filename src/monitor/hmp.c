/*
 * The human monitor (QEMU's HMP): a line editor that prints the "(qemu) "
 * prompt scripts wait for, and the commands of hmp_commands.def.  Editing:
 * printable characters insert at the end, backspace/DEL erase, Enter runs
 * the line, up/down arrows walk the history (ESC [ A / ESC [ B), Ctrl-U
 * clears.  Each command parses its own arguments after the table's args
 * check; errors are printed and the prompt comes back.
 *
 * x and xp follow QEMU's memory_dump: /count format size, formats x d u o c
 * i (i disassembles), sizes b h w g, the last format and size remembered;
 * lines of 16 bytes (8 for bytes), addresses as 16 hex digits.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/version.h"
#include "core/object.h"
#include "exec/exec.h"
#include "exec/tb.h"
#include "gdbstub/gdbstub.h"
#include "guest/riscv/disas.h"
#include "memory/memory.h"
#include "monitor/monitor_internal.h"
#include "system/runstate.h"
#include "util/log.h"

typedef void (*HmpHandlerFn)(Monitor *mon, const char *args);

typedef struct HmpCommand {
    const char *name;
    const char *args;
    const char *params;
    const char *help;
    HmpHandlerFn handler;
} HmpCommand;

#define HMP_COMMAND(name, args, params, help, handler) \
    static void handler(Monitor *mon, const char *a);
#define HMP_INFO(name, help, handler) static void handler(Monitor *mon, const char *a);
#include "monitor/hmp_commands.def"
#undef HMP_COMMAND
#undef HMP_INFO

static const HmpCommand hmp_commands[] = {
#define HMP_COMMAND(name, args, params, help, handler) { name, args, params, help, handler },
#define HMP_INFO(name, help, handler)
#include "monitor/hmp_commands.def"
#undef HMP_COMMAND
#undef HMP_INFO
};

static const HmpCommand hmp_info_commands[] = {
#define HMP_COMMAND(name, args, params, help, handler)
#define HMP_INFO(name, help, handler) { name, "", "", help, handler },
#include "monitor/hmp_commands.def"
#undef HMP_COMMAND
#undef HMP_INFO
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    return s;
}

/* The first word of s into buf; returns what follows it. */
static const char *next_word(const char *s, char *buf, size_t size)
{
    size_t n = 0;

    s = skip_spaces(s);
    while (*s && *s != ' ' && *s != '\t' && *s != '/') {
        if (n + 1 < size) {
            buf[n++] = *s;
        }
        s++;
    }
    buf[n] = 0;
    return s;
}

static const HmpCommand *hmp_find(const HmpCommand *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i].name, name) == 0) {
            return &table[i];
        }
    }
    return NULL;
}

static void hmp_prompt(Monitor *mon)
{
    monitor_printf(mon, "(qemu) ");
}

void hmp_handle_command(Monitor *mon, const char *cmdline)
{
    char name[64];
    const char *rest = next_word(cmdline, name, sizeof(name));
    const HmpCommand *cmd;

    if (!name[0]) {
        return;
    }
    cmd = hmp_find(hmp_commands, ARRAY_LEN(hmp_commands), name);
    if (!cmd) {
        monitor_printf(mon, "unknown command: '%s'\n", name);
        return;
    }
    rest = skip_spaces(rest);
    if (cmd->args[0] == 0 && *rest) {
        monitor_printf(mon, "%s: extraneous characters at the end of line\n", name);
        return;
    }
    if (strcmp(cmd->args, "s") == 0 && !*rest) {
        monitor_printf(mon, "%s: missing argument (usage: %s %s)\n", name, name, cmd->params);
        return;
    }
    cmd->handler(mon, rest);
}

/* ---- line editing ---- */

static void hmp_history_add(Monitor *mon, const char *line)
{
    char *copy;

    if (!line[0] || (mon->history_count &&
                     strcmp(mon->history[mon->history_count - 1], line) == 0)) {
        mon->history_pos = mon->history_count;
        return;
    }
    copy = strdup(line);
    if (!copy) {
        abort();
    }
    if (mon->history_count == HMP_HISTORY) {
        free(mon->history[0]);
        memmove(mon->history, mon->history + 1, (HMP_HISTORY - 1) * sizeof(char *));
        mon->history_count--;
    }
    mon->history[mon->history_count++] = copy;
    mon->history_pos = mon->history_count;
}

static void hmp_replace_line(Monitor *mon, const char *text)
{
    while (mon->line_len) {
        monitor_printf(mon, "\b \b");
        mon->line_len--;
    }
    mon->line_len = strlen(text);
    if (mon->line_len >= HMP_LINE_MAX) {
        mon->line_len = HMP_LINE_MAX - 1;
    }
    memcpy(mon->line, text, mon->line_len);
    monitor_printf(mon, "%.*s", (int)mon->line_len, mon->line);
}

static void hmp_history_move(Monitor *mon, int dir)
{
    int pos = mon->history_pos + dir;

    if (pos < 0 || pos > mon->history_count) {
        return;
    }
    mon->history_pos = pos;
    hmp_replace_line(mon, pos == mon->history_count ? "" : mon->history[pos]);
}

void hmp_receive(Monitor *mon, const uint8_t *buf, int size)
{
    for (int i = 0; i < size; i++) {
        uint8_t c = buf[i];

        if (mon->esc_state == 1) {
            mon->esc_state = c == '[' || c == 'O' ? 2 : 0;
            continue;
        }
        if (mon->esc_state == 2) {
            if (c >= '0' && c <= '9') {
                continue;       /* parameters of a sequence we ignore */
            }
            mon->esc_state = 0;
            if (c == 'A') {
                hmp_history_move(mon, -1);
            } else if (c == 'B') {
                hmp_history_move(mon, 1);
            }
            continue;
        }
        switch (c) {
        case 27:
            mon->esc_state = 1;
            break;
        case '\r':
        case '\n':
            if (c == '\n' && i > 0 && buf[i - 1] == '\r') {
                break;  /* CR LF is one Enter */
            }
            monitor_printf(mon, "\n");
            mon->line[mon->line_len] = 0;
            hmp_history_add(mon, mon->line);
            mon->line_len = 0;
            hmp_handle_command(mon, mon->line);
            if (!mon->quitting) {
                hmp_prompt(mon);
            }
            break;
        case 8:
        case 127:
            if (mon->line_len) {
                mon->line_len--;
                monitor_printf(mon, "\b \b");
            }
            break;
        case 21:    /* Ctrl-U */
            hmp_replace_line(mon, "");
            break;
        default:
            if (c >= 32 && mon->line_len + 1 < HMP_LINE_MAX) {
                mon->line[mon->line_len++] = (char)c;
                monitor_printf(mon, "%c", c);
            }
            break;
        }
    }
}

void hmp_opened(Monitor *mon)
{
    monitor_printf(mon, "QEMU %s monitor - type 'help' for more information\n",
                   MORPHO_QEMU_COMPAT_VERSION);
    mon->line_len = 0;
    hmp_prompt(mon);
}

/* ---- commands ---- */

static void hmp_print_table(Monitor *mon, const HmpCommand *table, size_t n, const char *prefix,
                            const char *only)
{
    for (size_t i = 0; i < n; i++) {
        if (only && strcmp(table[i].name, only) != 0) {
            continue;
        }
        /* QEMU's layout: "name params -- help", two spaces without params */
        monitor_printf(mon, "%s%s %s -- %s\n", prefix, table[i].name, table[i].params,
                       table[i].help);
    }
}

static void hmp_help(Monitor *mon, const char *args)
{
    if (strcmp(args, "info") == 0) {
        hmp_print_table(mon, hmp_info_commands, ARRAY_LEN(hmp_info_commands), "info ", NULL);
        return;
    }
    if (*args && !hmp_find(hmp_commands, ARRAY_LEN(hmp_commands), args)) {
        monitor_printf(mon, "unknown command: '%s'\n", args);
        return;
    }
    hmp_print_table(mon, hmp_commands, ARRAY_LEN(hmp_commands), "", *args ? args : NULL);
}

static void hmp_info(Monitor *mon, const char *args)
{
    char name[64];
    const char *rest = next_word(args, name, sizeof(name));
    const HmpCommand *cmd;

    if (!name[0]) {
        hmp_print_table(mon, hmp_info_commands, ARRAY_LEN(hmp_info_commands), "info ", NULL);
        return;
    }
    cmd = hmp_find(hmp_info_commands, ARRAY_LEN(hmp_info_commands), name);
    if (!cmd) {
        monitor_printf(mon, "unknown command: 'info %s'\n", name);
        return;
    }
    cmd->handler(mon, skip_spaces(rest));
}

static void hmp_info_status(Monitor *mon, const char *args)
{
    RunState st = runstate_get();

    if (runstate_is_running()) {
        monitor_printf(mon, "VM status: running\n");
    } else if (st == RUN_STATE_PAUSED) {
        monitor_printf(mon, "VM status: paused\n");
    } else {
        monitor_printf(mon, "VM status: paused (%s)\n", runstate_name(st));
    }
}

static bool hmp_need_cpu(Monitor *mon, CpuState **cpu)
{
    *cpu = monitor_cpu(mon);
    if (!*cpu) {
        monitor_printf(mon, "No CPU available\n");
        return false;
    }
    return true;
}

/* Capture what a FILE-writing dumper prints into the monitor. */
static void hmp_print_stream(Monitor *mon, void (*fn)(FILE *out, void *opaque), void *opaque)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (!f) {
        monitor_printf(mon, "out of memory\n");
        return;
    }
    fn(f, opaque);
    fclose(f);
    monitor_printf(mon, "%.*s", (int)len, text);
    free(text);
}

static void hmp_dump_cpu(FILE *out, void *opaque)
{
    CpuState *cpu = opaque;
    cpu->ops->dump_state(cpu, out);
}

static void hmp_info_registers(Monitor *mon, const char *args)
{
    CpuState *cpu;

    if (!hmp_need_cpu(mon, &cpu)) {
        return;
    }
    if (!cpu->ops->dump_state) {
        monitor_printf(mon, "this CPU cannot show its registers\n");
        return;
    }
    monitor_printf(mon, "\nCPU#%d\n", cpu->cpu_index);
    hmp_print_stream(mon, hmp_dump_cpu, cpu);
}

typedef struct HmpCpuWalk {
    Monitor *mon;
    int current;
} HmpCpuWalk;

static void hmp_info_cpus_one(CpuState *cpu, void *opaque)
{
    HmpCpuWalk *w = opaque;

    int tid = __atomic_load_n(&cpu->thread_id, __ATOMIC_ACQUIRE);

    monitor_printf(w->mon, "%c CPU #%d: thread_id=%d%s\n",
                   cpu->cpu_index == w->current ? '*' : ' ', cpu->cpu_index, tid,
                   atomic_load(&cpu->halted) ? " (halted)" : "");
}

static void hmp_info_cpus(Monitor *mon, const char *args)
{
    CpuState *cur = monitor_cpu(mon);
    HmpCpuWalk w = { mon, cur ? cur->cpu_index : -1 };

    exec_cpu_foreach(hmp_info_cpus_one, &w);
}

static void hmp_mtree(FILE *out, void *opaque)
{
    mtree_info(out, *(bool *)opaque, false);
}

static void hmp_info_mtree(Monitor *mon, const char *args)
{
    bool flat = strstr(args, "-f") != NULL;
    hmp_print_stream(mon, hmp_mtree, &flat);
}

typedef struct HmpTreeWalk {
    Monitor *mon;
    int depth;
} HmpTreeWalk;

static int hmp_qtree_child(Object *child, void *opaque)
{
    HmpTreeWalk *w = opaque;
    HmpTreeWalk inner = { w->mon, w->depth + 1 };

    monitor_printf(w->mon, "%*s%s (%s)\n", w->depth * 2, "",
                   object_get_canonical_path_component(child), object_get_typename(child));
    object_child_foreach(child, hmp_qtree_child, &inner);
    return 0;
}

static void hmp_info_qtree(Monitor *mon, const char *args)
{
    HmpTreeWalk w = { mon, 1 };

    monitor_printf(mon, "/ (%s)\n", object_get_typename(object_get_root()));
    object_child_foreach(object_get_root(), hmp_qtree_child, &w);
}

static void hmp_jit_cpu_tlb(CpuState *cpu, void *opaque)
{
    Monitor *mon = opaque;

    monitor_printf(mon, "cpu %d: TLB fills %" PRIu64 ", TLB flushes %" PRIu64 "\n",
                   cpu->cpu_index, cpu->tlb.stat_fills, cpu->tlb.stat_flushes);
}

static void hmp_tb_stats(FILE *out, void *opaque)
{
    tb_dump_stats(out);
}

/* The translator's statistics: exec's TB cache and per-CPU counters, and
 * the soft-MMU's. */
static void hmp_info_jit(Monitor *mon, const char *args)
{
    monitor_printf(mon, "Translation backend: %s\n",
                   exec_get_backend() == EXEC_BACKEND_JIT ? "jit" : "interp");
    hmp_print_stream(mon, hmp_tb_stats, NULL);
    exec_cpu_foreach(hmp_jit_cpu_tlb, mon);
}

static void hmp_info_version(Monitor *mon, const char *args)
{
    monitor_printf(mon, "%s (Morpho %s)\n", MORPHO_QEMU_COMPAT_VERSION, MORPHO_VERSION);
}

static void hmp_stop(Monitor *mon, const char *args)
{
    vm_stop(RUN_STATE_PAUSED);
}

static void hmp_cont(Monitor *mon, const char *args)
{
    Error *err = NULL;

    if (runstate_is_running()) {
        return;
    }
    if (!vm_start(&err)) {
        monitor_printf(mon, "%s\n", error_get_pretty(err));
        error_free(err);
    }
}

static void hmp_system_reset(Monitor *mon, const char *args)
{
    monitor_reset_by_host = true;
    runstate_request_reset(SHUTDOWN_CAUSE_SUBSYSTEM_RESET);
}

static void hmp_system_powerdown(Monitor *mon, const char *args)
{
    runstate_request_powerdown();
}

static void hmp_quit(Monitor *mon, const char *args)
{
    mon->quitting = true;
    monitor_flush(mon);
    runstate_request_shutdown(SHUTDOWN_CAUSE_HOST_QUIT);
}

static void hmp_log(Monitor *mon, const char *args)
{
    uint32_t mask = 0;
    bool help = false;
    char bad[64];

    if (strcmp(args, "none") == 0) {
        log_mask = 0;
        return;
    }
    if (!log_parse_items(args, &mask, &help, bad, sizeof(bad))) {
        monitor_printf(mon, "Invalid parameter '%s'\n", bad);
        return;
    }
    if (!help) {
        log_mask = mask;
    }
}

static void hmp_cpu(Monitor *mon, const char *args)
{
    char *end;
    long idx = strtol(args, &end, 0);
    Monitor probe = { .cpu_index = (int)idx };
    CpuState *cpu = monitor_cpu(&probe);

    if (*end || !cpu || cpu->cpu_index != idx) {
        monitor_printf(mon, "invalid CPU index\n");
        return;
    }
    mon->cpu_index = (int)idx;
}

static void hmp_gdbserver(Monitor *mon, const char *args)
{
    Error *err = NULL;
    const char *dev = *args ? args : "tcp::1234";

    if (!gdbserver_start(dev, &err)) {
        monitor_printf(mon, "Could not open gdbserver on device '%s'\n", dev);
        error_free(err);
    } else if (strcmp(dev, "none") == 0) {
        monitor_printf(mon, "Disabled gdbserver\n");
    } else {
        monitor_printf(mon, "Waiting for gdb connection on device '%s'\n", dev);
    }
}

/* ---- x / xp ---- */

/* An address expression: a number (0x.., 0.., decimal), $pc, or those
 * joined by + and -.  Register names beyond $pc come with the gdb register
 * table later. */
static bool hmp_parse_addr(Monitor *mon, const char *s, uint64_t *out)
{
    uint64_t v = 0;
    int sign = 1;

    s = skip_spaces(s);
    if (!*s) {
        monitor_printf(mon, "missing address\n");
        return false;
    }
    while (*s) {
        uint64_t term;
        char *end;

        s = skip_spaces(s);
        if (strncmp(s, "$pc", 3) == 0) {
            CpuState *cpu = monitor_cpu(mon);
            GuestVaddr pc = 0;
            uint64_t cs_base;
            uint32_t flags;

            if (cpu) {
                cpu->ops->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
            }
            term = pc;
            s += 3;
        } else {
            term = strtoull(s, &end, 0);
            if (end == s) {
                monitor_printf(mon, "invalid char '%c' in expression\n", *s);
                return false;
            }
            s = end;
        }
        v += sign > 0 ? term : -term;
        s = skip_spaces(s);
        if (*s == '+' || *s == '-') {
            sign = *s == '+' ? 1 : -1;
            s++;
        } else if (*s) {
            monitor_printf(mon, "invalid char '%c' in expression\n", *s);
            return false;
        }
    }
    *out = v;
    return true;
}

static void hmp_memory_dump(Monitor *mon, const char *args, bool physical)
{
    CpuState *cpu;
    long count = 1;
    char format = mon->last_format;
    int size = -1;
    uint64_t addr;

    if (!hmp_need_cpu(mon, &cpu)) {
        return;
    }
    if (*args == '/') {
        char *end;

        args++;
        if (*args >= '0' && *args <= '9') {
            count = strtol(args, &end, 10);
            args = end;
        }
        while (*args && *args != ' ') {
            switch (*args) {
            case 'x': case 'd': case 'u': case 'o': case 'c': case 'i':
                format = *args;
                break;
            case 'b': size = 1; break;
            case 'h': size = 2; break;
            case 'w': size = 4; break;
            case 'g': size = 8; break;
            default:
                monitor_printf(mon, "invalid char in format: '%c'\n", *args);
                return;
            }
            args++;
        }
    }
    if (size < 0) {
        size = format == 'c' ? 1 : mon->last_size;
    }
    mon->last_format = format;
    if (format != 'i') {
        mon->last_size = size;
    }
    if (!hmp_parse_addr(mon, args, &addr)) {
        return;
    }
    if (count <= 0) {
        return;
    }
    if (format == 'i') {
        for (long n = 0; n < count; n++) {
            uint8_t bytes[4] = { 0 };
            char text[128];
            size_t len;

            if (!(physical ? monitor_read_phys(cpu, addr, bytes, 4)
                           : monitor_read_virt(cpu, addr, bytes, 4))) {
                monitor_printf(mon, "Cannot access memory\n");
                return;
            }
            len = riscv_disas(addr, bytes, 4, text, sizeof(text));
            monitor_printf(mon, "0x%016" PRIx64 ":  %s\n", addr, text);
            addr += len ? len : 2;
        }
        return;
    }
    {
        int wsize = format == 'c' ? 1 : size;
        int line_size = wsize == 1 ? 8 : 16;
        int max_digits = format == 'o' ? (wsize * 8 + 2) / 3
                         : format == 'u' || format == 'd' ? (wsize * 8 * 10 + 32) / 33
                                                          : wsize * 2;
        uint64_t len = (uint64_t)count * (uint64_t)wsize;

        while (len > 0) {
            uint8_t buf[16];
            int l = len > (uint64_t)line_size ? line_size : (int)len;

            monitor_printf(mon, "%016" PRIx64 ":", addr);
            if (!(physical ? monitor_read_phys(cpu, addr, buf, (size_t)l)
                           : monitor_read_virt(cpu, addr, buf, (size_t)l))) {
                monitor_printf(mon, " Cannot access memory\n");
                return;
            }
            for (int i = 0; i < l; i += wsize) {
                uint64_t v = 0;
                int64_t sv;

                for (int k = wsize - 1; k >= 0; k--) {
                    v = v << 8 | buf[i + k];
                }
                sv = wsize == 8 ? (int64_t)v
                                : (int64_t)(v << (64 - 8 * wsize)) >> (64 - 8 * wsize);
                monitor_printf(mon, " ");
                switch (format) {
                case 'o':
                    monitor_printf(mon, "%#*" PRIo64, max_digits, v);
                    break;
                case 'u':
                    monitor_printf(mon, "%*" PRIu64, max_digits, v);
                    break;
                case 'd':
                    monitor_printf(mon, "%*" PRId64, max_digits, sv);
                    break;
                case 'c':
                    if (v >= 32 && v < 127 && v != '\\' && v != '\'') {
                        monitor_printf(mon, "%c", (int)v);
                    } else if (v == '\n') {
                        monitor_printf(mon, "\\n");
                    } else {
                        monitor_printf(mon, "\\x%02x", (unsigned)v);
                    }
                    break;
                default:
                    monitor_printf(mon, "0x%0*" PRIx64, max_digits, v);
                    break;
                }
            }
            monitor_printf(mon, "\n");
            addr += (uint64_t)l;
            len -= (uint64_t)l;
        }
    }
}

static void hmp_x(Monitor *mon, const char *args)
{
    hmp_memory_dump(mon, args, false);
}

static void hmp_xp(Monitor *mon, const char *args)
{
    hmp_memory_dump(mon, args, true);
}
