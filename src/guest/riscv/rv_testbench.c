/*
 * The translator test bench (see rv_testbench.h): a RiscvCpu on cpu_exec
 * over RAM, a UART transmit register and a test finisher.  Unassigned
 * addresses read 0 and ignore writes (the hart's do_transaction_failed).
 */
#include "guest/riscv/rv_testbench.h"

#include <elf.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec/exec.h"
#include "exec/tb.h"
#include "guest/riscv/translate.h"

/* ---- devices ---- */

static uint64_t bench_uart_read(void *opaque, uint64_t addr, unsigned size)
{
    return addr == 5 ? 0x60 : 0;    /* LSR: THR empty, transmitter idle */
}

static void bench_uart_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    RvTestBench *tb = opaque;
    char c = (char)val;

    if (addr != 0) {
        return;
    }
    if (tb->console_len + 1 < sizeof(tb->console)) {
        tb->console[tb->console_len++] = c;
        tb->console[tb->console_len] = 0;
    }
    if (tb->echo && c != '\r') {
        fputc(c, stdout);
    }
}

static const MemoryRegionOps bench_uart_ops = {
    .read = bench_uart_read,
    .write = bench_uart_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t bench_finisher_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void bench_finisher_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    RvTestBench *tb = opaque;
    uint32_t v = (uint32_t)val;

    if (addr != 0) {
        return;
    }
    tb->finished = true;
    tb->exit_code = (v & 0xffff) == 0x5555 ? 0 : (v >> 16) ? (int)(v >> 16) : 1;
    cpu_exit(&tb->cpu.parent);
}

