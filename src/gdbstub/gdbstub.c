/*
 * The gdbstub proper: one gdb connection on a chardev, speaking GDB's
 * remote protocol ("Debugging with GDB", appendix E) the way QEMU's
 * gdbstub does for system emulation.  Threads are vCPUs (thread id =
 * cpu_index + 1).  Flow: gdb connects -> the VM stops (PAUSED; under -S it
 * stays in PRELAUNCH) -> gdb inspects and sets breakpoints -> c/s/vCont
 * start the VM with the step flag on the chosen vCPU -> a vCPU returns
 * EXCP_DEBUG, the accelerator requests a DEBUG stop, the run-state handler
 * here sends the stop reply (T05thread:NN;), or T02 after Ctrl-C.  D
 * detaches (breakpoints removed, VM resumed), k quits Morpho, and the
 * end of the run sends W with the exit status.
 *
 * Invariants: `waiting` is true exactly while gdb expects a stop reply;
 * breakpoints and watchpoints live on every vCPU (as QEMU: gdb's are
 * global).
 * Main loop thread, BQL held.
 */
#include "gdbstub/gdbstub.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chardev/chardev.h"
#include "exec/exec.h"
#include "gdbstub/gdbstub_internal.h"
#include "gdbstub/rsp.h"
#include "monitor/monitor.h"
#include "system/runstate.h"

#define GDB_SIGINT 2
#define GDB_SIGTRAP 5
#define GDB_MAX_CPUS 64

typedef struct GdbState {
    Chardev *chr;
    CharFrontend fe;
    RspReader reader;
    bool connected;
    bool no_ack;
    bool waiting;               /* a resume is out; a stop reply is owed */
    int g_cpu, c_cpu;           /* cpu_index for register/memory and resume ops */
    char *last;                 /* the last framed packet, for '-' */
    size_t last_len;
    VmStateHandler *vm_handler;
} GdbState;

static GdbState gdb;

/* ---- vCPUs ---- */

typedef struct GdbCpus {
    CpuState *cpu[GDB_MAX_CPUS];
    int n;
} GdbCpus;

static void gdb_collect(CpuState *cpu, void *opaque)
{
    GdbCpus *c = opaque;
    if (c->n < GDB_MAX_CPUS) {
        c->cpu[c->n++] = cpu;
    }
}

static void gdb_cpus(GdbCpus *c)
{
    c->n = 0;
    exec_cpu_foreach(gdb_collect, c);
}

static CpuState *gdb_cpu_by_index(int index)
{
    GdbCpus c;

    gdb_cpus(&c);
    for (int i = 0; i < c.n; i++) {
        if (c.cpu[i]->cpu_index == index) {
            return c.cpu[i];
        }
    }
    return c.n && index < 0 ? c.cpu[0] : NULL;
}

static CpuState *gdb_g_cpu(void)
{
    CpuState *cpu = gdb_cpu_by_index(gdb.g_cpu);
    return cpu ? cpu : gdb_cpu_by_index(-1);
}

/* ---- output ---- */

static void gdb_send_raw(const char *s, size_t len)
{
    chardev_fe_write(&gdb.fe, (const uint8_t *)s, (int)len);
}

static void gdb_put_packet_bin(const uint8_t *data, size_t len)
{
    char *framed = malloc(2 * len + 5);

    if (!framed) {
        abort();
    }
    free(gdb.last);
    gdb.last_len = rsp_frame(data, len, framed);
    gdb.last = framed;
    gdb_send_raw(framed, gdb.last_len);
}

static void gdb_put_packet(const char *s)
{
    gdb_put_packet_bin((const uint8_t *)s, strlen(s));
}

