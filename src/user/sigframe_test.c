/*
 * Tests of the riscv64 signal frame: offsets as Linux's uapi headers give
 * them, handler entry registers, masks (handler's mask, SA_NODEFER,
 * SA_RESETHAND), the alternate stack, and that rt_sigreturn restores
 * exactly what the frame saved.
 */
#include "user/sigframe.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include "user/signal.h"
#include "util/unittest.h"

static UserProcess proc;
static UserThread thread;

static void setup(void)
{
    memset(&proc, 0, sizeof(proc));
    memset(&thread, 0, sizeof(thread));
    CHECK(mmap_init(&proc.mem, USER_SPACE_SIZE_DEFAULT, &error_abort));
    thread.proc = &proc;
    CHECK_U64(mmap_map(&proc.mem, 0x100000, 0x10000, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), 0x100000);
}

static void fill_regs(UserRegs *r)
{
    r->pc = 0x10080;
    for (int i = 1; i < 32; i++) {
        r->x[i] = 0x1000 * i + 7;
    }
    r->x[2] = 0x10f008;         /* sp, not 16-aligned on purpose */
    for (int i = 0; i < 32; i++) {
        r->f[i] = 0xfff0000000000000ull | i;
    }
    r->fcsr = 0xe1;
}

UNITTEST(frame_layout_and_entry)
{
    setup();
    UserRegs r;
    fill_regs(&r);
    UserSigaction act = { .handler = 0x12340, .flags = SA_SIGINFO,
                          .mask = USER_SIG_BIT(SIGUSR2) };
    uint8_t info[128] = { 0 };
    info[0] = SIGUSR1;
    signal_set_mask(&thread, USER_SIG_BIT(SIGHUP));
    CHECK(sigframe_setup(&thread, SIGUSR1, &act, info, &r, 0x7000));

    GuestVaddr frame = (0x10f008 - 1088) & ~15ull;
    CHECK_U64(r.x[2], frame);
    CHECK_U64(r.pc, 0x12340);
    CHECK_U64(r.x[1], 0x7000);
    CHECK_U64(r.x[10], SIGUSR1);
    CHECK_U64(r.x[11], frame);
    CHECK_U64(r.x[12], frame + 128);
    const uint8_t *f = mmap_g2h(&proc.mem, frame);
    CHECK_INT(f[0], SIGUSR1);
    uint64_t v;
    memcpy(&v, f + 128 + 40, 8);                /* uc_sigmask: the old mask */
    CHECK_U64(v, USER_SIG_BIT(SIGHUP));
    memcpy(&v, f + 128 + 176, 8);               /* sc_regs.pc */
    CHECK_U64(v, 0x10080);
    memcpy(&v, f + 128 + 176 + 8 * 2, 8);       /* sc_regs.sp = x2 */
    CHECK_U64(v, 0x10f008);
    memcpy(&v, f + 128 + 176 + 256 + 8 * 5, 8); /* f5 */
    CHECK_U64(v, 0xfff0000000000005ull);
    uint32_t fcsr;
    memcpy(&fcsr, f + 128 + 176 + 256 + 256, 4);
    CHECK_INT(fcsr, 0xe1);
    int32_t ss_flags;
    memcpy(&ss_flags, f + 128 + 24, 4);
    CHECK_INT(ss_flags, 2);                     /* SS_DISABLE: no altstack */
    /* In the handler: old mask + the handler's + the signal itself. */
    CHECK_U64(thread.sigmask,
              USER_SIG_BIT(SIGHUP) | USER_SIG_BIT(SIGUSR2) | USER_SIG_BIT(SIGUSR1));

    /* The handler clobbers registers; sigreturn brings all of them back. */
    UserRegs after = r;
    after.x[5] = 0xdead;
    after.f[3] = 0;
    after.fcsr = 0;
    CHECK(sigframe_restore(&thread, &after));
    UserRegs want;
    fill_regs(&want);
    CHECK_U64(after.pc, want.pc);
    for (int i = 1; i < 32; i++) {
        CHECK_U64(after.x[i], want.x[i]);
    }
    CHECK(memcmp(after.f, want.f, sizeof(want.f)) == 0);
    CHECK_INT(after.fcsr, 0xe1);
    CHECK_U64(thread.sigmask, USER_SIG_BIT(SIGHUP));
    signal_set_mask(&thread, 0);
    mmap_destroy(&proc.mem);
}

UNITTEST(nodefer_resethand_altstack)
{
    setup();
    UserRegs r;
    fill_regs(&r);
    thread.altstack_sp = 0x104000;
    thread.altstack_size = 0x2000;
    proc.sigactions[SIGSEGV].handler = 0x5550;
    UserSigaction act = { .handler = 0x5550,
                          .flags = SA_ONSTACK | SA_NODEFER | SA_RESETHAND };
    uint8_t info[128] = { SIGSEGV };
    CHECK(sigframe_setup(&thread, SIGSEGV, &act, info, &r, 0x7000));
    CHECK_U64(r.x[2], 0x106000 - 1088);         /* top of the alternate stack */
    CHECK_U64(thread.sigmask, 0);               /* SA_NODEFER: not blocked */
    CHECK_U64(proc.sigactions[SIGSEGV].handler, 0);  /* SA_RESETHAND */
    /* A nested signal while on the alternate stack stays on it, below. */
    UserRegs inner = r;
    act.flags = SA_ONSTACK;
    CHECK(sigframe_setup(&thread, SIGUSR1, &act, info, &inner, 0x7000));
    CHECK_U64(inner.x[2], ((0x106000 - 1088) - 1088) & ~15ull);
    const uint8_t *f = mmap_g2h(&proc.mem, inner.x[2]);
    int32_t ss_flags;
    memcpy(&ss_flags, f + 128 + 24, 4);
    CHECK_INT(ss_flags, 1);                     /* SS_ONSTACK */
    /* A stack that is not mapped: the caller must force SIGSEGV. */
    r.x[2] = 0x900000;
    act.flags = 0;
    CHECK(!sigframe_setup(&thread, SIGUSR1, &act, info, &r, 0x7000));
    signal_set_mask(&thread, 0);
    mmap_destroy(&proc.mem);
}
