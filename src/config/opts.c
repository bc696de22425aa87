/*
 * QemuOpts-style option lists: the "key=value,..." parser, ids, merging,
 * schema checks and typed accessors.  See opts.h for the syntax and the
 * invariants.  Parsing is all-or-nothing: elements go into a scratch Opts
 * first and are applied to the group only when the whole string is good.
 */
#include "config/opts.h"
#include "util/parse.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static void *opts_xalloc(size_t size)
{
    void *p = calloc(1, size);

    if (!p) {
        abort();
    }
    return p;
}

static char *opts_strndup(const char *s, size_t n)
{
    char *p = strndup(s, n);

    if (!p) {
        abort();
    }
    return p;
}

OptsGroup *opts_group_new(const OptsGroupInfo *info)
{
    OptsGroup *g = opts_xalloc(sizeof(*g));

    g->info = info;
    g->tail = &g->head;
    return g;
}

static void opts_free(Opts *o)
{
    for (size_t i = 0; i < o->count; i++) {
        free(o->pairs[i].key);
        free(o->pairs[i].value);
    }
    free(o->pairs);
    free(o->id);
    free(o);
}

void opts_group_free(OptsGroup *g)
{
    if (!g) {
        return;
    }
    while (g->head) {
        Opts *next = g->head->next;

        opts_free(g->head);
        g->head = next;
    }
    free(g);
}

const char *opts_group_name(const OptsGroup *g)
{
    return g->info->name;
}

/* --- values --------------------------------------------------------------- */

/* --- pairs ----------------------------------------------------------------- */

static const OptDesc *opts_find_desc(const OptsGroupInfo *info, const char *key)
{
    for (const OptDesc *d = info->desc; d && d->name; d++) {
        if (strcmp(d->name, key) == 0) {
            return d;
        }
    }
    return NULL;
}

static const char *opts_type_expectation(OptType type)
{
    switch (type) {
    case OPT_BOOL:   return "'on' or 'off'";
    case OPT_NUMBER: return "a number";
    case OPT_SIZE:   return "a non-negative size below 2^64 (optional suffix k, M, G, T, P or E)";
    default:         return "a string";
    }
}

static bool opts_value_valid(OptType type, const char *value)
{
    bool b;
    uint64_t n;

    switch (type) {
    case OPT_BOOL:   return parse_bool(value, &b);
    case OPT_NUMBER: return parse_uint64(value, &n);
    case OPT_SIZE:   return parse_size(value, &n);
    default:         return true;
    }
}

static bool opts_check_pair(const OptsGroupInfo *info, const char *key, const char *value,
                            Error **errp)
{
    const OptDesc *d;

    if (!*key) {
        error_setg(errp, "empty parameter name");
        return false;
    }
    if (!info->desc) {
        return true;
    }
    d = opts_find_desc(info, key);
    if (!d) {
        error_setg(errp, "invalid parameter '%s'", key);
        return false;
    }
    if (!opts_value_valid(d->type, value)) {
        error_setg(errp, "parameter '%s' expects %s, not '%s'", key,
                   opts_type_expectation(d->type), value);
        return false;
    }
    return true;
}

static void opts_put(Opts *o, const char *key, const char *value)
{
    for (size_t i = 0; i < o->count; i++) {
        if (strcmp(o->pairs[i].key, key) == 0) {
            char *v = opts_strndup(value, strlen(value));

            free(o->pairs[i].value);
            o->pairs[i].value = v;
            return;
        }
    }
    if (o->count == o->capacity) {
        size_t cap = o->capacity ? o->capacity * 2 : 4;
        OptsPair *pairs = realloc(o->pairs, cap * sizeof(*pairs));

        if (!pairs) {
            abort();
        }
        o->pairs = pairs;
        o->capacity = cap;
    }
    o->pairs[o->count].key = opts_strndup(key, strlen(key));
    o->pairs[o->count].value = opts_strndup(value, strlen(value));
    o->count++;
}

bool opts_set(Opts *o, const char *key, const char *value, Error **errp)
{
    if (!opts_check_pair(o->group->info, key, value, errp)) {
        return false;
    }
    opts_put(o, key, value);
    return true;
}

const char *opts_get(const Opts *o, const char *key)
{
    for (size_t i = 0; i < o->count; i++) {
        if (strcmp(o->pairs[i].key, key) == 0) {
            return o->pairs[i].value;
        }
    }
    return NULL;
}

