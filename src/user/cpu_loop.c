/*
 * The user-mode CPU loop (see cpu_loop.h), QEMU's linux-user cpu_loop for
 * riscv64.  Each guest thread is a host thread running:
 *
 *   loop: cpu_exec -> the exception the guest raised, if any:
 *           ecall -> syscall_dispatch; illegal instruction, breakpoint,
 *           page faults -> a synchronous signal
 *         -> deliver pending signals (rt_sigframe on the guest stack)
 *
 * The exec loop hands guest exceptions to CpuOps.do_interrupt; ours only
 * records the exception and asks cpu_exec to return (cpu_exit), so
 * syscalls run outside the exec loop's read lock and may block freely.
 * Guest loads and stores are host accesses at guest_base + address; a
 * fault lands in the host SIGSEGV/SIGBUS handler, which turns it into the
 * guest's page fault at the faulting instruction (cpu_loop_exit_restore).
 * Instruction fetch is checked against the mappings' PROT_EXEC when a block
 * is looked up (get_tb_cpu_state), cached per thread until the mappings
 * change.

 * The user CSRs (fflags, frm, fcsr; cycle, time, instret through
 * mcounteren/scounteren, time from the host's monotonic clock at the virt
 * board's 10 MHz) are the translator's.
 */
#include "user/cpu_loop.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <linux/futex.h>
#include <linux/sched.h>

#include "exec/exec.h"
#include "exec/exec_internal.h"
#include "exec/tb.h"
#include "guest/riscv/cpu.h"
#include "guest/riscv/cpu_bits.h"
#include "guest/riscv/fpu_helper.h"
#include "user/sigframe.h"
#include "user/signal.h"
#include "user/syscall.h"
#include "util/log.h"

/* Exceptions of our own, below EXCP_INTERRUPT so do_interrupt gets them. */
#define USER_EXCP_SIGBUS 0x100

typedef struct UserCpu {
    RiscvCpu cpu;                   /* first: the CpuState is the UserCpu */
    UserThread thread;
    struct UserCpu *next;           /* user_cpus, under user_cpus_lock */
    int excp;                       /* the exception do_interrupt recorded */
    uint64_t excp_tval;
    GuestVaddr exec_lo, exec_hi;    /* cached executable mapping */
    uint64_t exec_gen;
} UserCpu;

static CpuOps user_cpu_ops;
static GuestVaddr user_sigtramp;
static _Atomic int user_thread_count;
/* The fork gate: vCPU threads enter cpu_exec only through it, so a fork
 * can wait until none is inside (holding the exec lock, translating under
 * tb_lock) and keep them out while it forks.  The exec layer's own
 * exclusive section cannot be used across fork: its rwlock remembers the
 * writer's thread id, which the child does not have. */
static pthread_mutex_t user_gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t user_gate_cond = PTHREAD_COND_INITIALIZER;
static int user_gate_running;
static bool user_gate_forking;

static void user_gate_enter(void)
{
    pthread_mutex_lock(&user_gate_lock);
    while (user_gate_forking) {
        pthread_cond_wait(&user_gate_cond, &user_gate_lock);
    }
    user_gate_running++;
    pthread_mutex_unlock(&user_gate_lock);
}

static void user_gate_leave(void)
{
    pthread_mutex_lock(&user_gate_lock);
    if (--user_gate_running == 0 && user_gate_forking) {
        pthread_cond_broadcast(&user_gate_cond);
    }
    pthread_mutex_unlock(&user_gate_lock);
}

/* Every live guest thread's CPU, for fork (the child keeps only its own). */
static pthread_mutex_t user_cpus_lock = PTHREAD_MUTEX_INITIALIZER;
static UserCpu *user_cpus;

static void user_cpus_add(UserCpu *uc)
{
    pthread_mutex_lock(&user_cpus_lock);
    uc->next = user_cpus;
    user_cpus = uc;
    pthread_mutex_unlock(&user_cpus_lock);
}

static void user_cpus_remove(UserCpu *uc)
{
    pthread_mutex_lock(&user_cpus_lock);
    for (UserCpu **pp = &user_cpus; *pp; pp = &(*pp)->next) {
        if (*pp == uc) {
            *pp = uc->next;
            break;
        }
    }
    pthread_mutex_unlock(&user_cpus_lock);
}