static void gdb_send_stop_reply(CpuState *cpu, int sig)
{
    char buf[64];

    if (cpu && cpu->watchpoint_state == CPU_WATCH_HIT && sig == GDB_SIGTRAP) {
        int f = cpu->watchpoint_hit_flags;
        snprintf(buf, sizeof(buf), "T%02x%s:%" PRIx64 ";thread:%02x;", sig,
                 f == BP_MEM_READ ? "rwatch" : f == BP_MEM_WRITE ? "watch" : "awatch",
                 (uint64_t)cpu->watchpoint_hit_addr, cpu->cpu_index + 1);
        gdb.c_cpu = gdb.g_cpu = cpu->cpu_index;
    } else if (cpu) {
        snprintf(buf, sizeof(buf), "T%02xthread:%02x;", sig, cpu->cpu_index + 1);
        gdb.c_cpu = gdb.g_cpu = cpu->cpu_index;
    } else {
        snprintf(buf, sizeof(buf), "S%02x", sig);
    }
    gdb_put_packet(buf);
}

/* ---- run control ---- */

/* Before a resume: step flags, and the last watchpoint hit is reported. */
static void gdb_set_step(int step_index)
{
    GdbCpus c;

    gdb_cpus(&c);
    for (int i = 0; i < c.n; i++) {
        cpu_single_step(c.cpu[i], c.cpu[i]->cpu_index == step_index);
        c.cpu[i]->watchpoint_state = CPU_WATCH_NONE;
    }
}

static void gdb_resume(int step_index)
{
    Error *err = NULL;

    gdb_set_step(step_index);
    cpu_debug_clear_stopped();
    gdb.waiting = true;
    if (runstate_is_running()) {
        return;
    }
    if (!vm_start(&err)) {
        gdb.waiting = false;
        error_free(err);
        gdb_put_packet("E01");
    }
}

static void gdb_vm_state_change(void *opaque, bool running, RunState state)
{
    CpuState *cpu;

    if (running || !gdb.connected || !gdb.waiting) {
        return;
    }
    if (state != RUN_STATE_DEBUG && state != RUN_STATE_PAUSED) {
        return;     /* shutdown etc.: the exit path sends W */
    }
    gdb.waiting = false;
    cpu = cpu_debug_stopped_cpu();
    if (state == RUN_STATE_DEBUG) {
        gdb_send_stop_reply(cpu ? cpu : gdb_cpu_by_index(gdb.c_cpu), GDB_SIGTRAP);
    } else {
        gdb_send_stop_reply(gdb_cpu_by_index(gdb.c_cpu >= 0 ? gdb.c_cpu : -1), GDB_SIGINT);
    }
    gdb_set_step(-1);
}

static void gdb_stop_vm(void)
{
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
}

/* ---- packet handlers ---- */

static void gdb_reply_regs(void)
{
    CpuState *cpu = gdb_g_cpu();
    const GdbArch *arch = cpu ? gdb_arch_of(cpu) : NULL;
    char out[RSP_MAX_PACKET + 1];
    size_t n = 0;

    if (!arch) {
        gdb_put_packet("E01");
        return;
    }
    for (int r = 0; r < arch->g_packet_regs; r++) {
        uint8_t buf[16];
        int size = arch->read_reg(cpu, r, buf);

        if (n + 2 * (size_t)size >= sizeof(out)) {
            break;
        }
        rsp_hex_encode(buf, (size_t)size, out + n);
        n += 2 * (size_t)size;
    }
    out[n] = 0;
    gdb_put_packet(out);
}

static void gdb_write_regs(const char *hex)
{
    CpuState *cpu = gdb_g_cpu();
    const GdbArch *arch = cpu ? gdb_arch_of(cpu) : NULL;
    size_t len = strlen(hex);

    if (!arch) {
        gdb_put_packet("E01");
        return;
    }
    for (int r = 0; r < arch->g_packet_regs && len; r++) {
        uint8_t cur[16], buf[16];
        int size = arch->read_reg(cpu, r, cur);

        if (len < 2 * (size_t)size ||
            rsp_hex_decode(hex, 2 * (size_t)size, buf, sizeof(buf)) != size) {
            break;
        }
        arch->write_reg(cpu, r, buf);
        hex += 2 * size;
        len -= 2 * (size_t)size;
    }
    gdb_put_packet("OK");
}