static bool opts_get_typed(const Opts *o, const char *key, OptType type, const char **value,
                           Error **errp)
{
    *value = opts_get(o, key);
    if (*value && !opts_value_valid(type, *value)) {
        error_setg(errp, "%s: parameter '%s' expects %s, not '%s'", opts_group_name(o->group),
                   key, opts_type_expectation(type), *value);
        return false;
    }
    return true;
}

bool opts_get_bool(const Opts *o, const char *key, bool dflt, bool *out, Error **errp)
{
    const char *v;

    if (!opts_get_typed(o, key, OPT_BOOL, &v, errp)) {
        return false;
    }
    *out = dflt;
    if (v) {
        parse_bool(v, out);
    }
    return true;
}

bool opts_get_number(const Opts *o, const char *key, uint64_t dflt, uint64_t *out,
                     Error **errp)
{
    const char *v;

    if (!opts_get_typed(o, key, OPT_NUMBER, &v, errp)) {
        return false;
    }
    *out = dflt;
    if (v) {
        parse_uint64(v, out);
    }
    return true;
}

bool opts_get_size(const Opts *o, const char *key, uint64_t dflt, uint64_t *out,
                   Error **errp)
{
    const char *v;

    if (!opts_get_typed(o, key, OPT_SIZE, &v, errp)) {
        return false;
    }
    *out = dflt;
    if (v) {
        parse_size(v, out);
    }
    return true;
}

/* --- ids and instances ------------------------------------------------------ */

/* QEMU's id_wellformed(): a letter, then letters, digits, '-', '.', '_'. */
static bool opts_id_wellformed(const char *id)
{
    if (!isalpha((unsigned char)id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

Opts *opts_find(OptsGroup *g, const char *id)
{
    for (Opts *o = g->head; o; o = o->next) {
        if (id ? o->id && strcmp(o->id, id) == 0 : !o->id) {
            return o;
        }
    }
    return NULL;
}

static Opts *opts_new_detached(OptsGroup *g, const char *id)
{
    Opts *o = opts_xalloc(sizeof(*o));

    o->group = g;
    o->id = id ? opts_strndup(id, strlen(id)) : NULL;
    return o;
}

static bool opts_check_id(OptsGroup *g, const char *id, Error **errp)
{
    if (!opts_id_wellformed(id)) {
        error_setg(errp, "parameter 'id' expects an identifier, not '%s'", id);
        return false;
    }
    if (opts_find(g, id)) {
        error_setg(errp, "duplicate ID '%s' for %s", id, g->info->name);
        return false;
    }
    return true;
}

static void opts_append(OptsGroup *g, Opts *o)
{
    *g->tail = o;
    g->tail = &o->next;
}

Opts *opts_create(OptsGroup *g, const char *id, Error **errp)
{
    Opts *o;

    if (id) {
        if (!opts_check_id(g, id, errp)) {
            return NULL;
        }
    } else if (g->info->flags & OPTS_MERGE) {
        o = opts_find(g, NULL);
        if (o) {
            return o;
        }
    }
    o = opts_new_detached(g, id);
    opts_append(g, o);
    return o;
}

void opts_delete(Opts *o)
{
    OptsGroup *g = o->group;

    for (Opts **pp = &g->head; *pp; pp = &(*pp)->next) {
        if (*pp == o) {
            *pp = o->next;
            if (g->tail == &o->next) {
                g->tail = pp;
            }
            break;
        }
    }
    opts_free(o);
}

/* --- the "key=value,..." syntax -------------------------------------------- */

/* Copy a value up to a lone ',' (",," is a literal comma); return the end. */
static const char *opts_scan_value(const char *p, char **value)
{
    size_t len = 0;
    char *v = opts_xalloc(strlen(p) + 1);

    while (*p) {
        if (*p == ',') {
            if (p[1] != ',') {
                break;
            }
            p++;
        }
        v[len++] = *p++;
    }
    v[len] = '\0';
    *value = v;
    return p;
}

/* keyval's key syntax: letters, digits, '-', '_', '.'. */
static bool opts_keyval_key_ok(const char *key)
{
    if (!*key) {
        return false;
    }
    for (const char *p = key; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("-_.", *p)) {
            return false;
        }
    }
    return true;
}

/* One element at p: fills *key and *value (caller frees) and returns the next. */
static const char *opts_scan_element(const OptsGroupInfo *info, const char *p, bool first,
                                     char **key, char **value, Error **errp)
{
    size_t len = strcspn(p, "=,");

    if (p[len] == '=') {
        *key = opts_strndup(p, len);
        p = opts_scan_value(p + len + 1, value);
    } else if (first && info->implied_key) {
        *key = opts_strndup(info->implied_key, strlen(info->implied_key));
        p = opts_scan_value(p, value);
    } else if (info->flags & OPTS_KEYVAL) {
        error_setg(errp, "expected '=' after parameter '%.*s'", (int)len, p);
        return NULL;
    } else {
        /* A bare flag: "key" is key=on, "nokey" is key=off. */
        if (len > 2 && strncmp(p, "no", 2) == 0) {
            *key = opts_strndup(p + 2, len - 2);
            *value = opts_strndup("off", 3);
        } else {
            *key = opts_strndup(p, len);
            *value = opts_strndup("on", 2);
        }
        p += len;
    }
    if ((info->flags & OPTS_KEYVAL) && !opts_keyval_key_ok(*key)) {
        error_setg(errp, "invalid parameter '%s'", *key);
        free(*key);
        free(*value);
        return NULL;
    }
    assert(*p == '\0' || *p == ',');
    return *p == ',' ? p + 1 : p;
}

Opts *opts_parse(OptsGroup *g, const char *params, Error **errp)
{
    const OptsGroupInfo *info = g->info;
    Opts *scratch = opts_new_detached(g, NULL), *target;
    bool first = true;
    const char *p = params;

    /* An empty string still names an (empty) instance, as in QEMU. */
    while (*p) {
        char *key, *value;
        bool ok;

        p = opts_scan_element(info, p, first, &key, &value, errp);
        if (!p) {
            opts_free(scratch);
            return NULL;
        }
        first = false;
        if (strcmp(key, "id") == 0) {
            free(scratch->id);
            scratch->id = value;
            free(key);
            continue;
        }
        ok = opts_check_pair(info, key, value, errp);
        if (ok) {
            opts_put(scratch, key, value);
        }
        free(key);
        free(value);
        if (!ok) {
            opts_free(scratch);
            return NULL;
        }
    }
    if ((info->flags & OPTS_ID_KEY) && !scratch->id) {
        error_setg(errp, "parameter 'id' is missing");
        opts_free(scratch);
        return NULL;
    }
    target = opts_create(g, scratch->id, errp);
    if (!target) {
        opts_free(scratch);
        return NULL;
    }
    for (size_t i = 0; i < scratch->count; i++) {
        opts_put(target, scratch->pairs[i].key, scratch->pairs[i].value);
    }
    opts_free(scratch);
    return target;
}

/* --- canonical dump -------------------------------------------------------- */

static int opts_pair_cmp(const void *a, const void *b)
{
    return strcmp(((const OptsPair *)a)->key, ((const OptsPair *)b)->key);
}

static void opts_dump_quoted(const char *s, FILE *out)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            fputc('\\', out);
            fputc(*s, out);
        } else if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            fprintf(out, "\\x%02x", (unsigned char)*s);
        } else {
            fputc(*s, out);
        }
    }
    fputc('"', out);
}