static UserCpu *user_cpu_of(CpuState *cs)
{
    return (UserCpu *)cs;
}

/* ---- the CpuOps we change ---- */

static void user_do_interrupt(CpuState *cs)
{
    UserCpu *uc = user_cpu_of(cs);
    uc->excp = cs->exception_index;
    uc->excp_tval = uc->cpu.trap_tval;
    cpu_exit(cs);
}

static void user_get_tb_cpu_state(CpuState *cs, GuestVaddr *pc, uint64_t *cs_base,
                                  uint32_t *flags)
{
    UserCpu *uc = user_cpu_of(cs);
    UserMem *m = &uc->thread.proc->mem;

    riscv_cpu_ops.get_tb_cpu_state(cs, pc, cs_base, flags);
    uint64_t gen = atomic_load_explicit(&m->generation, memory_order_acquire);
    if (*pc >= uc->exec_lo && *pc < uc->exec_hi && gen == uc->exec_gen) {
        return;
    }
    if (!mmap_exec_range(m, *pc, &uc->exec_lo, &uc->exec_hi)) {
        uc->exec_lo = uc->exec_hi = 0;
        cs->exception_index = RISCV_EXCP_INST_PAGE_FAULT;
        uc->cpu.trap_tval = *pc;
        cpu_loop_exit(cs);
    }
    uc->exec_gen = gen;
}

static bool user_peek_readonly_u64(CpuState *cs, GuestVaddr addr, uint64_t *val)
{
    return mmap_read_readonly_u64(&user_cpu_of(cs)->thread.proc->mem, addr, val);
}

static uint64_t user_rdtime(void *opaque)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    /* A 10 MHz timebase, as the virt board's. */
    return (uint64_t)ts.tv_sec * 10000000ull + (uint64_t)ts.tv_nsec / 100;
}

static void user_invalidate(GuestVaddr start, GuestVaddr end, void *opaque)
{
    tb_invalidate_phys_range(start, end - start);
}

/* ---- registers <-> UserRegs ---- */

static void regs_from_cpu(UserRegs *r, const RiscvCpu *cpu)
{
    r->pc = cpu->pc;
    memcpy(r->x, cpu->gpr, sizeof(r->x));
    memcpy(r->f, cpu->fpr, sizeof(r->f));
    r->fcsr = (cpu->frm << 5) | cpu->fflags;
}

static void regs_to_cpu(RiscvCpu *cpu, const UserRegs *r)
{
    cpu->pc = r->pc;
    memcpy(&cpu->gpr[1], &r->x[1], sizeof(r->x) - sizeof(r->x[0]));
    cpu->gpr[0] = 0;
    memcpy(cpu->fpr, r->f, sizeof(r->f));
    riscv_fp_set_fcsr(cpu, (uint32_t)r->fcsr, (uint32_t)r->fcsr >> 5);
}

/* ---- signals ---- */

