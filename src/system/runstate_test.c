/*
 * Tests of run states: start/stop with change handlers, transitions that
 * need a reset, shutdown/reset/powerdown requests handled by the main loop,
 * -no-reboot and -no-shutdown, exit codes, exit hooks, signals.
 */
#include "system/main_loop.h"
#include "system/runstate.h"
#include "system/timer.h"
#include "util/unittest.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct Seen {
    int starts, stops;
    RunState last;
} Seen;

static void seen_change(void *opaque, bool running, RunState state)
{
    Seen *s = opaque;

    if (running) {
        s->starts++;
    } else {
        s->stops++;
    }
    s->last = state;
}

UNITTEST(start_stop_notifies_handlers)
{
    Seen seen = { 0 };

    runstate_reset_for_test();
    runstate_add_change_handler(seen_change, &seen);
    CHECK_INT(runstate_get(), RUN_STATE_PRELAUNCH);
    CHECK(vm_start(NULL));
    CHECK(runstate_is_running());
    CHECK(clock_virtual_running());
    CHECK(vm_start(NULL));              /* already running: no second event */
    CHECK_INT(seen.starts, 1);
    CHECK(vm_stop(RUN_STATE_PAUSED));
    CHECK(!clock_virtual_running());
    CHECK_INT(seen.stops, 1);
    CHECK_INT(seen.last, RUN_STATE_PAUSED);
    CHECK(!vm_stop(RUN_STATE_PAUSED));  /* not running: nothing to tell */
    CHECK_INT(seen.stops, 1);
    CHECK_STR(runstate_name(runstate_get()), "paused");
    runstate_reset_for_test();
}

UNITTEST(transitions_table)
{
    CHECK(runstate_can_transition(RUN_STATE_PRELAUNCH, RUN_STATE_RUNNING));
    CHECK(runstate_can_transition(RUN_STATE_RUNNING, RUN_STATE_PAUSED));
    CHECK(!runstate_can_transition(RUN_STATE_SHUTDOWN, RUN_STATE_RUNNING));
    CHECK(!runstate_can_transition(RUN_STATE_GUEST_PANICKED, RUN_STATE_RUNNING));
    CHECK(runstate_can_transition(RUN_STATE_SHUTDOWN, RUN_STATE_PRELAUNCH));
}