static const MemoryRegionOps bench_finisher_ops = {
    .read = bench_finisher_read,
    .write = bench_finisher_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* ---- the hart's ops, with exceptions counted ---- */

static RvTestBench *bench;

static void bench_do_interrupt(CpuState *cs)
{
    bench->exceptions++;
    riscv_cpu_ops.do_interrupt(cs);
}

static CpuOps bench_cpu_ops;

/* ---- the bench ---- */

RvTestBench *rv_bench_new(void)
{
    RvTestBench *tb = calloc(1, sizeof(*tb));
    RiscvHartClass *hc = RISCV_HART_CLASS(object_class_by_name(TYPE_RISCV_CPU_RV64));

    memory_region_init(&tb->root, NULL, "system", MEMORY_SIZE_ALL);
    memory_region_init_ram(&tb->ram, NULL, "ram", RV_TB_RAM_SIZE, &error_abort);
    memory_region_add_subregion(&tb->root, RV_TB_RAM_BASE, &tb->ram);
    memory_region_init_io(&tb->uart, NULL, &bench_uart_ops, tb, "uart", 0x100);
    memory_region_add_subregion(&tb->root, RV_TB_UART, &tb->uart);
    memory_region_init_io(&tb->finisher, NULL, &bench_finisher_ops, tb, "finisher", 0x1000);
    memory_region_add_subregion(&tb->root, RV_TB_FINISHER, &tb->finisher);
    tb->as = address_space_create(&tb->root, "bench");

    bench_cpu_ops = riscv_cpu_ops;
    bench_cpu_ops.do_interrupt = bench_do_interrupt;
    tb->cpu.misa = hc->misa;
    tb->cpu.cfg = hc->cfg;
    tb->cpu.resetvec = RV_TB_RAM_BASE;
    riscv_cpu_reset(&tb->cpu);
    if (!cpu_exec_realize(&tb->cpu.parent, &bench_cpu_ops, tb->as, &error_abort)) {
        abort();
    }
    /* Every bench starts from an empty TB cache (programs are reloaded). */
    tb_flush(NULL);
    tb->cpu.parent.stat_tb_translated = 0;
    bench = tb;
    return tb;
}

void rv_bench_free(RvTestBench *tb)
{
    cpu_exec_unrealize(&tb->cpu.parent);
    address_space_destroy(tb->as);
    memory_region_del_subregion(&tb->root, &tb->ram);
    memory_region_del_subregion(&tb->root, &tb->uart);
    memory_region_del_subregion(&tb->root, &tb->finisher);
    memory_region_destroy(&tb->ram);
    memory_region_destroy(&tb->uart);
    memory_region_destroy(&tb->finisher);
    memory_region_destroy(&tb->root);
    if (bench == tb) {
        bench = NULL;
    }
    free(tb);
}

void rv_bench_load32(RvTestBench *tb, uint64_t addr, const uint32_t *insns, unsigned n)
{
    address_space_write(tb->as, addr, MEMTXATTRS_UNSPECIFIED, insns, n * 4ull);
}

void rv_bench_load16(RvTestBench *tb, uint64_t addr, const uint16_t *parcels, unsigned n)
{
    address_space_write(tb->as, addr, MEMTXATTRS_UNSPECIFIED, parcels, n * 2ull);
}

uint64_t rv_bench_read64(RvTestBench *tb, uint64_t addr)
{
    uint64_t v = 0;
    address_space_read(tb->as, addr, MEMTXATTRS_UNSPECIFIED, &v, 8);
    return v;
}

void rv_bench_write64(RvTestBench *tb, uint64_t addr, uint64_t val)
{
    address_space_write(tb->as, addr, MEMTXATTRS_UNSPECIFIED, &val, 8);
}

uint64_t rv_bench_translations(RvTestBench *tb)
{
    return tb->cpu.parent.stat_tb_translated;
}

/* Stops a run that takes too long: cpu_exit after the deadline. */
typedef struct BenchWatchdog {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
    unsigned timeout_ms;
    CpuState *cpu;
    bool fired;
} BenchWatchdog;

static void *bench_watchdog(void *opaque)
{
    BenchWatchdog *w = opaque;
    struct timespec until;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += w->timeout_ms / 1000;
    until.tv_nsec += (long)(w->timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->lock);
    while (!w->done) {
        if (pthread_cond_timedwait(&w->cond, &w->lock, &until) != 0) {
            w->fired = true;
            cpu_exit(w->cpu);
            break;
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

bool rv_bench_run(RvTestBench *tb, uint64_t stop_pc, unsigned timeout_ms)
{
    CpuState *cs = &tb->cpu.parent;
    BenchWatchdog w = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER,
                        .timeout_ms = timeout_ms, .cpu = cs };
    pthread_t thread;

    /* tests set priv, misa and mstatus directly, as a debugger would */
    riscv_cpu_sync_tb_flags(&tb->cpu);
    if (stop_pc != UINT64_MAX) {
        /* lui x31, 5; addi x31, x31, 0x555; lui x30, 0x100; sw x31, 0(x30); j . */
        const uint32_t stub[] = {
            rv_enc_u(0x37, 31, 0x5000), rv_enc_i(0x13, 31, 0, 31, 0x555),
            rv_enc_u(0x37, 30, (int32_t)RV_TB_FINISHER), rv_enc_s(0x23, 2, 30, 31, 0),
            rv_enc_j(0, 0),
        };
        rv_bench_load32(tb, stop_pc, stub, 5);
    }
    bench = tb;
    tb->finished = false;
    pthread_create(&thread, NULL, bench_watchdog, &w);
    while (!tb->finished && !w.fired) {
        int r = cpu_exec(cs);
        if (r == EXCP_HLT || r == EXCP_HALTED) {
            /* WFI with nothing to wake it: the run cannot go on. */
            break;
        }
    }
    pthread_mutex_lock(&w.lock);
    w.done = true;
    pthread_cond_signal(&w.cond);
    pthread_mutex_unlock(&w.lock);
    pthread_join(thread, NULL);
    if (tb->finished && stop_pc != UINT64_MAX && tb->exit_code == 0) {
        tb->cpu.pc = stop_pc;
    }
    return tb->finished;
}

bool rv_bench_load_elf(RvTestBench *tb, const char *path, Error **errp)
{
    FILE *f = fopen(path, "rb");
    Elf64_Ehdr eh;
    bool ok = false;

    if (!f) {
        error_setg_errno(errp, errno, "cannot open %s", path);
        return false;
    }
    if (fread(&eh, sizeof(eh), 1, f) != 1 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_RISCV) {
        error_setg(errp, "%s: not an ELF64 RISC-V file", path);
        goto out;
    }
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (fseek(f, (long)(eh.e_phoff + (uint64_t)i * eh.e_phentsize), SEEK_SET) != 0 ||
            fread(&ph, sizeof(ph), 1, f) != 1) {
            error_setg(errp, "%s: truncated program headers", path);
            goto out;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) {
            continue;
        }
        if (ph.p_paddr < RV_TB_RAM_BASE || ph.p_filesz > ph.p_memsz ||
            ph.p_memsz > RV_TB_RAM_SIZE ||
            ph.p_paddr - RV_TB_RAM_BASE > RV_TB_RAM_SIZE - ph.p_memsz) {
            error_setg(errp, "%s: segment at 0x%llx (+0x%llx) is outside the bench's RAM", path,
                       (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_memsz);
            goto out;
        }
        uint8_t *seg = calloc(1, ph.p_memsz);
        if (fseek(f, (long)ph.p_offset, SEEK_SET) != 0 ||
            fread(seg, 1, ph.p_filesz, f) != ph.p_filesz) {
            free(seg);
            error_setg(errp, "%s: truncated segment", path);
            goto out;
        }
        address_space_write(tb->as, ph.p_paddr, MEMTXATTRS_UNSPECIFIED, seg, ph.p_memsz);
        free(seg);
    }
    tb->cpu.pc = eh.e_entry;
    ok = true;
out:
    fclose(f);
    return ok;
}

/* ---- encoders ---- */

uint32_t rv_enc_r(unsigned opc, unsigned rd, unsigned f3, unsigned rs1, unsigned rs2,
                  unsigned f7)
{
    return opc | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}

uint32_t rv_enc_i(unsigned opc, unsigned rd, unsigned f3, unsigned rs1, int32_t imm)
{
    return opc | rd << 7 | f3 << 12 | rs1 << 15 | ((uint32_t)imm & 0xfff) << 20;
}

uint32_t rv_enc_s(unsigned opc, unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return opc | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | ((u >> 5) & 0x7f) << 25;
}

uint32_t rv_enc_b(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return 0x63 | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | f3 << 12 | rs1 << 15 |
           rs2 << 20 | ((u >> 5) & 0x3f) << 25 | ((u >> 12) & 1) << 31;
}

uint32_t rv_enc_u(unsigned opc, unsigned rd, int32_t imm)
{
    return opc | rd << 7 | ((uint32_t)imm & 0xfffff000u);
}

uint32_t rv_enc_j(unsigned rd, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return 0x6f | rd << 7 | ((u >> 12) & 0xff) << 12 | ((u >> 11) & 1) << 20 |
           ((u >> 1) & 0x3ff) << 21 | ((u >> 20) & 1) << 31;
}
