/*
 * Entropy backends (see rng_random.h).  The host file is opened
 * non-blocking; when it has nothing, an fd handler waits for it and calls
 * the waiting device back once.  Invariant: an fd handler is installed only
 * while a reader is waiting.
 */
#include "hw/virtio/rng_random.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "system/main_loop.h"

size_t rng_builtin_read(void *buf, size_t len)
{
    ssize_t n;

    do {
        n = getrandom(buf, len, 0);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? 0 : (size_t)n;
}

bool rng_backend_complete(RngBackend *rng, Error **errp)
{
    if (rng->opened) {
        return true;
    }
    if (object_dynamic_cast(OBJECT(rng), TYPE_RNG_RANDOM)) {
        const char *file = rng->filename ? rng->filename : "/dev/urandom";
        rng->fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (rng->fd < 0) {
            error_setg_errno(errp, errno, "Could not open '%s'", file);
            return false;
        }
    }
    rng->opened = true;
    return true;
}

static void rng_backend_readable(void *opaque)
{
    RngBackend *rng = opaque;
    RngReadyFn ready = rng->ready;

    main_loop_set_fd_handler(rng->fd, NULL, NULL, NULL);
    rng->ready = NULL;
    if (ready) {
        ready(rng->ready_opaque);
    }
}

size_t rng_backend_read(RngBackend *rng, void *buf, size_t len, RngReadyFn ready,
                        void *opaque)
{
    ssize_t n;

    if (rng->fd < 0) {
        return rng_builtin_read(buf, len);
    }
    do {
        n = read(rng->fd, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        return (size_t)n;
    }
    if (n == 0 || errno != EAGAIN) {
        return 0;    /* end of file or a broken source: the guest gets nothing */
    }
    if (ready && !rng->ready) {
        rng->ready = ready;
        rng->ready_opaque = opaque;
        main_loop_set_fd_handler(rng->fd, rng_backend_readable, NULL, rng);
    }
    return 0;
}

/* ---- QOM --------------------------------------------------------------------- */

static char *rng_random_get_filename(Object *obj)
{
    RngBackend *rng = RNG_BACKEND(obj);
    return strdup(rng->filename ? rng->filename : "/dev/urandom");
}

static bool rng_random_set_filename(Object *obj, const char *value, Error **errp)
{
    RngBackend *rng = RNG_BACKEND(obj);

    if (rng->opened) {
        error_setg(errp, "Property 'filename' can no longer be set");
        return false;
    }
    free(rng->filename);
    rng->filename = strdup(value);
    return true;
}

static void rng_backend_init(Object *obj)
{
    RNG_BACKEND(obj)->fd = -1;
}

static void rng_backend_finalize(Object *obj)
{
    RngBackend *rng = RNG_BACKEND(obj);

    if (rng->fd >= 0) {
        main_loop_set_fd_handler(rng->fd, NULL, NULL, NULL);
        close(rng->fd);
    }
    free(rng->filename);
}

static void rng_random_class_init(ObjectClass *oc, const void *data)
{
    object_class_property_add_str(oc, "filename", rng_random_get_filename,
                                  rng_random_set_filename, "the host entropy source");
}

static const TypeInfo rng_types[] = {
    {
        .name = TYPE_RNG_BACKEND,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(RngBackend),
        .instance_init = rng_backend_init,
        .instance_finalize = rng_backend_finalize,
        .abstract = true,
    },
    {
        .name = TYPE_RNG_RANDOM,
        .parent = TYPE_RNG_BACKEND,
        .class_init = rng_random_class_init,
    },
    {
        .name = TYPE_RNG_BUILTIN,
        .parent = TYPE_RNG_BACKEND,
    },
};

static void rng_register_types(void)
{
    type_register_static_array(rng_types, 3);
}

type_init(rng_register_types)
