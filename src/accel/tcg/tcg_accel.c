/*
 * The TCG accelerator ("-accel tcg"): runs guest code through the exec
 * layer's translator, one host thread per vCPU (thread=multi, the default)
 * or all vCPUs round-robin on one thread (thread=single), with the backend
 * chosen by backend=jit|interp (the JIT by default; the interpreter is the
 * reference every guest test also runs on).
 *
 * Threads: each vCPU thread loops on cpu_exec(); it parks while the VM is
 * stopped and sleeps while its CPU is halted (WFI) until kicked by
 * cpu_interrupt()/cpu_exit() through cpu->kick_fn.  Pausing (vm_stop, reset)
 * happens on the main thread with the BQL held: it asks every vCPU to leave
 * cpu_exec and waits, with the BQL dropped so a vCPU blocked on the BQL in
 * an MMIO access can finish, until all are parked.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accel/accel.h"
#include "core/error.h"
#include "exec/exec.h"
#include "hw/board/machine.h"
#include "system/bql.h"
#include "system/runstate.h"
#include "system/timer.h"

#define TYPE_TCG_ACCEL ACCEL_CLASS_NAME("tcg")
#define TCG_ROUND_ROBIN_SLICE_NS 10000000    /* 10 ms, as QEMU's single-thread TCG */

typedef struct TcgAccel {
    AccelState parent;
    bool single_thread;
    bool jit;
    uint32_t tb_size_mib;        /* "tb-size": the JIT's code buffer; 0 = default */
} TcgAccel;

DECLARE_OBJ_CHECKERS(TcgAccel, AccelClass, TCG_ACCEL, TYPE_TCG_ACCEL)

/* The run control shared by every vCPU thread. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;        /* vCPUs wait here: run, wake from halt */
    pthread_cond_t parked_cond; /* the main thread waits here for parking
                                 * and for new threads to publish their id */
    bool running;               /* VM running: vCPUs may execute */
    int threads;                /* vCPU threads started */
    int published;              /* of those, how many set their thread_id */
    int parked;                 /* of those, how many are parked */
    unsigned kick_generation;   /* bumped by every kick */
} tcg_run = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .cond = PTHREAD_COND_INITIALIZER,
    .parked_cond = PTHREAD_COND_INITIALIZER,
};

static CpuState **tcg_cpus;          /* every vCPU, collected at start */
static int tcg_cpu_count;
static CpuState *tcg_rr_current;     /* thread=single: the CPU in cpu_exec */
static Timer *tcg_rr_timer;

static void tcg_kick(CpuState *cpu)
{
    pthread_mutex_lock(&tcg_run.lock);
    tcg_run.kick_generation++;
    pthread_cond_broadcast(&tcg_run.cond);
    pthread_mutex_unlock(&tcg_run.lock);
}

/* Park while the VM is stopped.  Called with tcg_run.lock held. */
static void tcg_park_while_stopped_locked(void)
{
    if (tcg_run.running) {
        return;
    }
    tcg_run.parked++;
    pthread_cond_broadcast(&tcg_run.parked_cond);
    while (!tcg_run.running) {
        pthread_cond_wait(&tcg_run.cond, &tcg_run.lock);
    }
    tcg_run.parked--;
}

/* Sleep until one of cpus has work, a kick arrives or the VM stops.
 * cpu_has_work() runs without tcg_run.lock: a guest's has_work may update
 * interrupt state and kick (e.g. a timer comparison), which takes it. */
static void tcg_wait_for_work(CpuState **cpus, int n)
{
    pthread_mutex_lock(&tcg_run.lock);
    unsigned gen = tcg_run.kick_generation;
    bool running = tcg_run.running;
    pthread_mutex_unlock(&tcg_run.lock);

    if (!running) {
        return;
    }
    for (int i = 0; i < n; i++) {
        if (cpu_has_work(cpus[i])) {
            return;
        }
    }
    pthread_mutex_lock(&tcg_run.lock);
    while (tcg_run.running && tcg_run.kick_generation == gen) {
        pthread_cond_wait(&tcg_run.cond, &tcg_run.lock);
    }
    pthread_mutex_unlock(&tcg_run.lock);
}

/* Runs one cpu_exec slice; returns true if the CPU is idle (halted). */
static bool tcg_exec_once(CpuState *cpu)
{
    int r = cpu_exec(cpu);

    switch (r) {
    case EXCP_HALTED:
    case EXCP_HLT:
        return true;
    case EXCP_ATOMIC:
        cpu_exec_step_atomic(cpu);
        return false;
    case EXCP_DEBUG:
        /* Stay put until the main loop has stopped the VM: running on
         * would step past a single-step or a watchpoint before the
         * debugger hears of it. */
        runstate_request_stop(RUN_STATE_DEBUG);
        pthread_mutex_lock(&tcg_run.lock);
        while (tcg_run.running) {
            pthread_cond_wait(&tcg_run.cond, &tcg_run.lock);
        }
        pthread_mutex_unlock(&tcg_run.lock);
        return false;
    default:
        return false;
    }
}

