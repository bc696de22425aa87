/*
 * Run states and the requests that move between them, QEMU's
 * system/runstate.c.  The VM starts in PRELAUNCH; vm_start() makes it
 * RUNNING (guest time runs, vCPUs run); vm_stop(state) parks it in PAUSED,
 * SHUTDOWN, GUEST_PANICKED... (guest time stops).  Change handlers hear every
 * start and stop, so vCPU threads can park and devices can quiesce.
 *
 * Requests (shutdown, reset, powerdown, exit-with-code, stop) may come from
 * any thread, including vCPUs and signal handlers' deferred work: they set a
 * flag and kick the main loop; runstate_main_loop_should_exit() acts on them
 * on the main thread with the BQL held.  Policy lives there:
 *  - -no-reboot: a reset request becomes a shutdown (cause GUEST_RESET);
 *  - -no-shutdown: a guest-caused shutdown pauses the VM in SHUTDOWN instead
 *    of exiting (host causes such as signals or the UI still exit);
 *  - a guest panic shuts down (or pauses under -no-shutdown).
 *
 * Exit hooks (runstate_add_exit_hook) run once on every way out of the
 * process: normal exit, exit(1) from &error_fatal, SIGINT/SIGTERM/SIGHUP,
 * and fatal signals (SIGSEGV, SIGABRT from assert...), so a raw terminal is
 * always restored.  They must be async-signal-safe.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

#include <stdbool.h>

#include "core/error.h"

typedef enum RunState {
    RUN_STATE_PRELAUNCH,
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,
    RUN_STATE_SHUTDOWN,
    RUN_STATE_INTERNAL_ERROR,
    RUN_STATE_GUEST_PANICKED,
    RUN_STATE_DEBUG,
    RUN_STATE__MAX,
} RunState;

typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE,
    SHUTDOWN_CAUSE_HOST_ERROR,      /* an error on the host side */
    SHUTDOWN_CAUSE_HOST_QUIT,       /* monitor "quit" */
    SHUTDOWN_CAUSE_HOST_SIGNAL,     /* SIGINT, SIGTERM, SIGHUP */
    SHUTDOWN_CAUSE_HOST_UI,         /* C-a x, window closed */
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,  /* the guest powered off (SBI, ACPI, finisher) */
    SHUTDOWN_CAUSE_GUEST_RESET,     /* a guest reset turned into shutdown by -no-reboot */
    SHUTDOWN_CAUSE_GUEST_PANIC,
    SHUTDOWN_CAUSE_SUBSYSTEM_RESET, /* a reset that is never a shutdown */
    SHUTDOWN_CAUSE__MAX,
} ShutdownCause;

const char *runstate_name(RunState state);
const char *shutdown_cause_name(ShutdownCause cause);
RunState runstate_get(void);
bool runstate_is_running(void);
/* True in states that only a reset can leave (SHUTDOWN, GUEST_PANICKED,
 * INTERNAL_ERROR): "cont" must refuse. */
bool runstate_needs_reset(void);
bool runstate_can_transition(RunState from, RunState to);
/* Set the state; an invalid transition is our bug (asserts).  Main thread. */
void runstate_set(RunState state);

/* State change handlers: called with running=true after vm_start, and
 * running=false on vm_stop, with the new state.  Main thread, BQL held. */
typedef void (*VmStateChangeFn)(void *opaque, bool running, RunState state);
typedef struct VmStateHandler VmStateHandler;
VmStateHandler *runstate_add_change_handler(VmStateChangeFn cb, void *opaque);
void runstate_remove_change_handler(VmStateHandler *h);

/* Start or continue the VM: resumes guest time and tells handlers.  Fails
 * if the state needs a reset first.  Main thread, BQL held. */
bool vm_start(Error **errp);
/* Stop the VM into state (PAUSED, SHUTDOWN...): guest time stops, handlers
 * are told; if already stopped only the state changes.  Returns whether it
 * was running.  Main thread, BQL held; a vCPU uses runstate_request_stop. */
bool vm_stop(RunState state);

/* Policies from the command line. */
void runstate_set_no_reboot(bool on);
void runstate_set_no_shutdown(bool on);

/* Requests: any thread.  The first shutdown request wins. */
void runstate_request_shutdown(ShutdownCause cause);
/* Exit with this status (a guest test finisher); ignores -no-shutdown. */
void runstate_request_exit(int status);
void runstate_request_reset(ShutdownCause cause);
void runstate_request_powerdown(void);
void runstate_request_stop(RunState state);
/* The guest reported a panic. */
void runstate_request_panic(void);

/* Reset handlers run in registration order on each system reset. */
typedef void (*ResetFn)(void *opaque);
void runstate_register_reset(ResetFn fn, void *opaque);
void runstate_unregister_reset(ResetFn fn, void *opaque);
/* Run the reset handlers now (start-up reset, or a handled reset request). */
void runstate_reset_all(ShutdownCause cause);

/* Powerdown handlers (ACPI button, virtio...); with none, powerdown does
 * nothing, as on hardware without a power button. */
typedef void (*PowerdownFn)(void *opaque);
void runstate_add_powerdown_handler(PowerdownFn fn, void *opaque);

/* The accelerator's hooks to stop every vCPU around a reset (optional). */
void runstate_set_cpu_hooks(void (*pause_all)(void), void (*resume_all)(void));

/* Main loop side: handle pending requests; true when the loop should end. */
bool runstate_main_loop_should_exit(void);
/* The status the process should exit with (0 unless a guest asked). */
int runstate_exit_status(void);
/* The cause of the accepted shutdown, NONE while none. */
ShutdownCause runstate_shutdown_cause(void);

/* SIGINT/SIGTERM/SIGHUP become a shutdown request through a self-pipe read
 * by the main loop; fatal signals run the exit hooks and re-raise. */
bool runstate_install_signal_handlers(Error **errp);

typedef void (*ExitHookFn)(void);
/* Register an async-signal-safe hook run once on any exit path. */
void runstate_add_exit_hook(ExitHookFn fn);
/* Run them now (idempotent). */
void runstate_run_exit_hooks(void);

/* Tests: back to PRELAUNCH with no pending requests, policies or handlers. */
void runstate_reset_for_test(void);

#endif