static void gdb_read_reg(const char *p)
{
    CpuState *cpu = gdb_g_cpu();
    const GdbArch *arch = cpu ? gdb_arch_of(cpu) : NULL;
    uint64_t n;
    uint8_t buf[16];
    char hex[40];
    int size;

    if (!arch || !rsp_parse_hex(&p, &n)) {
        gdb_put_packet("E01");
        return;
    }
    size = n < 4096 ? arch->read_reg(cpu, (int)n, buf) : 0;
    if (!size) {
        gdb_put_packet("E14");
        return;
    }
    rsp_hex_encode(buf, (size_t)size, hex);
    gdb_put_packet(hex);
}

static void gdb_write_reg(const char *p)
{
    CpuState *cpu = gdb_g_cpu();
    const GdbArch *arch = cpu ? gdb_arch_of(cpu) : NULL;
    uint64_t n;
    uint8_t cur[16], buf[16];
    int size;

    if (!arch || !rsp_parse_hex(&p, &n) || *p++ != '=' || n >= 4096) {
        gdb_put_packet("E01");
        return;
    }
    size = arch->read_reg(cpu, (int)n, cur);
    if (!size || rsp_hex_decode(p, strlen(p), buf, sizeof(buf)) != size) {
        gdb_put_packet("E14");
        return;
    }
    arch->write_reg(cpu, (int)n, buf);
    gdb_put_packet("OK");
}

/* "ADDR,LEN" then the rest (":" data for M/X). */
static bool gdb_parse_addr_len(const char **p, uint64_t *addr, uint64_t *len)
{
    if (!rsp_parse_hex(p, addr) || **p != ',') {
        return false;
    }
    (*p)++;
    return rsp_parse_hex(p, len);
}

static void gdb_read_mem(const char *p)
{
    uint64_t addr, len;
    uint8_t buf[RSP_MAX_PACKET / 2];
    char hex[RSP_MAX_PACKET + 1];
    CpuState *cpu = gdb_g_cpu();

    if (!cpu || !gdb_parse_addr_len(&p, &addr, &len)) {
        gdb_put_packet("E01");
        return;
    }
    if (len > sizeof(buf)) {
        len = sizeof(buf);
    }
    if (!cpu_memory_rw_debug(cpu, addr, buf, len, false)) {
        gdb_put_packet("E14");
        return;
    }
    rsp_hex_encode(buf, len, hex);
    gdb_put_packet(hex);
}

static void gdb_write_mem(const char *p, size_t pkt_len, bool binary)
{
    const char *start = p;
    uint64_t addr, len;
    uint8_t buf[RSP_MAX_PACKET];
    CpuState *cpu = gdb_g_cpu();
    size_t data_len;

    if (!cpu || !gdb_parse_addr_len(&p, &addr, &len) || *p++ != ':' || len > sizeof(buf)) {
        gdb_put_packet("E01");
        return;
    }
    data_len = pkt_len - (size_t)(p - start);
    if (binary) {
        memcpy(buf, p, data_len);
        if (rsp_unescape(buf, data_len) != len) {
            gdb_put_packet("E01");
            return;
        }
    } else if (rsp_hex_decode(p, data_len, buf, sizeof(buf)) != (long)len) {
        gdb_put_packet("E01");
        return;
    }
    if (len && !cpu_memory_rw_debug(cpu, addr, buf, len, true)) {
        gdb_put_packet("E14");
        return;
    }
    gdb_put_packet("OK");
}

/* Z/z type,addr,kind.  Types 0 (software) and 1 (hardware) breakpoints are
 * the same thing here: exec's translator-ended blocks.  2, 3, 4 are write,
 * read and access watchpoints of kind bytes, through the soft-MMU. */