typedef struct TcgThread {
    pthread_t thread;
    CpuState **cpus;    /* one CPU (multi) or all of them (single) */
    int n;
} TcgThread;

static void *tcg_vcpu_thread(void *opaque)
{
    TcgThread *t = opaque;

    for (int i = 0; i < t->n; i++) {
        /* info cpus, query-cpus-fast (read by the main thread) */
        __atomic_store_n(&t->cpus[i]->thread_id, (int)gettid(), __ATOMIC_RELEASE);
    }
    pthread_mutex_lock(&tcg_run.lock);
    tcg_run.published++;
    pthread_cond_broadcast(&tcg_run.parked_cond);
    pthread_mutex_unlock(&tcg_run.lock);

    for (;;) {
        bool all_idle = true;

        pthread_mutex_lock(&tcg_run.lock);
        tcg_park_while_stopped_locked();
        pthread_mutex_unlock(&tcg_run.lock);

        for (int i = 0; i < t->n; i++) {
            CpuState *cpu = t->cpus[i];

            __atomic_store_n(&tcg_rr_current, cpu, __ATOMIC_RELEASE);
            if (!tcg_exec_once(cpu)) {
                all_idle = false;
            }
            __atomic_store_n(&tcg_rr_current, NULL, __ATOMIC_RELEASE);
            if (!__atomic_load_n(&tcg_run.running, __ATOMIC_ACQUIRE)) {
                break;
            }
        }
        if (all_idle) {
            tcg_wait_for_work(t->cpus, t->n);
        }
    }
    return NULL;
}

/* thread=single: preempt the running CPU so the others get their turn. */
static void tcg_rr_tick(void *opaque)
{
    CpuState *cpu = __atomic_load_n(&tcg_rr_current, __ATOMIC_ACQUIRE);

    if (cpu) {
        cpu_exit(cpu);
    }
    timer_mod_ns(tcg_rr_timer, clock_get_ns(CLOCK_TYPE_REALTIME) + TCG_ROUND_ROBIN_SLICE_NS);
}

/* Main thread, BQL held: stop every vCPU and wait until all are parked. */
static void tcg_pause_all(void)
{
    pthread_mutex_lock(&tcg_run.lock);
    tcg_run.running = false;
    pthread_cond_broadcast(&tcg_run.cond);
    pthread_mutex_unlock(&tcg_run.lock);
    for (int i = 0; i < tcg_cpu_count; i++) {
        cpu_exit(tcg_cpus[i]);
    }
    unsigned depth = bql_unlock_all();
    pthread_mutex_lock(&tcg_run.lock);
    while (tcg_run.parked < tcg_run.threads) {
        pthread_cond_wait(&tcg_run.parked_cond, &tcg_run.lock);
    }
    pthread_mutex_unlock(&tcg_run.lock);
    bql_lock_depth(depth);
}

static void tcg_resume_all(void)
{
    pthread_mutex_lock(&tcg_run.lock);
    tcg_run.running = true;
    pthread_cond_broadcast(&tcg_run.cond);
    pthread_mutex_unlock(&tcg_run.lock);
}

static void tcg_vm_state_changed(void *opaque, bool running, RunState state)
{
    if (running) {
        tcg_resume_all();
    } else {
        tcg_pause_all();
    }
}

static bool tcg_start_thread(TcgThread *t, Error **errp)
{
    pthread_attr_t attr;
    int err;

    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 8u << 20);
    err = pthread_create(&t->thread, &attr, tcg_vcpu_thread, t);
    pthread_attr_destroy(&attr);
    if (err) {
        error_setg_errno(errp, err, "could not create a vCPU thread");
        return false;
    }
    /* As QEMU waits for cpu->created: the monitor may ask for the thread
     * ids as soon as start-up returns (-S: before anything runs). */
    pthread_mutex_lock(&tcg_run.lock);
    tcg_run.threads++;
    while (tcg_run.published < tcg_run.threads) {
        pthread_cond_wait(&tcg_run.parked_cond, &tcg_run.lock);
    }
    pthread_mutex_unlock(&tcg_run.lock);
    return true;
}

static void tcg_collect_cpu(CpuState *cpu, void *opaque)
{
    CpuState ***cpus = opaque;

    *cpus = realloc(*cpus, (size_t)(tcg_cpu_count + 1) * sizeof(**cpus));
    if (!*cpus) {
        abort();
    }
    (*cpus)[tcg_cpu_count++] = cpu;
    cpu->kick_fn = tcg_kick;
}