static noreturn void user_die_by_signal(int sig)
{
    FILE *log = log_file();
    if (log) {
        fflush(log);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

/* Signals whose default action is to do nothing. */
static bool sig_default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static void user_deliver(UserCpu *uc, int sig, const uint8_t *info, bool forced)
{
    UserThread *t = &uc->thread;
    UserSigaction act = t->proc->sigactions[sig];
    bool blocked = t->sigmask & USER_SIG_BIT(sig);

    log_mask_printf(LOG_INT, "user: signal %d to tid %d at pc 0x%llx (handler 0x%llx)\n", sig,
                    t->tid, (unsigned long long)uc->cpu.pc, (unsigned long long)act.handler);
    if (log_enabled(LOG_STRACE)) {
        int32_t code, pid, uid;
        uint64_t addr;
        const char *name = sigabbrev_np(sig);
        memcpy(&code, info + 8, 4);
        memcpy(&addr, info + 16, 8);
        memcpy(&pid, info + 16, 4);
        memcpy(&uid, info + 20, 4);
        if (code > 0 && (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
                         sig == SIGTRAP)) {
            log_printf("--- SIG%s {si_signo=%d, si_code=%d, si_addr=0x%llx} ---\n",
                       name ? name : "?", sig, code, (unsigned long long)addr);
        } else {
            log_printf("--- SIG%s {si_signo=%d, si_code=%d, si_pid=%d, si_uid=%d} ---\n",
                       name ? name : "?", sig, code, pid, uid);
        }
    }
    if (forced && (blocked || act.handler == (uint64_t)(uintptr_t)SIG_IGN)) {
        user_die_by_signal(sig);
    }
    if (act.handler == (uint64_t)(uintptr_t)SIG_IGN) {
        return;
    }
    if (act.handler == (uint64_t)(uintptr_t)SIG_DFL) {
        if (sig_default_ignored(sig)) {
            return;
        }
        user_die_by_signal(sig);
    }
    UserRegs r;
    regs_from_cpu(&r, &uc->cpu);
    if (!sigframe_setup(t, sig, &act, info, &r, user_sigtramp)) {
        user_die_by_signal(SIGSEGV);
    }
    regs_to_cpu(&uc->cpu, &r);
}

/* A synchronous signal from the current instruction. */
static void user_force_signal(UserCpu *uc, int sig, int code, uint64_t addr)
{
    uint8_t info[128] = { 0 };
    int32_t head[3] = { sig, 0, code };
    memcpy(info, head, sizeof(head));
    memcpy(info + 16, &addr, 8);
    user_deliver(uc, sig, info, true);
}

static void user_deliver_pending(UserCpu *uc)
{
    UserThread *t = &uc->thread;
    int sig;
    while ((sig = signal_take_pending(t)) != 0) {
        user_deliver(uc, sig, t->siginfo[sig], false);
    }
    if (t->in_sigsuspend) {
        /* Woken without a handler to run: the old mask comes back now. */
        t->in_sigsuspend = false;
        signal_set_mask(t, t->saved_sigmask);
    }
}

static void user_kick(UserThread *t)
{
    if (t->cpu) {
        cpu_exit(t->cpu);
    }
}

/* Host SIGSEGV/SIGBUS: a guest access faulted, or we did. */
static void user_host_fault(int sig, siginfo_t *info, void *ucv)
{
    UserThread *t = signal_current_thread;
    ucontext_t *hc = ucv;
    UserMem *m = t ? &t->proc->mem : NULL;
    uintptr_t host = (uintptr_t)info->si_addr;

    if (t && info->si_code <= 0) {
        /* kill/tgkill/sigqueue of SIGSEGV or SIGBUS: the guest's, async. */
        signal_queue_host(sig, info);
        return;
    }
    if (!t || !t->cpu || !t->cpu->in_exec || !mmap_host_in_reservation(m, host)) {
        /* Not the guest's: die of it as the host would. */
        signal(sig, SIG_DFL);
        return;
    }
    CpuState *cs = t->cpu;
    RiscvCpu *cpu = riscv_cpu(cs);
    cpu->trap_tval = host - m->guest_base;
    if (sig == SIGBUS) {
        cs->exception_index = USER_EXCP_SIGBUS;
    } else if (!cs->current_tb) {
        cs->exception_index = RISCV_EXCP_INST_PAGE_FAULT;   /* fetch while translating */
    } else {
        bool write = hc->uc_mcontext.gregs[REG_ERR] & 2;
        cs->exception_index = write ? RISCV_EXCP_STORE_PAGE_FAULT : RISCV_EXCP_LOAD_PAGE_FAULT;
    }
    /* generated code may have kept guest registers in host registers */
    cpu_restore_state_from_fault(cs, (uintptr_t)hc->uc_mcontext.gregs[REG_RIP], hc);
    cpu_loop_exit(cs);
}

/* ---- system calls ---- */

static void user_do_syscall(UserCpu *uc)
{
    RiscvCpu *cpu = &uc->cpu;
    const uint64_t args[6] = { cpu->gpr[10], cpu->gpr[11], cpu->gpr[12],
                               cpu->gpr[13], cpu->gpr[14], cpu->gpr[15] };
    uint64_t pc = cpu->pc;
    int64_t ret = syscall_dispatch(&uc->thread, (int64_t)cpu->gpr[17], args);
    if (ret == -EINTR && syscall_restartable((int64_t)cpu->gpr[17], args)) {
        /* Interrupted by a signal whose handler is about to run: with
         * SA_RESTART the call runs again when the handler returns. */
        int sig = signal_peek_pending(&uc->thread);
        if (sig && (uc->thread.proc->sigactions[sig].flags & SA_RESTART)) {
            ret = -USER_ERESTARTSYS;
        }
    }
    if (ret == -USER_ERESTARTSYS) {
        cpu->pc = pc;
    } else if (ret != -USER_ESIGRETURN) {
        cpu->gpr[10] = (uint64_t)ret;
        cpu->pc = pc + 4;
    }
}

static void user_handle_exception(UserCpu *uc)
{
    RiscvCpu *cpu = &uc->cpu;
    int excp = uc->excp;
    uint64_t tval = uc->excp_tval;
    uc->excp = EXCP_NONE;

    switch (excp) {
    case RISCV_EXCP_U_ECALL:
        user_do_syscall(uc);
        return;
    case RISCV_EXCP_ILLEGAL_INST:
        log_mask_printf(LOG_INT, "user: illegal instruction 0x%llx\n", (unsigned long long)tval);
        user_force_signal(uc, SIGILL, 1 /* ILL_ILLOPC */, cpu->pc);
        return;
    case RISCV_EXCP_BREAKPOINT:
        user_force_signal(uc, SIGTRAP, 1 /* TRAP_BRKPT */, cpu->pc);
        return;
    case RISCV_EXCP_INST_ADDR_MIS:
    case RISCV_EXCP_LOAD_ADDR_MIS:
    case RISCV_EXCP_STORE_AMO_ADDR_MIS:
        user_force_signal(uc, SIGBUS, 1 /* BUS_ADRALN */, tval);
        return;
    case USER_EXCP_SIGBUS:
        user_force_signal(uc, SIGBUS, 2 /* BUS_ADRERR */, tval);
        return;
    case RISCV_EXCP_INST_PAGE_FAULT:
    case RISCV_EXCP_LOAD_PAGE_FAULT:
    case RISCV_EXCP_STORE_PAGE_FAULT:
    case RISCV_EXCP_INST_ACCESS_FAULT:
    case RISCV_EXCP_LOAD_ACCESS_FAULT:
    case RISCV_EXCP_STORE_AMO_ACCESS_FAULT: {
        int prot = mmap_page_prot(&uc->thread.proc->mem, tval);
        user_force_signal(uc, SIGSEGV, prot < 0 ? 1 /* SEGV_MAPERR */ : 2 /* SEGV_ACCERR */,
                          tval);
        return;
    }
    default:
        fprintf(stderr, "morpho-riscv64: unexpected guest exception %d at pc 0x%llx\n", excp,
                (unsigned long long)cpu->pc);
        user_die_by_signal(SIGILL);
    }
}

/* ---- threads ---- */

void user_cpu_init_features(RiscvCpu *cpu)
{
    cpu->misa = MISA_MXL_RV64 | RVI | RVM | RVA | RVF | RVD | RVC | RVU;
    cpu->cfg = (RiscvCpuConfig){
        .ext_zba = true, .ext_zbb = true, .ext_zbc = true, .ext_zbs = true,
        .ext_zicond = true, .ext_zicsr = true, .ext_zifencei = true,
        .ext_zihintpause = true, .ext_zicntr = true,
    };
}

static UserCpu *user_cpu_new(UserProcess *p, const UserCpu *parent, Error **errp)
{
    UserCpu *uc = calloc(1, sizeof(*uc));
    if (!uc) {
        error_setg(errp, "out of memory for a vCPU");
        return NULL;
    }
    RiscvCpu *cpu = &uc->cpu;
    if (parent) {
        /* The guest-visible state is the parent's; CpuState is fresh. */
        memcpy((char *)cpu + sizeof(CpuState), (const char *)&parent->cpu + sizeof(CpuState),
               sizeof(RiscvCpu) - sizeof(CpuState));
        uc->thread.sigmask = parent->thread.sigmask;
    } else {
        user_cpu_init_features(cpu);
        /* checked when the options were parsed */
        if (p->opts.cpu_features &&
            !riscv_cpu_parse_features(cpu, p->opts.cpu_features, errp)) {
            free(uc);
            return NULL;
        }
        riscv_cpu_reset(cpu);
        cpu->priv = PRV_U;
        /* FP on from the start (Linux enables it lazily, invisibly). */
        cpu->mstatus |= (uint64_t)EXT_STATUS_DIRTY << MSTATUS_FS_SHIFT;
        riscv_cpu_sync_tb_flags(cpu);
        cpu->mcounteren = cpu->scounteren = 7;
        cpu->rdtime = user_rdtime;
    }
    CpuState *cs = &cpu->parent;
    cs->mem_mode = CPU_MEM_USER;
    cs->guest_base = p->mem.guest_base;
    cs->singlestep = p->opts.singlestep;
    if (!cpu_exec_realize(cs, &user_cpu_ops, NULL, errp)) {
        free(uc);
        return NULL;
    }
    uc->excp = EXCP_NONE;
    uc->thread.proc = p;
    uc->thread.cpu = cs;
    user_cpus_add(uc);
    return uc;
}

static noreturn void user_cpu_run(UserCpu *uc)
{
    CpuState *cs = &uc->cpu.parent;
    for (;;) {
        user_gate_enter();
        int r = cpu_exec(cs);
        if (uc->excp == EXCP_NONE && r == EXCP_ATOMIC) {
            cpu_exec_step_atomic(cs);
        }
        user_gate_leave();
        if (uc->excp != EXCP_NONE) {
            user_handle_exception(uc);
        } else if (r == EXCP_HALTED || r == EXCP_HLT) {
            atomic_store(&cs->halted, 0);   /* no WFI in user mode: go on */
        }
        user_deliver_pending(uc);
    }
}

typedef struct UserThreadStart {
    UserCpu *uc;
    uint64_t flags;
    GuestVaddr ptid, ctid;
    pid_t tid;
    sem_t ready;
} UserThreadStart;

static void *user_thread_main(void *arg)
{
    UserThreadStart *st = arg;
    UserCpu *uc = st->uc;
    UserThread *t = &uc->thread;

    t->tid = (pid_t)syscall(SYS_gettid);
    signal_current_thread = t;
    /* Both before any guest code runs, as Linux does in copy_process:
     * the child may exit (and clear its tid) before clone returns. */
    if (st->flags & CLONE_PARENT_SETTID) {
        int32_t *p = user_ptr(t, st->ptid, 4, PROT_WRITE);
        if (p) {
            *p = t->tid;
        }
    }
    if (st->flags & CLONE_CHILD_SETTID) {
        int32_t *p = user_ptr(t, st->ctid, 4, PROT_WRITE);
        if (p) {
            *p = t->tid;
        }
    }
    st->tid = t->tid;
    sem_post(&st->ready);       /* st belongs to the parent from here */
    signal_set_mask(t, t->sigmask);
    user_cpu_run(uc);
}

static int64_t user_clone_thread(UserThread *pt, uint64_t flags, GuestVaddr stack,
                                 GuestVaddr ptid, GuestVaddr tls, GuestVaddr ctid)
{
    const uint64_t need = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
    const uint64_t ok = need | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
                        CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED;
    if ((flags & need) != need || (flags & ~ok & ~(uint64_t)CSIGNAL)) {
        log_mask_printf(LOG_UNIMP, "clone: unsupported thread flags 0x%llx\n",
                        (unsigned long long)flags);
        return -EINVAL;
    }
    UserCpu *parent = user_cpu_of(pt->cpu);
    Error *err = NULL;
    UserCpu *uc = user_cpu_new(pt->proc, parent, &err);
    if (!uc) {
        error_free(err);
        return -ENOMEM;
    }
    RiscvCpu *cpu = &uc->cpu;
    cpu->gpr[10] = 0;               /* the child sees 0 */
    cpu->pc += 4;                   /* past the ecall */
    if (stack) {
        cpu->gpr[2] = stack;
    }
    if (flags & CLONE_SETTLS) {
        cpu->gpr[4] = tls;          /* tp */
    }
    uc->thread.clear_child_tid = flags & CLONE_CHILD_CLEARTID ? ctid : 0;

    UserThreadStart st = { .uc = uc, .flags = flags, .ptid = ptid, .ctid = ctid };
    sem_init(&st.ready, 0, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 4 << 20);   /* translation and helpers */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    atomic_fetch_add(&user_thread_count, 1);
    pthread_t th;
    int rc = pthread_create(&th, &attr, user_thread_main, &st);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        atomic_fetch_sub(&user_thread_count, 1);
        user_cpus_remove(uc);
        cpu_exec_unrealize(&cpu->parent);
        free(uc);
        sem_destroy(&st.ready);
        return -rc;
    }
    while (sem_wait(&st.ready) != 0) {
    }
    sem_destroy(&st.ready);
    return st.tid;
}

static void user_exit_thread(UserThread *t, int status)
{
    if (atomic_fetch_sub(&user_thread_count, 1) == 1) {
        return;                     /* the last one: the process exits */
    }
    if (t->clear_child_tid) {
        int32_t *p = user_ptr(t, t->clear_child_tid, 4, PROT_WRITE);
        if (p) {
            __atomic_store_n(p, 0, __ATOMIC_SEQ_CST);
            syscall(SYS_futex, p, FUTEX_WAKE, 1, NULL, NULL, 0);
        }
    }
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    signal_current_thread = NULL;
    UserCpu *uc = user_cpu_of(t->cpu);
    user_cpus_remove(uc);
    cpu_exec_unrealize(t->cpu);
    free(uc);
    pthread_exit(NULL);
}

static int64_t user_sigreturn(UserThread *t)
{
    UserCpu *uc = user_cpu_of(t->cpu);
    UserRegs r;
    regs_from_cpu(&r, &uc->cpu);
    if (!sigframe_restore(t, &r)) {
        user_die_by_signal(SIGSEGV);
    }
    regs_to_cpu(&uc->cpu, &r);
    return -USER_ESIGRETURN;
}

/* fork: no vCPU may be inside cpu_exec (translating under tb_lock, or
 * holding the exec lock) and no thread changing the address space
 * (invalidating under tb_lock), or the child inherits locks nobody will
 * release. */
static void user_fork_prepare(UserThread *t)
{
    pthread_mutex_lock(&user_gate_lock);
    user_gate_forking = true;
    pthread_mutex_lock(&user_cpus_lock);
    for (UserCpu *uc = user_cpus; uc; uc = uc->next) {
        if (&uc->thread != t) {
            cpu_exit(&uc->cpu.parent);
        }
    }
    pthread_mutex_unlock(&user_cpus_lock);
    while (user_gate_running > 0) {
        pthread_cond_wait(&user_gate_cond, &user_gate_lock);
    }
    pthread_mutex_lock(&t->proc->mem.lock);
    pthread_mutex_lock(&user_cpus_lock);
    exec_jit_fork_prepare();
}

static void user_fork_release(UserThread *t)
{
    pthread_mutex_unlock(&user_cpus_lock);
    pthread_mutex_unlock(&t->proc->mem.lock);
    user_gate_forking = false;
    pthread_cond_broadcast(&user_gate_cond);
    pthread_mutex_unlock(&user_gate_lock);
}

static void user_fork_parent(UserThread *t)
{
    exec_jit_fork_parent();
    user_fork_release(t);
}

static void user_fork_child(UserThread *t, uint64_t flags, GuestVaddr newsp, GuestVaddr tls)
{
    RiscvCpu *cpu = riscv_cpu(t->cpu);
    UserCpu *self = user_cpu_of(t->cpu);

    /* Only this thread lives on: forget the other vCPUs. */
    for (UserCpu *uc = user_cpus; uc; uc = uc->next) {
        if (uc != self) {
            exec_cpu_unregister(&uc->cpu.parent);
        }
    }
    self->next = NULL;
    user_cpus = self;
    pthread_cond_init(&user_gate_cond, NULL);   /* waiters were other threads */
    user_fork_release(t);
    /* The JIT's code buffer was shared with the parent: map the private
     * copy taken before fork at the same addresses, so every translation
     * stays valid.  If that failed, compiling, chaining or invalidating here
     * would rewrite the parent's code: drop the translations and go on with
     * the interpreter. */
    bool own_code = exec_jit_fork_child();
    if (!own_code && exec_get_backend() == EXEC_BACKEND_JIT) {
        exec_set_backend(EXEC_BACKEND_INTERP, NULL);
        exec_start_exclusive();
        tb_flush_exclusive();
        exec_end_exclusive();
    }
    atomic_store(&user_thread_count, 1);
    if (newsp) {
        cpu->gpr[2] = newsp;
    }
    if (flags & CLONE_SETTLS) {
        cpu->gpr[4] = tls;
    }
}

/* ---- start-up ---- */

static bool user_install_host_handlers(Error **errp)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = user_host_fault;
    /* NODEFER: we leave the handler by siglongjmp, which keeps the mask. */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, NULL) != 0 || sigaction(SIGBUS, &sa, NULL) != 0) {
        error_setg_errno(errp, errno, "cannot install the fault handlers");
        return false;
    }
    return true;
}