static void gdb_breakpoint(const char *p, bool insert)
{
    uint64_t type, addr, kind;
    GdbCpus c;
    bool ok = true;

    if (!rsp_parse_hex(&p, &type) || *p++ != ',' || !rsp_parse_hex(&p, &addr) ||
        *p++ != ',' || !rsp_parse_hex(&p, &kind)) {
        gdb_put_packet("E22");
        return;
    }
    if (type > 4) {
        gdb_put_packet("");
        return;
    }
    if (runstate_is_running()) {
        /* exec's lists change only while the vCPUs are stopped (all-stop) */
        gdb_put_packet("E16");
        return;
    }
    gdb_cpus(&c);
    for (int i = 0; i < c.n; i++) {
        static const int watch_flags[] = { 0, 0, BP_MEM_WRITE, BP_MEM_READ, BP_MEM_ACCESS };

        if (type >= 2) {
            ok &= insert ? cpu_watchpoint_insert(c.cpu[i], addr, kind, watch_flags[type])
                         : cpu_watchpoint_remove(c.cpu[i], addr, kind, watch_flags[type]);
        } else if (insert) {
            ok &= cpu_breakpoint_insert(c.cpu[i], addr);
        } else {
            ok &= cpu_breakpoint_remove(c.cpu[i], addr);
        }
    }
    gdb_put_packet(ok ? "OK" : "E22");
}

static void gdb_remove_all_breakpoints(void)
{
    GdbCpus c;

    gdb_cpus(&c);
    for (int i = 0; i < c.n; i++) {
        cpu_breakpoint_remove_all(c.cpu[i]);
        cpu_watchpoint_remove_all(c.cpu[i]);
    }
}

/* A thread id: hex, -1 (all) or 0 (any); -2 when malformed. */
static int gdb_parse_thread(const char **p)
{
    uint64_t v;

    if (**p == '-' && (*p)[1] == '1') {
        *p += 2;
        return -1;
    }
    if (!rsp_parse_hex(p, &v) || v > GDB_MAX_CPUS) {
        return -2;
    }
    return (int)v;
}

static void gdb_set_pc_if(const char *p)
{
    uint64_t addr;
    CpuState *cpu = gdb_cpu_by_index(gdb.c_cpu);
    const GdbArch *arch = cpu ? gdb_arch_of(cpu) : NULL;

    if (arch && rsp_parse_hex(&p, &addr)) {
        uint8_t buf[8];
        for (int i = 0; i < 8; i++) {
            buf[i] = (uint8_t)(addr >> (8 * i));
        }
        arch->write_reg(cpu, 32, buf);  /* NOTE: riscv's pc number; c ADDR is rare */
    }
}

/* vCont;ACTION[:TID];...  The first action naming a thread (or the default
 * one without a tid) applies to it.  Morpho's vCPUs stop and start
 * together, so 'c' for some and 's' for one is "step that one while the
 * others run", as QEMU does. */
static void gdb_vcont(const char *p)
{
    int step = -1;

    while (*p == ';') {
        char action = *++p;
        int tid = -1;

        if (!action) {
            break;
        }
        p++;
        if (action == 'C' || action == 'S') {
            uint64_t sig;
            rsp_parse_hex(&p, &sig);
        }
        if (*p == ':') {
            p++;
            tid = gdb_parse_thread(&p);
            if (tid == -2) {
                gdb_put_packet("E22");
                return;
            }
        }
        if ((action == 's' || action == 'S') && step < 0) {
            step = tid > 0 ? tid - 1 : gdb.c_cpu >= 0 ? gdb.c_cpu : 0;
        }
        while (*p && *p != ';') {
            p++;
        }
    }
    if (step >= 0) {
        gdb.c_cpu = step;
    }
    gdb_resume(step);
}