static bool tcg_start_vcpus(AccelState *accel, MachineState *ms, Error **errp)
{
    TcgAccel *s = TCG_ACCEL(accel);
    int n;

    exec_cpu_foreach(tcg_collect_cpu, &tcg_cpus);
    n = tcg_cpu_count;
    if (n == 0) {
        error_setg(errp, "the machine created no CPU");
        return false;
    }
    runstate_add_change_handler(tcg_vm_state_changed, NULL);
    runstate_set_cpu_hooks(tcg_pause_all, tcg_resume_all);

    if (s->single_thread) {
        TcgThread *t = calloc(1, sizeof(*t));
        if (!t) {
            abort();
        }
        t->cpus = tcg_cpus;
        t->n = n;
        if (n > 1) {
            tcg_rr_timer = timer_new_ns(CLOCK_TYPE_REALTIME, tcg_rr_tick, NULL);
            timer_mod_ns(tcg_rr_timer,
                         clock_get_ns(CLOCK_TYPE_REALTIME) + TCG_ROUND_ROBIN_SLICE_NS);
        }
        return tcg_start_thread(t, errp);
    }
    for (int i = 0; i < n; i++) {
        TcgThread *t = calloc(1, sizeof(*t));
        if (!t) {
            abort();
        }
        t->cpus = &tcg_cpus[i];
        t->n = 1;
        if (!tcg_start_thread(t, errp)) {
            return false;
        }
    }
    return true;
}

static char *tcg_get_thread(Object *obj)
{
    return strdup(TCG_ACCEL(obj)->single_thread ? "single" : "multi");
}

static bool tcg_set_thread(Object *obj, const char *value, Error **errp)
{
    if (strcmp(value, "single") == 0) {
        TCG_ACCEL(obj)->single_thread = true;
    } else if (strcmp(value, "multi") == 0) {
        TCG_ACCEL(obj)->single_thread = false;
    } else {
        error_setg(errp, "Invalid 'thread' setting '%s' (expected single or multi)", value);
        return false;
    }
    return true;
}

static char *tcg_get_backend(Object *obj)
{
    return strdup(TCG_ACCEL(obj)->jit ? "jit" : "interp");
}

static bool tcg_set_backend(Object *obj, const char *value, Error **errp)
{
    if (strcmp(value, "interp") == 0) {
        TCG_ACCEL(obj)->jit = false;
    } else if (strcmp(value, "jit") == 0) {
        TCG_ACCEL(obj)->jit = true;
    } else {
        error_setg(errp, "Invalid 'backend' setting '%s' (expected interp or jit)", value);
        return false;
    }
    return true;
}

static void tcg_accel_instance_init(Object *obj)
{
    TCG_ACCEL(obj)->jit = true;     /* the JIT is the default, interp the reference */
}

static bool tcg_init_machine(AccelState *accel, MachineState *ms, Error **errp)
{
    TcgAccel *s = TCG_ACCEL(accel);

    /* Jumps inside the buffer are rel32: below 2 GiB. */
    if (s->tb_size_mib > 2047) {
        error_setg(errp, "tb-size %" PRIu32 " MiB is too big (at most 2047)", s->tb_size_mib);
        return false;
    }
    exec_set_jit_code_size((size_t)s->tb_size_mib << 20);
    return exec_set_backend(s->jit ? EXEC_BACKEND_JIT : EXEC_BACKEND_INTERP, errp);
}

static const Property tcg_accel_props[] = {
    DEFINE_PROP_UINT32("tb-size", TcgAccel, tb_size_mib, 0,
                       "translated code buffer in MiB (0: the default, 64)"),
    DEFINE_PROP_END_OF_LIST(),
};

static void tcg_accel_class_init(ObjectClass *oc, const void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->name = "tcg";
    ac->init_machine = tcg_init_machine;
    ac->start_vcpus = tcg_start_vcpus;
    object_class_property_add_str(oc, "thread", tcg_get_thread, tcg_set_thread,
                                  "vCPU threading: multi (a host thread per vCPU) or single");
    object_class_property_add_str(oc, "backend", tcg_get_backend, tcg_set_backend,
                                  "code generator: interp (portable IR interpreter) or jit");
    object_class_add_props(oc, tcg_accel_props);
}

static const TypeInfo tcg_accel_type = {
    .name = TYPE_TCG_ACCEL,
    .parent = TYPE_ACCEL,
    .instance_size = sizeof(TcgAccel),
    .instance_init = tcg_accel_instance_init,
    .class_init = tcg_accel_class_init,
};

static void tcg_accel_register_types(void)
{
    type_register_static(&tcg_accel_type);
}

type_init(tcg_accel_register_types)