/* The sigreturn trampoline, one read+exec page. */
static bool user_map_sigtramp(UserMem *m, Error **errp)
{
    int64_t a = mmap_map(m, 0, GUEST_PAGE_SIZE_USER, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (a < 0) {
        error_setg_errno(errp, (int)-a, "cannot map the signal trampoline");
        return false;
    }
    uint32_t *code = mmap_g2h(m, a);
    code[0] = SIGFRAME_TRAMPOLINE_LI_A7;
    code[1] = SIGFRAME_TRAMPOLINE_ECALL;
    mmap_protect(m, a, GUEST_PAGE_SIZE_USER, PROT_READ | PROT_EXEC);
    user_sigtramp = a;
    return true;
}

/* Dispositions and mask carry over execve: take the host's. */
static void user_inherit_signals(UserProcess *p, UserThread *t)
{
    sigset_t mask;
    uint64_t gmask = 0;
    pthread_sigmask(SIG_SETMASK, NULL, &mask);
    for (int sig = 1; sig <= USER_NSIG; sig++) {
        struct sigaction sa;
        if (sigismember(&mask, sig) == 1) {
            gmask |= USER_SIG_BIT(sig);
        }
        if (sig != SIGSEGV && sig != SIGBUS && sigaction(sig, NULL, &sa) == 0 &&
            !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_IGN) {
            p->sigactions[sig].handler = (uint64_t)(uintptr_t)SIG_IGN;
        }
    }
    signal_set_mask(t, gmask);
}

int user_cpu_loop_start(UserProcess *p)
{
    Error *err = NULL;

    user_cpu_ops = riscv_cpu_ops;
    user_cpu_ops.name = "riscv64-user";
    user_cpu_ops.do_interrupt = user_do_interrupt;
    user_cpu_ops.get_tb_cpu_state = user_get_tb_cpu_state;
    user_cpu_ops.peek_readonly_u64 = user_peek_readonly_u64;
    user_cpu_ops.exec_interrupt = NULL;
    user_cpu_ops.has_work = NULL;

    user_syscall_hooks.clone_thread = user_clone_thread;
    user_syscall_hooks.sigreturn = user_sigreturn;
    user_syscall_hooks.exit_thread = user_exit_thread;
    user_syscall_hooks.fork_prepare = user_fork_prepare;
    user_syscall_hooks.fork_parent = user_fork_parent;
    user_syscall_hooks.fork_child = user_fork_child;
    signal_kick_hook = user_kick;
    mmap_set_invalidate(&p->mem, user_invalidate, NULL);

    if (!user_install_host_handlers(&err) || !user_map_sigtramp(&p->mem, &err)) {
        error_report_err(err);
        return 1;
    }
    UserCpu *uc = user_cpu_new(p, NULL, &err);
    if (!uc) {
        error_report_err(err);
        return 1;
    }
    RiscvCpu *cpu = &uc->cpu;
    cpu->pc = p->image.entry;
    cpu->gpr[2] = p->image.stack_pointer;
    cpu->gpr[10] = 0;               /* a0: no rtld_fini (ELF_PLAT_INIT) */
    uc->thread.tid = (pid_t)syscall(SYS_gettid);
    signal_current_thread = &uc->thread;
    user_inherit_signals(p, &uc->thread);
    atomic_store(&user_thread_count, 1);
    user_cpu_run(uc);
}