UNITTEST(guest_shutdown_exits)
{
    runstate_reset_for_test();
    CHECK(vm_start(NULL));
    CHECK(!runstate_main_loop_should_exit());
    runstate_request_shutdown(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    CHECK(runstate_main_loop_should_exit());
    CHECK_INT(runstate_shutdown_cause(), SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    CHECK_INT(runstate_exit_status(), 0);
    CHECK(!runstate_is_running());
    runstate_reset_for_test();
}

UNITTEST(no_shutdown_pauses_and_needs_reset)
{
    Error *err = NULL;

    runstate_reset_for_test();
    runstate_set_no_shutdown(true);
    CHECK(vm_start(NULL));
    runstate_request_shutdown(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    CHECK(!runstate_main_loop_should_exit());
    CHECK_INT(runstate_get(), RUN_STATE_SHUTDOWN);
    CHECK(!clock_virtual_running());
    /* "cont" refuses until a reset. */
    CHECK(!vm_start(&err));
    CHECK(err != NULL);
    error_free(err);
    runstate_request_reset(SHUTDOWN_CAUSE_HOST_QUIT);
    CHECK(!runstate_main_loop_should_exit());
    CHECK_INT(runstate_get(), RUN_STATE_PRELAUNCH);
    CHECK(vm_start(NULL));
    /* Host causes still exit under -no-shutdown. */
    runstate_request_shutdown(SHUTDOWN_CAUSE_HOST_SIGNAL);
    CHECK(runstate_main_loop_should_exit());
    runstate_reset_for_test();
}

static int resets;

static void count_reset(void *opaque)
{
    resets += *(int *)opaque;
}

UNITTEST(reset_runs_handlers_and_no_reboot_shuts_down)
{
    int one = 1, ten = 10;

    runstate_reset_for_test();
    resets = 0;
    runstate_register_reset(count_reset, &one);
    runstate_register_reset(count_reset, &ten);
    CHECK(vm_start(NULL));
    runstate_request_reset(SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK(!runstate_main_loop_should_exit());
    CHECK_INT(resets, 11);
    CHECK(runstate_is_running());
    runstate_unregister_reset(count_reset, &ten);

    runstate_set_no_reboot(true);
    runstate_request_reset(SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK(runstate_main_loop_should_exit());
    CHECK_INT(resets, 11);
    CHECK_INT(runstate_shutdown_cause(), SHUTDOWN_CAUSE_GUEST_RESET);
    runstate_reset_for_test();
}

UNITTEST(no_reboot_with_no_shutdown_pauses)
{
    runstate_reset_for_test();
    runstate_set_no_reboot(true);
    runstate_set_no_shutdown(true);
    CHECK(vm_start(NULL));
    runstate_request_reset(SHUTDOWN_CAUSE_GUEST_RESET);
    CHECK(!runstate_main_loop_should_exit());
    CHECK_INT(runstate_get(), RUN_STATE_SHUTDOWN);
    runstate_reset_for_test();
}

UNITTEST(exit_code_and_panic)
{
    runstate_reset_for_test();
    CHECK(vm_start(NULL));
    runstate_request_exit(3);
    CHECK(runstate_main_loop_should_exit());
    CHECK_INT(runstate_exit_status(), 3);

    runstate_reset_for_test();
    CHECK(vm_start(NULL));
    runstate_request_panic();
    CHECK(runstate_main_loop_should_exit());
    CHECK_INT(runstate_exit_status(), 1);

    runstate_reset_for_test();
    runstate_set_no_shutdown(true);
    CHECK(vm_start(NULL));
    runstate_request_panic();
    CHECK(!runstate_main_loop_should_exit());
    CHECK_INT(runstate_get(), RUN_STATE_GUEST_PANICKED);
    runstate_reset_for_test();
}

static int powerdowns;

static void count_powerdown(void *opaque)
{
    powerdowns++;
}

UNITTEST(powerdown_and_stop_requests)
{
    runstate_reset_for_test();
    runstate_add_powerdown_handler(count_powerdown, NULL);
    CHECK(vm_start(NULL));
    runstate_request_powerdown();
    CHECK(!runstate_main_loop_should_exit());
    CHECK_INT(powerdowns, 1);
    runstate_request_stop(RUN_STATE_PAUSED);
    CHECK(!runstate_main_loop_should_exit());
    CHECK_INT(runstate_get(), RUN_STATE_PAUSED);
    runstate_reset_for_test();
}

static int hook_runs;

static void exit_hook(void)
{
    hook_runs++;
}

UNITTEST(exit_hooks_run_once)
{
    runstate_add_exit_hook(exit_hook);
    runstate_run_exit_hooks();
    runstate_run_exit_hooks();
    CHECK_INT(hook_runs, 1);
}

UNITTEST(sigterm_becomes_a_shutdown_request)
{
    runstate_reset_for_test();
    CHECK(runstate_install_signal_handlers(NULL));
    CHECK(vm_start(NULL));
    raise(SIGTERM);
    /* main_loop_run returns once the loop has read the signal pipe. */
    CHECK_INT(main_loop_run(), 0);
    CHECK_INT(runstate_shutdown_cause(), SHUTDOWN_CAUSE_HOST_SIGNAL);
    signal(SIGTERM, SIG_DFL);
    runstate_reset_for_test();
}

static int hook_pipe = -1;

static void hook_says_h(void)
{
    if (write(hook_pipe, "H", 1) != 1) {
        _exit(99);
    }
}

/* Fork a child that registers the hook and leaves by `how`; return what
 * the hook wrote and the child's wait status. */
static char exit_path(void (*how)(void), int *status)
{
    int fds[2];
    char byte = 0;
    pid_t pid;

    CHECK(pipe(fds) == 0);
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        hook_pipe = fds[1];
        runstate_install_signal_handlers(&error_abort);
        runstate_add_exit_hook(hook_says_h);
        how();
        _exit(98);
    }
    close(fds[1]);
    if (read(fds[0], &byte, 1) != 1) {
        byte = 0;
    }
    close(fds[0]);
    waitpid(pid, status, 0);
    return byte;
}

static void leave_by_exit(void)
{
    exit(1);
}

static void leave_by_abort(void)
{
    abort();
}

static void leave_by_sigterm(void)
{
    vm_start(&error_abort);
    raise(SIGTERM);
    exit(main_loop_run());
}

/* The main loop never runs (as if wedged): the second SIGTERM must end the
 * process anyway, through the exit hooks. */
static void leave_by_second_sigterm(void)
{
    raise(SIGTERM);
    raise(SIGTERM);
    exit(97);
}

UNITTEST(exit_hooks_run_on_every_way_out)
{
    int status;

    CHECK_INT(exit_path(leave_by_exit, &status), 'H');
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    CHECK_INT(exit_path(leave_by_abort, &status), 'H');
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    CHECK_INT(exit_path(leave_by_sigterm, &status), 'H');
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_INT(exit_path(leave_by_second_sigterm, &status), 'H');
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGTERM);
}
