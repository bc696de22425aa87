/*
 * The big lock (BQL): one mutex that device state, timers' callbacks, chardev
 * handlers and the run state hang off.  The main loop holds it except while
 * it sleeps in poll(); a vCPU thread takes it around MMIO to a device and
 * around anything that touches the machine outside its own CPU state.
 *
 * The lock is recursion-safe: a thread that already holds it may take it
 * again (a depth counter, per thread); it is released when the outermost
 * bql_unlock() runs.  bql_locked() tells whether the calling thread holds it,
 * for assert(bql_locked()) in functions named *_locked.
 */
#ifndef SYSTEM_BQL_H
#define SYSTEM_BQL_H

#include <stdbool.h>

void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);

/* Drop the lock completely (whatever the depth) and return the depth, so a
 * caller about to sleep can give it back with bql_lock_depth(depth).  Used by
 * the main loop around poll(). */
unsigned bql_unlock_all(void);
void bql_lock_depth(unsigned depth);

#endif
