/*
 * Tests of the big lock: nesting on one thread, ownership seen per thread,
 * exclusion between threads, and the drop-all/retake pair the main loop
 * uses around poll().
 */
#include "system/bql.h"
#include "util/unittest.h"

#include <pthread.h>

static void *locked_elsewhere(void *opaque)
{
    bool *seen = opaque;

    seen[0] = bql_locked();     /* another thread's lock is not ours */
    bql_lock();
    seen[1] = bql_locked();
    bql_unlock();
    return NULL;
}

UNITTEST(nesting_and_ownership)
{
    bool seen[2] = { true, false };
    pthread_t thread;

    CHECK(!bql_locked());
    bql_lock();
    bql_lock();
    CHECK(bql_locked());
    bql_unlock();
    CHECK(bql_locked());        /* still held: one level left */
    bql_unlock();
    CHECK(!bql_locked());

    bql_lock();
    CHECK(pthread_create(&thread, NULL, locked_elsewhere, seen) == 0);
    /* The other thread waits for us; let it go. */
    bql_unlock();
    pthread_join(thread, NULL);
    CHECK(!seen[0]);
    CHECK(seen[1]);
}

static int counter;

static void *increment_many(void *opaque)
{
    for (int i = 0; i < 100000; i++) {
        bql_lock();
        counter++;
        bql_unlock();
    }
    return NULL;
}

UNITTEST(excludes_other_threads)
{
    pthread_t a, b;

    counter = 0;
    CHECK(pthread_create(&a, NULL, increment_many, NULL) == 0);
    CHECK(pthread_create(&b, NULL, increment_many, NULL) == 0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    CHECK_INT(counter, 200000);
}

UNITTEST(unlock_all_and_relock_depth)
{
    unsigned depth;

    CHECK_INT(bql_unlock_all(), 0);
    bql_lock();
    bql_lock();
    bql_lock();
    depth = bql_unlock_all();
    CHECK_INT(depth, 3);
    CHECK(!bql_locked());
    bql_lock_depth(depth);
    CHECK(bql_locked());
    bql_unlock();
    bql_unlock();
    CHECK(bql_locked());
    bql_unlock();
    CHECK(!bql_locked());
}