void opts_group_dump(const OptsGroup *g, FILE *out)
{
    for (const Opts *o = g->head; o; o = o->next) {
        OptsPair *sorted = NULL;
        const OptsPair *pairs = o->pairs;

        fprintf(out, "[%s", g->info->name);
        if (o->id) {
            fputc(' ', out);
            opts_dump_quoted(o->id, out);
        }
        fprintf(out, "]\n");
        if ((g->info->flags & OPTS_MERGE) && o->count > 1) {
            sorted = opts_xalloc(o->count * sizeof(*sorted));
            memcpy(sorted, o->pairs, o->count * sizeof(*sorted));
            qsort(sorted, o->count, sizeof(*sorted), opts_pair_cmp);
            pairs = sorted;
        }
        for (size_t i = 0; i < o->count; i++) {
            fprintf(out, "  %s = ", pairs[i].key);
            opts_dump_quoted(pairs[i].value, out);
            fputc('\n', out);
        }
        free(sorted);
    }
}

bool opts_check_keys(const Opts *o, const char *const *known, Error **errp)
{
    for (size_t i = 0; i < o->count; i++) {
        bool ok = false;
        for (const char *const *k = known; *k && !ok; k++) {
            ok = strcmp(o->pairs[i].key, *k) == 0;
        }
        if (!ok) {
            error_setg(errp, "Invalid parameter '%s'", o->pairs[i].key);
            return false;
        }
    }
    return true;
}
