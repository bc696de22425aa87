/*
 * Run states, requests and exit paths.  Invariants: run_state changes only
 * on the main thread through runstate_set(), which checks the transition
 * table; requests are atomics written by any thread and consumed (exchanged
 * to zero) only by runstate_main_loop_should_exit(); the virtual clock runs
 * exactly while run_state is RUNNING.  Signal handlers do nothing but write
 * the signal number to a self-pipe (and, for fatal signals, run the
 * async-signal-safe exit hooks).
 */
#include "system/runstate.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "system/main_loop.h"
#include "system/timer.h"

static const char *const runstate_names[RUN_STATE__MAX] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_SHUTDOWN] = "shutdown",
    [RUN_STATE_INTERNAL_ERROR] = "internal-error",
    [RUN_STATE_GUEST_PANICKED] = "guest-panicked",
    [RUN_STATE_DEBUG] = "debug",
};

static const char *const shutdown_cause_names[SHUTDOWN_CAUSE__MAX] = {
    [SHUTDOWN_CAUSE_NONE] = "none",
    [SHUTDOWN_CAUSE_HOST_ERROR] = "host-error",
    [SHUTDOWN_CAUSE_HOST_QUIT] = "host-quit",
    [SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
    [SHUTDOWN_CAUSE_HOST_UI] = "host-ui",
    [SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
    [SHUTDOWN_CAUSE_GUEST_RESET] = "guest-reset",
    [SHUTDOWN_CAUSE_GUEST_PANIC] = "guest-panic",
    [SHUTDOWN_CAUSE_SUBSYSTEM_RESET] = "subsystem-reset",
};

#define RS(s) (1u << RUN_STATE_##s)

/* Allowed targets from each state (staying put is always allowed). */
static const unsigned runstate_transitions[RUN_STATE__MAX] = {
    [RUN_STATE_PRELAUNCH] = RS(RUNNING) | RS(PAUSED) | RS(SHUTDOWN) | RS(INTERNAL_ERROR)
                            | RS(GUEST_PANICKED) | RS(DEBUG),
    [RUN_STATE_RUNNING] = RS(PAUSED) | RS(SHUTDOWN) | RS(INTERNAL_ERROR)
                          | RS(GUEST_PANICKED) | RS(DEBUG) | RS(PRELAUNCH),
    [RUN_STATE_PAUSED] = RS(RUNNING) | RS(PRELAUNCH) | RS(SHUTDOWN) | RS(INTERNAL_ERROR)
                         | RS(GUEST_PANICKED) | RS(DEBUG),
    [RUN_STATE_SHUTDOWN] = RS(PAUSED) | RS(PRELAUNCH),
    [RUN_STATE_INTERNAL_ERROR] = RS(PAUSED) | RS(PRELAUNCH) | RS(SHUTDOWN),
    [RUN_STATE_GUEST_PANICKED] = RS(PAUSED) | RS(PRELAUNCH) | RS(SHUTDOWN),
    [RUN_STATE_DEBUG] = RS(RUNNING) | RS(PAUSED) | RS(PRELAUNCH) | RS(SHUTDOWN)
                        | RS(INTERNAL_ERROR) | RS(GUEST_PANICKED),
};

struct VmStateHandler {
    VmStateChangeFn cb;
    void *opaque;
    VmStateHandler *next;
};

typedef struct ResetEntry {
    ResetFn fn;
    void *opaque;
    struct ResetEntry *next;
} ResetEntry;

typedef struct PowerdownEntry {
    PowerdownFn fn;
    void *opaque;
    struct PowerdownEntry *next;
} PowerdownEntry;

static RunState run_state = RUN_STATE_PRELAUNCH;
static VmStateHandler *change_handlers;
static ResetEntry *reset_handlers;
static PowerdownEntry *powerdown_handlers;
static void (*cpu_pause_all)(void);
static void (*cpu_resume_all)(void);

static bool no_reboot, no_shutdown;

/* Pending requests (atomics; 0 = none).  Causes are stored as cause + 0. */
static int shutdown_requested;      /* ShutdownCause */
static int reset_requested;         /* ShutdownCause */
static int powerdown_requested;
static int stop_requested;          /* RunState + 1 */
static int panic_requested;
static int exit_code_requested;     /* status + 1 */

static ShutdownCause accepted_cause;
static int exit_status;

const char *runstate_name(RunState state)
{
    return state < RUN_STATE__MAX ? runstate_names[state] : "?";
}

const char *shutdown_cause_name(ShutdownCause cause)
{
    return cause < SHUTDOWN_CAUSE__MAX ? shutdown_cause_names[cause] : "?";
}

RunState runstate_get(void)
{
    return run_state;
}

bool runstate_is_running(void)
{
    return run_state == RUN_STATE_RUNNING;
}

bool runstate_needs_reset(void)
{
    return run_state == RUN_STATE_SHUTDOWN || run_state == RUN_STATE_GUEST_PANICKED
           || run_state == RUN_STATE_INTERNAL_ERROR;
}

bool runstate_can_transition(RunState from, RunState to)
{
    assert(from < RUN_STATE__MAX && to < RUN_STATE__MAX);
    return from == to || (runstate_transitions[from] & (1u << to));
}

void runstate_set(RunState state)
{
    assert(runstate_can_transition(run_state, state));
    run_state = state;
}

VmStateHandler *runstate_add_change_handler(VmStateChangeFn cb, void *opaque)
{
    VmStateHandler *h = calloc(1, sizeof(*h)), **p = &change_handlers;

    assert(h);
    h->cb = cb;
    h->opaque = opaque;
    while (*p) {
        p = &(*p)->next;
    }
    *p = h;
    return h;
}

void runstate_remove_change_handler(VmStateHandler *h)
{
    for (VmStateHandler **p = &change_handlers; *p; p = &(*p)->next) {
        if (*p == h) {
            *p = h->next;
            free(h);
            return;
        }
    }
}

static void runstate_notify(bool running, RunState state)
{
    for (VmStateHandler *h = change_handlers, *next; h; h = next) {
        next = h->next;     /* a handler may remove itself */
        h->cb(h->opaque, running, state);
    }
}

bool vm_start(Error **errp)
{
    if (runstate_is_running()) {
        return true;
    }
    if (runstate_needs_reset()) {
        error_setg(errp, "resetting the virtual machine is required (state %s)",
                   runstate_name(run_state));
        return false;
    }
    clock_virtual_start();
    runstate_set(RUN_STATE_RUNNING);
    runstate_notify(true, RUN_STATE_RUNNING);
    return true;
}

bool vm_stop(RunState state)
{
    bool was_running = runstate_is_running();

    assert(state != RUN_STATE_RUNNING);
    if (was_running) {
        clock_virtual_stop();
        runstate_set(state);
        runstate_notify(false, state);
    } else if (run_state != state) {
        runstate_set(state);
    }
    return was_running;
}

void runstate_set_no_reboot(bool on)
{
    no_reboot = on;
}

void runstate_set_no_shutdown(bool on)
{
    no_shutdown = on;
}

static void request_set(int *flag, int value)
{
    __atomic_store_n(flag, value, __ATOMIC_SEQ_CST);
    main_loop_notify();
}

static int request_take(int *flag)
{
    return __atomic_exchange_n(flag, 0, __ATOMIC_SEQ_CST);
}

void runstate_request_shutdown(ShutdownCause cause)
{
    int none = 0;

    assert(cause > SHUTDOWN_CAUSE_NONE && cause < SHUTDOWN_CAUSE__MAX);
    __atomic_compare_exchange_n(&shutdown_requested, &none, (int)cause, false,
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    main_loop_notify();
}

void runstate_request_exit(int status)
{
    int none = 0;

    __atomic_compare_exchange_n(&exit_code_requested, &none, status + 1, false,
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    main_loop_notify();
}

void runstate_request_reset(ShutdownCause cause)
{
    assert(cause > SHUTDOWN_CAUSE_NONE && cause < SHUTDOWN_CAUSE__MAX);
    /* -no-reboot: the reset a guest asks for is the end of the run. */
    if (no_reboot && cause != SHUTDOWN_CAUSE_SUBSYSTEM_RESET) {
        runstate_request_shutdown(SHUTDOWN_CAUSE_GUEST_RESET);
        return;
    }
    request_set(&reset_requested, (int)cause);
}

void runstate_request_powerdown(void)
{
    request_set(&powerdown_requested, 1);
}

void runstate_request_stop(RunState state)
{
    assert(state != RUN_STATE_RUNNING && state < RUN_STATE__MAX);
    request_set(&stop_requested, (int)state + 1);
}

void runstate_request_panic(void)
{
    request_set(&panic_requested, 1);
}

void runstate_register_reset(ResetFn fn, void *opaque)
{
    ResetEntry *e = calloc(1, sizeof(*e)), **p = &reset_handlers;

    assert(e);
    e->fn = fn;
    e->opaque = opaque;
    while (*p) {
        p = &(*p)->next;
    }
    *p = e;
}

void runstate_unregister_reset(ResetFn fn, void *opaque)
{
    for (ResetEntry **p = &reset_handlers; *p; p = &(*p)->next) {
        if ((*p)->fn == fn && (*p)->opaque == opaque) {
            ResetEntry *dead = *p;
            *p = dead->next;
            free(dead);
            return;
        }
    }
}

void runstate_reset_all(ShutdownCause cause)
{
    for (ResetEntry *e = reset_handlers; e; e = e->next) {
        e->fn(e->opaque);
    }
}

void runstate_add_powerdown_handler(PowerdownFn fn, void *opaque)
{
    PowerdownEntry *e = calloc(1, sizeof(*e));

    assert(e);
    e->fn = fn;
    e->opaque = opaque;
    e->next = powerdown_handlers;
    powerdown_handlers = e;
}

void runstate_set_cpu_hooks(void (*pause_all)(void), void (*resume_all)(void))
{
    cpu_pause_all = pause_all;
    cpu_resume_all = resume_all;
}

static bool is_guest_cause(ShutdownCause cause)
{
    return cause == SHUTDOWN_CAUSE_GUEST_SHUTDOWN || cause == SHUTDOWN_CAUSE_GUEST_RESET
           || cause == SHUTDOWN_CAUSE_GUEST_PANIC;
}

bool runstate_main_loop_should_exit(void)
{
    int value;

    value = request_take(&exit_code_requested);
    if (value) {
        exit_status = value - 1;
        accepted_cause = SHUTDOWN_CAUSE_GUEST_SHUTDOWN;
        return true;
    }
    value = request_take(&stop_requested);
    if (value) {
        vm_stop((RunState)(value - 1));
    }
    if (request_take(&panic_requested)) {
        /* QEMU's default -action panic=shutdown; -no-shutdown keeps the
         * guest around for inspection. */
        if (no_shutdown) {
            vm_stop(RUN_STATE_GUEST_PANICKED);
        } else {
            runstate_request_shutdown(SHUTDOWN_CAUSE_GUEST_PANIC);
        }
    }
    value = request_take(&shutdown_requested);
    if (value) {
        ShutdownCause cause = (ShutdownCause)value;

        if (no_shutdown && is_guest_cause(cause)) {
            vm_stop(cause == SHUTDOWN_CAUSE_GUEST_PANIC ? RUN_STATE_GUEST_PANICKED
                                                        : RUN_STATE_SHUTDOWN);
        } else {
            accepted_cause = cause;
            vm_stop(RUN_STATE_SHUTDOWN);
            if (cause == SHUTDOWN_CAUSE_GUEST_PANIC) {
                exit_status = EXIT_FAILURE;
            }
            return true;
        }
    }
    value = request_take(&reset_requested);
    if (value) {
        if (cpu_pause_all) {
            cpu_pause_all();
        }
        runstate_reset_all((ShutdownCause)value);
        if (cpu_resume_all) {
            cpu_resume_all();
        }
        /* A VM reset out of a stopped-for-good state waits for "cont". */
        if (runstate_needs_reset()) {
            runstate_set(RUN_STATE_PRELAUNCH);
        }
    }
    if (request_take(&powerdown_requested)) {
        for (PowerdownEntry *e = powerdown_handlers; e; e = e->next) {
            e->fn(e->opaque);
        }
    }
    return false;
}

int runstate_exit_status(void)
{
    return exit_status;
}

ShutdownCause runstate_shutdown_cause(void)
{
    return accepted_cause;
}

/* Exit hooks. */

#define EXIT_HOOKS_MAX 16

static ExitHookFn exit_hooks[EXIT_HOOKS_MAX];
static int exit_hook_count;
static int exit_hooks_ran;
static bool exit_hooks_atexit;

static void runstate_atexit(void)
{
    runstate_run_exit_hooks();
}

void runstate_add_exit_hook(ExitHookFn fn)
{
    assert(exit_hook_count < EXIT_HOOKS_MAX);
    for (int i = 0; i < exit_hook_count; i++) {
        if (exit_hooks[i] == fn) {
            return;
        }
    }
    exit_hooks[exit_hook_count++] = fn;
    __atomic_store_n(&exit_hooks_ran, 0, __ATOMIC_SEQ_CST);
    if (!exit_hooks_atexit) {
        exit_hooks_atexit = true;
        atexit(runstate_atexit);
    }
}

void runstate_run_exit_hooks(void)
{
    if (__atomic_exchange_n(&exit_hooks_ran, 1, __ATOMIC_SEQ_CST)) {
        return;
    }
    /* Last registered first, like atexit. */
    for (int i = exit_hook_count - 1; i >= 0; i--) {
        exit_hooks[i]();
    }
}

/* Signals. */

static int signal_pipe[2] = { -1, -1 };

/* Termination signals received so far.  The first asks the main loop for
 * an orderly shutdown; a second one means that did not finish (a vCPU that
 * never parks, a hung backend), so the process leaves at once, terminal
 * restored, as the user insisted. */
static volatile sig_atomic_t terminate_signals;

static void signal_forward(int signo)
{
    unsigned char byte = (unsigned char)signo;
    int saved = errno;

    if (++terminate_signals > 1) {
        runstate_run_exit_hooks();
        _exit(128 + signo);
    }
    if (write(signal_pipe[1], &byte, 1) < 0) {
        /* Pipe full: a termination is already pending. */
    }
    errno = saved;
}

static void signal_fatal(int signo)
{
    runstate_run_exit_hooks();
    signal(signo, SIG_DFL);
    raise(signo);
}

static void signal_pipe_read(void *opaque)
{
    unsigned char byte;

    while (read(signal_pipe[0], &byte, 1) == 1) {
        error_report("terminating on signal %d", byte);
        runstate_request_shutdown(SHUTDOWN_CAUSE_HOST_SIGNAL);
    }
}

bool runstate_install_signal_handlers(Error **errp)
{
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
    static const int terminate[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;

    terminate_signals = 0;
    if (signal_pipe[0] < 0) {
        if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
            error_setg_errno(errp, errno, "could not create the signal pipe");
            return false;
        }
        main_loop_set_fd_handler(signal_pipe[0], signal_pipe_read, NULL, NULL);
    }
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = signal_forward;
    for (size_t i = 0; i < sizeof(terminate) / sizeof(terminate[0]); i++) {
        sigaction(terminate[i], &sa, NULL);
    }
    /* NOTE: in a sanitizer build these replace ASan's own SIGSEGV report;
     * the re-raise still kills the process with the right signal. */
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sa.sa_handler = signal_fatal;
    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
        sigaction(fatal[i], &sa, NULL);
    }
    /* A closed socket peer must be an EPIPE, not a dead emulator. */
    signal(SIGPIPE, SIG_IGN);
    return true;
}

void runstate_reset_for_test(void)
{
    while (change_handlers) {
        runstate_remove_change_handler(change_handlers);
    }
    while (reset_handlers) {
        runstate_unregister_reset(reset_handlers->fn, reset_handlers->opaque);
    }
    while (powerdown_handlers) {
        PowerdownEntry *e = powerdown_handlers;
        powerdown_handlers = e->next;
        free(e);
    }
    shutdown_requested = reset_requested = powerdown_requested = 0;
    stop_requested = panic_requested = exit_code_requested = 0;
    no_reboot = no_shutdown = false;
    accepted_cause = SHUTDOWN_CAUSE_NONE;
    exit_status = 0;
    clock_virtual_stop();
    run_state = RUN_STATE_PRELAUNCH;
    cpu_pause_all = cpu_resume_all = NULL;
}
