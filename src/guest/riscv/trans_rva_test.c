/*
 * The A extension across harts: two harts on two host threads, each running
 * cpu_exec on shared RAM, add to one counter with amoadd.w and to another
 * with an LR/SC loop.  Atomicity means neither loses an update: both end at
 * 2 * N.  Each hart reports completion by writing its hartid to a "done"
 * register, which makes that hart leave cpu_exec.  NOTE: a race can only be
 * caught when the harts overlap; a deliberately non-atomic amoadd fails this
 * test in most runs on a busy 2-core host, not all.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "exec/exec.h"
#include "exec/tb.h"
#include "guest/riscv/rv_testbench.h"
#include "guest/riscv/translate.h"
#include "util/unittest.h"

#define RAM_BASE 0x80000000ull
#define COUNTER1 (RAM_BASE + 0x1000)
#define COUNTER2 (RAM_BASE + 0x1008)
#define DONE_REG 0x100000ull
#define N 0x40100      /* lui + addi with a positive low part */

typedef struct SmpMachine {
    MemoryRegion root, ram, done;
    AddressSpace *as;
    RiscvCpu hart[2];
    _Atomic bool finished[2];
} SmpMachine;

static uint64_t smp_done_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void smp_done_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    SmpMachine *m = opaque;

    if (val < 2) {
        atomic_store(&m->finished[val], true);
        cpu_exit(&m->hart[val].parent);
    }
}

static const MemoryRegionOps smp_done_ops = {
    .read = smp_done_read,
    .write = smp_done_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

typedef struct HartThread {
    SmpMachine *m;
    int index;
    pthread_barrier_t *start;   /* both harts begin together */
} HartThread;

static void *hart_thread(void *opaque)
{
    HartThread *t = opaque;
    CpuState *cs = &t->m->hart[t->index].parent;

    pthread_barrier_wait(t->start);
    for (int spins = 0; !atomic_load(&t->m->finished[t->index]) && spins < 1000000; spins++) {
        cpu_exec(cs);
    }
    return NULL;
}

#define AMO(f5, f3, rd, rs1, rs2) RV_R(0x2f, rd, f3, rs1, rs2, (f5) << 2)

UNITTEST(two_harts_do_not_lose_updates)
{
    SmpMachine *m = calloc(1, sizeof(*m));
    RiscvHartClass *hc = RISCV_HART_CLASS(object_class_by_name(TYPE_RISCV_CPU_RV64));

    memory_region_init(&m->root, NULL, "system", MEMORY_SIZE_ALL);
    memory_region_init_ram(&m->ram, NULL, "ram", 0x10000, &error_abort);
    memory_region_add_subregion(&m->root, RAM_BASE, &m->ram);
    memory_region_init_io(&m->done, NULL, &smp_done_ops, m, "done", 0x1000);
    memory_region_add_subregion(&m->root, DONE_REG, &m->done);
    m->as = address_space_create(&m->root, "smp");
    tb_flush(NULL);

    /* a0 = hartid, a1 = counter 1, a2 = counter 2, a3 = done register */
    const uint32_t prog[] = {
        rv_enc_i(0x13, 7, 0, 0, 1),             /*  0: li t2, 1 */
        rv_enc_u(0x37, 5, N & ~0xfff),          /*  4: lui t0, N hi */
        rv_enc_i(0x13, 5, 0, 5, N & 0xfff),     /*  8: addi t0, t0, N lo */
        AMO(0x00, 2, 0, 11, 7),                 /* 12: amoadd.w zero, t2, (a1) */
        rv_enc_i(0x13, 5, 0, 5, -1),            /* 16: addi t0, t0, -1 */
        rv_enc_b(1, 5, 0, -8),                  /* 20: bnez t0, 12 */
        rv_enc_u(0x37, 5, N & ~0xfff),          /* 24: lui t0, N hi */
        rv_enc_i(0x13, 5, 0, 5, N & 0xfff),     /* 28: addi t0, t0, N lo */
        AMO(0x02, 3, 28, 12, 0) | 1u << 26,     /* 32: lr.d.aq t3, (a2) */
        rv_enc_i(0x13, 28, 0, 28, 1),           /* 36: addi t3, t3, 1 */
        AMO(0x03, 3, 29, 12, 28) | 1u << 25,    /* 40: sc.d.rl t4, t3, (a2) */
        rv_enc_b(1, 29, 0, -12),                /* 44: bnez t4, 32 */
        rv_enc_i(0x13, 5, 0, 5, -1),            /* 48: addi t0, t0, -1 */
        rv_enc_b(1, 5, 0, -20),                 /* 52: bnez t0, 32 */
        rv_enc_s(0x23, 2, 13, 10, 0),           /* 56: sw a0, 0(a3) */
        rv_enc_j(0, 0),                         /* 60: j . */
    };
    address_space_write(m->as, RAM_BASE, MEMTXATTRS_UNSPECIFIED, prog, sizeof(prog));

    for (int i = 0; i < 2; i++) {
        RiscvCpu *cpu = &m->hart[i];
        cpu->misa = hc->misa;
        cpu->cfg = hc->cfg;
        cpu->resetvec = RAM_BASE;
        cpu->mhartid = (uint64_t)i;
        riscv_cpu_reset(cpu);
        cpu->gpr[10] = (uint64_t)i;
        cpu->gpr[11] = COUNTER1;
        cpu->gpr[12] = COUNTER2;
        cpu->gpr[13] = DONE_REG;
        cpu->parent.cpu_index = i;
        CHECK(cpu_exec_realize(&cpu->parent, &riscv_cpu_ops, m->as, &error_abort));
    }

    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, 2);
    HartThread t[2] = { { m, 0, &start }, { m, 1, &start } };
    pthread_t thread[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&thread[i], NULL, hart_thread, &t[i]);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(thread[i], NULL);
    }

    pthread_barrier_destroy(&start);
    CHECK(atomic_load(&m->finished[0]) && atomic_load(&m->finished[1]));
    uint64_t c1 = 0, c2 = 0;
    address_space_read(m->as, COUNTER1, MEMTXATTRS_UNSPECIFIED, &c1, 8);
    address_space_read(m->as, COUNTER2, MEMTXATTRS_UNSPECIFIED, &c2, 8);
    CHECK_U64(c1, 2 * N);
    CHECK_U64(c2, 2 * N);

    for (int i = 0; i < 2; i++) {
        cpu_exec_unrealize(&m->hart[i].parent);
    }
    address_space_destroy(m->as);
    memory_region_del_subregion(&m->root, &m->ram);
    memory_region_del_subregion(&m->root, &m->done);
    memory_region_destroy(&m->ram);
    memory_region_destroy(&m->done);
    memory_region_destroy(&m->root);
    free(m);
}