static void gdb_xfer_features(const char *annex_args)
{
    const char *colon = strchr(annex_args, ':');
    CpuState *cpu = gdb_g_cpu();
    const GdbArch *arch = cpu ? gdb_arch_of(cpu) : NULL;
    uint64_t off, len;
    size_t total;
    const char *p;
    char out[RSP_MAX_PACKET];

    if (!arch || !colon || strncmp(annex_args, "target.xml", (size_t)(colon - annex_args))) {
        gdb_put_packet("E00");
        return;
    }
    p = colon + 1;
    if (!gdb_parse_addr_len(&p, &off, &len)) {
        gdb_put_packet("E00");
        return;
    }
    total = strlen(arch->target_xml);
    if (off >= total) {
        gdb_put_packet("l");
        return;
    }
    if (len > sizeof(out) / 2 - 2) {
        len = sizeof(out) / 2 - 2;
    }
    if (len > total - off) {
        len = total - off;
    }
    out[0] = off + len < total ? 'm' : 'l';
    memcpy(out + 1, arch->target_xml + off, len);
    gdb_put_packet_bin((const uint8_t *)out, len + 1);
}

static void gdb_thread_list(void)
{
    GdbCpus c;
    char out[RSP_MAX_PACKET];
    size_t n = 0;

    gdb_cpus(&c);
    out[n++] = 'm';
    for (int i = 0; i < c.n; i++) {
        n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%x", i ? "," : "",
                              c.cpu[i]->cpu_index + 1);
    }
    gdb_put_packet(out);
}

static void gdb_thread_extra(const char *p)
{
    int tid = gdb_parse_thread(&p);
    CpuState *cpu = tid > 0 ? gdb_cpu_by_index(tid - 1) : NULL;
    char text[64], hex[130];

    if (!cpu) {
        gdb_put_packet("E22");
        return;
    }
    snprintf(text, sizeof(text), "CPU#%d [%s]", cpu->cpu_index,
             atomic_load(&cpu->halted) ? "halted " : "running");
    rsp_hex_encode((const uint8_t *)text, strlen(text), hex);
    gdb_put_packet(hex);
}

/* qRcmd,HEX: gdb's "monitor CMD" runs an HMP command; its output goes back
 * as O packets (hex), then OK, as QEMU does. */
static void gdb_monitor_command(const char *hex)
{
    size_t len = strlen(hex);
    char *line = malloc(len / 2 + 1);
    char *out;

    if (!line) {
        abort();
    }
    if (rsp_hex_decode(hex, len, (uint8_t *)line, len / 2) < 0) {
        free(line);
        gdb_put_packet("E01");
        return;
    }
    line[len / 2] = 0;
    out = monitor_hmp_run_captured(line);
    free(line);
    for (size_t off = 0, n = strlen(out); off < n;) {
        char pkt[RSP_MAX_PACKET];
        size_t chunk = n - off < (sizeof(pkt) - 2) / 2 ? n - off : (sizeof(pkt) - 2) / 2;

        pkt[0] = 'O';
        rsp_hex_encode((const uint8_t *)out + off, chunk, pkt + 1);
        gdb_put_packet(pkt);
        off += chunk;
    }
    free(out);
    gdb_put_packet("OK");
}

static void gdb_query(const char *p)
{
    char buf[128];

    if (strncmp(p, "qSupported", 10) == 0) {
        snprintf(buf, sizeof(buf), "PacketSize=%x;qXfer:features:read+;vContSupported+;"
                                   "QStartNoAckMode+", RSP_MAX_PACKET);
        gdb_put_packet(buf);
    } else if (strncmp(p, "qXfer:features:read:", 20) == 0) {
        gdb_xfer_features(p + 20);
    } else if (strcmp(p, "qAttached") == 0 || strncmp(p, "qAttached:", 10) == 0) {
        gdb_put_packet("1");
    } else if (strcmp(p, "qC") == 0) {
        CpuState *cpu = gdb_cpu_by_index(gdb.c_cpu >= 0 ? gdb.c_cpu : -1);
        snprintf(buf, sizeof(buf), "QC%x", cpu ? cpu->cpu_index + 1 : 1);
        gdb_put_packet(buf);
    } else if (strcmp(p, "qfThreadInfo") == 0) {
        gdb_thread_list();
    } else if (strcmp(p, "qsThreadInfo") == 0) {
        gdb_put_packet("l");
    } else if (strncmp(p, "qThreadExtraInfo,", 17) == 0) {
        gdb_thread_extra(p + 17);
    } else if (strncmp(p, "qRcmd,", 6) == 0) {
        gdb_monitor_command(p + 6);
    } else if (strncmp(p, "qSymbol", 7) == 0) {
        gdb_put_packet("OK");
    } else {
        gdb_put_packet("");
    }
}

