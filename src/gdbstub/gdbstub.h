/*
 * The gdbstub: GDB's remote serial protocol (RSP) on a chardev, so
 * gdb/gdb-multiarch can debug the guest ("-s", "-gdb tcp::1234", the HMP
 * "gdbserver" command).  Each vCPU is a thread (ids from 1); the stub
 * stops the VM (RUN_STATE_DEBUG) when gdb connects, on Ctrl-C, on a
 * breakpoint, watchpoint or finished step, and answers with a stop reply
 * naming the thread.  Breakpoints are exec's (translator-ended blocks);
 * watchpoints are exec's soft-MMU checks; single-step is exec's
 * one-instruction blocks with interrupts masked.
 *
 * Threading: the protocol runs on the main loop thread with the BQL held;
 * vCPU state is read and written only while the VM is stopped.
 * Errors: gdbserver_start fails with an Error (bad device); protocol errors
 * are answered with E nn packets, never fatal.
 */
#ifndef GDBSTUB_GDBSTUB_H
#define GDBSTUB_GDBSTUB_H

#include <stdbool.h>

#include "core/error.h"

#define GDBSTUB_DEFAULT_DEVICE "tcp::1234"

/* Listen on a legacy chardev string ("tcp::1234", "tcp:HOST:PORT",
 * "unix:PATH,server=on"); a bare port number means tcp::PORT; "none"
 * stops listening.  A tcp address without host listens on 127.0.0.1. */
bool gdbserver_start(const char *device, Error **errp);

/* The run is over: tell a connected gdb the exit status (W packet). */
void gdbserver_exit(int status);

#endif
