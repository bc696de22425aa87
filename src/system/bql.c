/*
 * The big lock: a plain pthread mutex plus a per-thread depth, so nested
 * bql_lock() calls from one thread are counted instead of deadlocking.
 * Invariant: bql_depth > 0 exactly when this thread owns bql_mutex.
 */
#include "system/bql.h"

#include <assert.h>
#include <pthread.h>

static pthread_mutex_t bql_mutex = PTHREAD_MUTEX_INITIALIZER;
static __thread unsigned bql_depth;

void bql_lock(void)
{
    if (bql_depth++ == 0) {
        pthread_mutex_lock(&bql_mutex);
    }
}

void bql_unlock(void)
{
    assert(bql_depth > 0);
    if (--bql_depth == 0) {
        pthread_mutex_unlock(&bql_mutex);
    }
}

bool bql_locked(void)
{
    return bql_depth > 0;
}

unsigned bql_unlock_all(void)
{
    unsigned depth = bql_depth;

    if (depth) {
        bql_depth = 0;
        pthread_mutex_unlock(&bql_mutex);
    }
    return depth;
}

void bql_lock_depth(unsigned depth)
{
    assert(bql_depth == 0);
    if (depth) {
        pthread_mutex_lock(&bql_mutex);
        bql_depth = depth;
    }
}