static void gdb_handle_packet(char *pkt, size_t len)
{
    const char *p = pkt + 1;
    int tid;

    switch (pkt[0]) {
    case '?':
        gdb_stop_vm();
        gdb.waiting = false;
        gdb_send_stop_reply(gdb_cpu_by_index(gdb.c_cpu >= 0 ? gdb.c_cpu : -1), GDB_SIGTRAP);
        break;
    case 'g':
        gdb_reply_regs();
        break;
    case 'G':
        gdb_write_regs(p);
        break;
    case 'p':
        gdb_read_reg(p);
        break;
    case 'P':
        gdb_write_reg(p);
        break;
    case 'm':
        gdb_read_mem(p);
        break;
    case 'M':
        gdb_write_mem(p, len - 1, false);
        break;
    case 'X':
        gdb_write_mem(p, len - 1, true);
        break;
    case 'Z':
    case 'z':
        gdb_breakpoint(p, pkt[0] == 'Z');
        break;
    case 'c':
    case 'C':
        if (pkt[0] == 'c') {
            gdb_set_pc_if(p);
        }
        gdb_resume(-1);
        break;
    case 's':
    case 'S':
        if (pkt[0] == 's') {
            gdb_set_pc_if(p);
        }
        gdb_resume(gdb.c_cpu >= 0 ? gdb.c_cpu : 0);
        break;
    case 'H':
        if (pkt[1] != 'g' && pkt[1] != 'c') {
            gdb_put_packet("");
            break;
        }
        p = pkt + 2;
        tid = gdb_parse_thread(&p);
        if (tid == -2 || (tid > 0 && !gdb_cpu_by_index(tid - 1))) {
            gdb_put_packet("E22");
            break;
        }
        if (pkt[1] == 'g') {
            gdb.g_cpu = tid > 0 ? tid - 1 : gdb.g_cpu;
        } else {
            gdb.c_cpu = tid > 0 ? tid - 1 : -1;
        }
        gdb_put_packet("OK");
        break;
    case 'T':
        tid = gdb_parse_thread(&p);
        gdb_put_packet(tid > 0 && gdb_cpu_by_index(tid - 1) ? "OK" : "E22");
        break;
    case 'D':
        gdb_remove_all_breakpoints();
        gdb_set_step(-1);
        gdb_put_packet("OK");
        gdb.waiting = false;
        if (!runstate_is_running() && !runstate_needs_reset()) {
            vm_start(NULL);
        }
        break;
    case 'k':
        error_report("terminated via GDBstub");
        runstate_request_shutdown(SHUTDOWN_CAUSE_HOST_QUIT);
        break;
    case 'q':
        gdb_query(pkt);
        break;
    case 'Q':
        if (strcmp(pkt, "QStartNoAckMode") == 0) {
            gdb_put_packet("OK");
            gdb.no_ack = true;
        } else {
            gdb_put_packet("");
        }
        break;
    case 'v':
        if (strcmp(pkt, "vCont?") == 0) {
            gdb_put_packet("vCont;c;C;s;S");
        } else if (strncmp(pkt, "vCont;", 6) == 0) {
            gdb_vcont(pkt + 5);
        } else if (strncmp(pkt, "vKill", 5) == 0) {
            gdb_put_packet("OK");
            runstate_request_shutdown(SHUTDOWN_CAUSE_HOST_QUIT);
        } else {
            gdb_put_packet("");
        }
        break;
    default:
        gdb_put_packet("");
        break;
    }
}

/* ---- chardev ---- */

