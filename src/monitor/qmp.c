/*
 * QMP, QEMU's machine protocol (docs/interop/qmp-spec): on connection the
 * server greets with {"QMP": {"version": ..., "capabilities": []}}; the
 * client must send qmp_capabilities first (anything else is
 * CommandNotFound); then each {"execute": NAME, "arguments": {...},
 * "id": ANY} gets exactly one {"return": ...} or {"error": {"class",
 * "desc"}}, with the id echoed.  Malformed JSON gets a GenericError and the
 * connection stays usable.  Events go to negotiated clients (monitor.c).
 *
 * Invariants: a client's negotiation state is reset on every new
 * connection; replies are written in request order, each on its own line.
 */
#include <stdlib.h>
#include <string.h>

#include "config/version.h"
#include "core/object.h"
#include "exec/exec.h"
#include "guest/riscv/cpu.h"
#include "monitor/monitor_internal.h"
#include "system/runstate.h"

typedef JsonValue *(*QmpHandlerFn)(Monitor *mon, const JsonValue *args, Error **errp);

typedef struct QmpCommand {
    const char *name;
    const char *args;
    QmpHandlerFn handler;
} QmpCommand;

#define QMP_COMMAND(name_, args_, handler_) \
    static JsonValue *handler_(Monitor *mon, const JsonValue *args, Error **errp);
#include "monitor/qmp_commands.def"
#undef QMP_COMMAND

static const QmpCommand qmp_commands[] = {
#define QMP_COMMAND(name_, args_, handler_) { name_, args_, handler_ },
#include "monitor/qmp_commands.def"
#undef QMP_COMMAND
};

#define QMP_COMMAND_COUNT (sizeof(qmp_commands) / sizeof(qmp_commands[0]))

static void qmp_message(Monitor *mon, const char *text, size_t len);

static void qmp_streamer_cb(void *opaque, const char *text, size_t len)
{
    qmp_message(opaque, text, len);
}

void qmp_init(Monitor *mon)
{
    json_streamer_init(&mon->js, qmp_streamer_cb, mon);
}

static void qmp_send(Monitor *mon, JsonValue *msg)
{
    char *text = json_to_string(msg);

    monbuf_put(&mon->out, text, strlen(text));
    monbuf_put(&mon->out, "\r\n", 2);
    free(text);
    json_free(msg);
    monitor_flush(mon);
}

static JsonValue *qmp_version(void)
{
    JsonValue *v = json_new_object(), *q = json_new_object();
    int major = 0, minor = 0, micro = 0;

    sscanf(MORPHO_QEMU_COMPAT_VERSION, "%d.%d.%d", &major, &minor, &micro);
    json_object_set(q, "micro", json_new_int(micro));
    json_object_set(q, "minor", json_new_int(minor));
    json_object_set(q, "major", json_new_int(major));
    json_object_set(v, "qemu", q);
    json_object_set(v, "package", json_new_string(" (Morpho " MORPHO_VERSION ")"));
    return v;
}

void qmp_opened(Monitor *mon)
{
    JsonValue *greeting = json_new_object(), *qmp = json_new_object();

    mon->negotiated = false;
    json_streamer_reset(&mon->js);
    json_object_set(qmp, "version", qmp_version());
    json_object_set(qmp, "capabilities", json_new_array());
    json_object_set(greeting, "QMP", qmp);
    qmp_send(mon, greeting);
}

void qmp_closed(Monitor *mon)
{
    mon->negotiated = false;
    json_streamer_reset(&mon->js);
}

static void qmp_reply_error(Monitor *mon, const JsonValue *id, const char *cls,
                            const char *desc)
{
    JsonValue *msg = json_new_object(), *err = json_new_object();

    json_object_set(err, "class", json_new_string(cls));
    json_object_set(err, "desc", json_new_string(desc));
    json_object_set(msg, "error", err);
    if (id) {
        json_object_set(msg, "id", json_copy(id));
    }
    qmp_send(mon, msg);
}