static int gdb_can_read(void *opaque)
{
    return RSP_MAX_PACKET;
}

static void gdb_read(void *opaque, const uint8_t *buf, int size)
{
    for (int i = 0; i < size; i++) {
        switch (rsp_reader_byte(&gdb.reader, buf[i])) {
        case RSP_PACKET:
            if (!gdb.no_ack) {
                gdb_send_raw("+", 1);
            }
            gdb_handle_packet(gdb.reader.data, gdb.reader.len);
            break;
        case RSP_BAD_CHECKSUM:
            gdb_send_raw("-", 1);
            break;
        case RSP_NAK:
            if (gdb.last) {
                gdb_send_raw(gdb.last, gdb.last_len);
            }
            break;
        case RSP_INTERRUPT:
            if (runstate_is_running()) {
                vm_stop(RUN_STATE_PAUSED);  /* the handler sends T02 */
            }
            break;
        default:
            break;
        }
    }
}

static void gdb_event(void *opaque, ChardevEvent event)
{
    switch (event) {
    case CHARDEV_EVENT_OPENED:
        gdb.connected = true;
        gdb.no_ack = false;
        gdb.waiting = false;
        gdb.g_cpu = gdb.c_cpu = 0;
        rsp_reader_init(&gdb.reader);
        gdb_stop_vm();
        break;
    case CHARDEV_EVENT_CLOSED:
        /* gdb went away without D: do not leave traps behind (when the VM
         * is stopped, as exec's lists require). */
        gdb.connected = false;
        gdb.waiting = false;
        if (!runstate_is_running()) {
            gdb_set_step(-1);
            gdb_remove_all_breakpoints();
        }
        break;
    default:
        break;
    }
}

void gdbserver_exit(int status)
{
    char buf[8];

    if (!gdb.connected) {
        return;
    }
    snprintf(buf, sizeof(buf), "W%02x", status & 0xff);
    gdb_put_packet(buf);
}

static char *gdb_device_string(const char *device)
{
    char *s = NULL;
    bool digits = device[0] && strspn(device, "0123456789") == strlen(device);

    if (digits) {
        if (asprintf(&s, "tcp:127.0.0.1:%s,server=on,wait=off", device) < 0) {
            abort();
        }
    } else if (strncmp(device, "tcp::", 5) == 0) {
        if (asprintf(&s, "tcp:127.0.0.1:%s%s", device + 5,
                     strstr(device, "server") ? "" : ",server=on,wait=off") < 0) {
            abort();
        }
    } else if ((strncmp(device, "tcp:", 4) == 0 || strncmp(device, "unix:", 5) == 0) &&
               !strstr(device, "server")) {
        if (asprintf(&s, "%s,server=on,wait=off", device) < 0) {
            abort();
        }
    } else {
        s = strdup(device);
    }
    if (!s) {
        abort();
    }
    return s;
}

bool gdbserver_start(const char *device, Error **errp)
{
    Chardev *chr = NULL;
    bool mon = false;
    char *spec;
    bool ok;

    if (gdb.chr) {
        chardev_fe_deinit(&gdb.fe);
        chardev_delete(gdb.chr);
        gdb.chr = NULL;
        gdb.connected = false;
    }
    if (strcmp(device, "none") == 0) {
        return true;
    }
    spec = gdb_device_string(device);
    ok = chardev_new_legacy("gdb", spec, &chr, &mon, errp);
    free(spec);
    if (!ok) {
        error_prepend(errp, "gdbstub: ");
        return false;
    }
    if (!chr || !chardev_fe_init(&gdb.fe, chr, errp)) {
        if (chr) {
            chardev_delete(chr);
        }
        return chr ? false : true;
    }
    gdb.chr = chr;
    if (!gdb.vm_handler) {
        gdb.vm_handler = runstate_add_change_handler(gdb_vm_state_change, NULL);
    }
    chardev_fe_set_handlers(&gdb.fe, gdb_can_read, gdb_read, gdb_event, NULL);
    return true;
}