static bool qmp_check_args(const QmpCommand *cmd, const JsonValue *args, Error **errp)
{
    for (size_t i = 0; i < args->count; i++) {
        const char *key = args->keys[i];
        size_t n = strlen(key);
        const char *p = cmd->args;
        bool ok = false;

        while (*p) {
            size_t len = strcspn(p, ",");
            if (len == n && strncmp(p, key, n) == 0) {
                ok = true;
                break;
            }
            p += len + (p[len] == ',');
        }
        if (!ok) {
            error_setg(errp, "Parameter '%s' is unexpected", key);
            return false;
        }
    }
    return true;
}

static void qmp_message(Monitor *mon, const char *text, size_t len)
{
    Error *err = NULL;
    JsonValue *req = json_parse(text, len, &err);
    const JsonValue *id, *args, *exec;
    JsonValue *empty = NULL, *ret;
    const QmpCommand *cmd = NULL;
    char desc[256];

    if (!req) {
        qmp_reply_error(mon, NULL, "GenericError", error_get_pretty(err));
        error_free(err);
        return;
    }
    if (req->type != JSON_OBJECT) {
        qmp_reply_error(mon, NULL, "GenericError", "QMP input must be a JSON object");
        json_free(req);
        return;
    }
    id = json_object_get(req, "id");
    for (size_t i = 0; i < req->count; i++) {
        if (strcmp(req->keys[i], "execute") && strcmp(req->keys[i], "arguments") &&
            strcmp(req->keys[i], "id")) {
            snprintf(desc, sizeof(desc), "QMP input member '%s' is unexpected", req->keys[i]);
            qmp_reply_error(mon, id, "GenericError", desc);
            json_free(req);
            return;
        }
    }
    exec = json_object_get(req, "execute");
    if (!exec) {
        qmp_reply_error(mon, id, "GenericError", "QMP input lacks member 'execute'");
        json_free(req);
        return;
    }
    if (exec->type != JSON_STRING) {
        qmp_reply_error(mon, id, "GenericError", "QMP input member 'execute' must be a string");
        json_free(req);
        return;
    }
    args = json_object_get(req, "arguments");
    if (args && args->type != JSON_OBJECT) {
        qmp_reply_error(mon, id, "GenericError",
                        "QMP input member 'arguments' must be an object");
        json_free(req);
        return;
    }
    for (size_t i = 0; i < QMP_COMMAND_COUNT; i++) {
        if (strcmp(qmp_commands[i].name, exec->string) == 0) {
            cmd = &qmp_commands[i];
        }
    }
    if (!mon->negotiated && (!cmd || cmd->handler != qmp_cmd_capabilities)) {
        qmp_reply_error(mon, id, "CommandNotFound",
                        "Expecting capabilities negotiation with 'qmp_capabilities'");
        json_free(req);
        return;
    }
    if (mon->negotiated && cmd && cmd->handler == qmp_cmd_capabilities) {
        qmp_reply_error(mon, id, "CommandNotFound",
                        "Capabilities negotiation is already complete, command ignored");
        json_free(req);
        return;
    }
    if (!cmd) {
        snprintf(desc, sizeof(desc), "The command %s has not been found", exec->string);
        qmp_reply_error(mon, id, "CommandNotFound", desc);
        json_free(req);
        return;
    }
    if (!args) {
        args = empty = json_new_object();
    }
    ret = qmp_check_args(cmd, args, &err) ? cmd->handler(mon, args, &err) : NULL;
    if (ret) {
        JsonValue *msg = json_new_object();

        json_object_set(msg, "return", ret);
        if (id) {
            json_object_set(msg, "id", json_copy(id));
        }
        qmp_send(mon, msg);
    } else {
        qmp_reply_error(mon, id, "GenericError", err ? error_get_pretty(err) : "failed");
        error_free(err);
    }
    json_free(empty);
    json_free(req);
    /* quit: the reply is out; now let the main loop end. */
    if (ret && cmd->handler == qmp_cmd_quit) {
        runstate_request_shutdown(SHUTDOWN_CAUSE_HOST_QUIT);
    }
}

void qmp_receive(Monitor *mon, const uint8_t *buf, int size)
{
    json_streamer_feed(&mon->js, buf, (size_t)size);
}

/* ---- commands ---- */

static JsonValue *qmp_cmd_capabilities(Monitor *mon, const JsonValue *args, Error **errp)
{
    const JsonValue *enable = json_object_get(args, "enable");

    if (enable && (enable->type != JSON_ARRAY || enable->count)) {
        error_setg(errp, "Capability '%s' not available",
                   enable->type == JSON_ARRAY && enable->items[0]->type == JSON_STRING
                       ? enable->items[0]->string
                       : "?");
        return NULL;
    }
    mon->negotiated = true;
    return json_new_object();
}

static JsonValue *qmp_cmd_query_version(Monitor *mon, const JsonValue *args, Error **errp)
{
    return qmp_version();
}

static JsonValue *qmp_cmd_query_status(Monitor *mon, const JsonValue *args, Error **errp)
{
    JsonValue *v = json_new_object();

    json_object_set(v, "status", json_new_string(runstate_name(runstate_get())));
    json_object_set(v, "singlestep", json_new_bool(false));
    json_object_set(v, "running", json_new_bool(runstate_is_running()));
    return v;
}

static void qmp_cpu_info(CpuState *cpu, void *opaque)
{
    JsonValue *list = opaque, *c = json_new_object(), *props = json_new_object();

    json_object_set(c, "cpu-index", json_new_int(cpu->cpu_index));
    if (cpu->ops == &riscv_cpu_ops) {
        char *path = object_get_canonical_path(OBJECT(riscv_hart_of(cpu)));
        if (path) {
            json_object_set(c, "qom-path", json_new_string(path));
            free(path);
        }
        json_object_set(c, "target", json_new_string("riscv64"));
    }
    json_object_set(c, "thread-id",
                    json_new_int(__atomic_load_n(&cpu->thread_id, __ATOMIC_ACQUIRE)));
    json_object_set(props, "core-id", json_new_int(cpu->cpu_index));
    json_object_set(props, "thread-id", json_new_int(0));
    json_object_set(props, "socket-id", json_new_int(0));
    json_object_set(c, "props", props);
    json_array_append(list, c);
}

static JsonValue *qmp_cmd_query_cpus_fast(Monitor *mon, const JsonValue *args, Error **errp)
{
    JsonValue *list = json_new_array();

    exec_cpu_foreach(qmp_cpu_info, list);
    return list;
}

static JsonValue *qmp_cmd_query_commands(Monitor *mon, const JsonValue *args, Error **errp)
{
    JsonValue *list = json_new_array();

    for (size_t i = 0; i < QMP_COMMAND_COUNT; i++) {
        JsonValue *c = json_new_object();
        json_object_set(c, "name", json_new_string(qmp_commands[i].name));
        json_array_append(list, c);
    }
    return list;
}

static JsonValue *qmp_cmd_stop(Monitor *mon, const JsonValue *args, Error **errp)
{
    if (runstate_get() == RUN_STATE_PRELAUNCH) {
        /* -S: QEMU keeps it stopped; nothing to do */
        return json_new_object();
    }
    vm_stop(RUN_STATE_PAUSED);
    return json_new_object();
}

static JsonValue *qmp_cmd_cont(Monitor *mon, const JsonValue *args, Error **errp)
{
    if (runstate_is_running()) {
        return json_new_object();
    }
    if (runstate_needs_reset()) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return NULL;
    }
    return vm_start(errp) ? json_new_object() : NULL;
}

static JsonValue *qmp_cmd_system_reset(Monitor *mon, const JsonValue *args, Error **errp)
{
    monitor_reset_by_host = true;
    runstate_request_reset(SHUTDOWN_CAUSE_SUBSYSTEM_RESET);
    return json_new_object();
}

static JsonValue *qmp_cmd_system_powerdown(Monitor *mon, const JsonValue *args, Error **errp)
{
    runstate_request_powerdown();
    return json_new_object();
}

static JsonValue *qmp_cmd_quit(Monitor *mon, const JsonValue *args, Error **errp)
{
    return json_new_object();       /* the shutdown is requested after the reply */
}

static JsonValue *qmp_cmd_human_monitor_command(Monitor *mon, const JsonValue *args,
                                                Error **errp)
{
    const char *line = json_object_get_str(args, "command-line");
    char *out;
    JsonValue *v;

    if (!line) {
        error_setg(errp, json_object_get(args, "command-line")
                             ? "Invalid parameter type for 'command-line', expected: string"
                             : "Parameter 'command-line' is missing");
        return NULL;
    }
    out = monitor_hmp_run_captured(line);
    v = json_new_string(out);
    free(out);
    return v;
}
