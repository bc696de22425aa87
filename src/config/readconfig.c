/*
 * -readconfig: the INI reader (QEMU's qemu_config_do_parse()).  A group's
 * keys are collected while its lines are read and applied to the option
 * group when the next header or the end of file comes, so that an "id" key
 * in the body works as in QEMU; each key remembers its line so that errors
 * still point at it.  See readconfig.h for the format.
 */
#include "config/readconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct IniPair {
    char *key;
    char *value;
    int line;
} IniPair;

typedef struct IniGroup {
    OptsGroup *g;           /* NULL: no group yet */
    char *id;
    int line;
    IniPair *pairs;
    size_t count;
} IniGroup;

typedef struct IniReader {
    Config *cfg;
    const char *fname;
    int line;
    IniGroup cur;
} IniReader;

static void ini_group_clear(IniGroup *cur)
{
    for (size_t i = 0; i < cur->count; i++) {
        free(cur->pairs[i].key);
        free(cur->pairs[i].value);
    }
    free(cur->pairs);
    free(cur->id);
    memset(cur, 0, sizeof(*cur));
}

static void ini_error(IniReader *r, int line, Error **errp, Error *err)
{
    error_prepend(&err, "%s:%d: ", r->fname, line);
    error_propagate(errp, err);
}

/* Apply the group read so far to the Config. */
static bool ini_group_flush(IniReader *r, Error **errp)
{
    IniGroup *cur = &r->cur;
    Error *err = NULL;
    const char *id = cur->id;
    Opts *o;
    bool ok = true;

    if (!cur->g) {
        return true;
    }
    /* QEMU puts the header's id in the dict first; an "id" key replaces it. */
    for (size_t i = 0; i < cur->count; i++) {
        if (strcmp(cur->pairs[i].key, "id") == 0) {
            id = cur->pairs[i].value;
        }
    }
    if ((cur->g->info->flags & OPTS_ID_KEY) && !id) {
        error_setg(&err, "parameter 'id' is missing");
        ini_error(r, cur->line, errp, err);
        ini_group_clear(cur);
        return false;
    }
    o = opts_create(cur->g, id, &err);
    if (!o) {
        ini_error(r, cur->line, errp, err);
        ini_group_clear(cur);
        return false;
    }
    for (size_t i = 0; i < cur->count && ok; i++) {
        if (strcmp(cur->pairs[i].key, "id") == 0) {
            continue;
        }
        if (!opts_set(o, cur->pairs[i].key, cur->pairs[i].value, &err)) {
            ini_error(r, cur->pairs[i].line, errp, err);
            ok = false;
        }
    }
    if (!ok && !(cur->g->info->flags & OPTS_MERGE)) {
        opts_delete(o);
    }
    ini_group_clear(cur);
    return ok;
}

static char *ini_strndup(const char *s, size_t n)
{
    char *p = strndup(s, n);

    if (!p) {
        abort();
    }
    return p;
}

static const char *ini_skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* "[group]" or "[group "id"]", nothing but blanks after. */
static bool ini_parse_header(IniReader *r, const char *p, Error **errp)
{
    size_t len;
    char *name, *id = NULL;
    OptsGroup *g;
    Error *err = NULL;

    p++;
    len = strcspn(p, "] \t\"");
    if (len == 0) {
        error_setg(&err, "parse error: missing group name");
        goto fail;
    }
    name = ini_strndup(p, len);
    p = ini_skip_blanks(p + len);
    if (*p == '"') {
        size_t idlen = strcspn(p + 1, "\"");

        if (p[1 + idlen] != '"') {
            error_setg(&err, "parse error: missing closing quote in group header");
            free(name);
            goto fail;
        }
        id = ini_strndup(p + 1, idlen);
        p = ini_skip_blanks(p + idlen + 2);
    }
    if (*p != ']' || *ini_skip_blanks(p + 1) != '\0') {
        error_setg(&err, "parse error: malformed group header");
        free(name);
        free(id);
        goto fail;
    }
    g = config_group(r->cfg, name);
    if (!g) {
        error_setg(&err, "there is no option group '%s'", name);
        free(name);
        free(id);
        goto fail;
    }
    free(name);
    r->cur.g = g;
    r->cur.id = id;
    r->cur.line = r->line;
    return true;

fail:
    ini_error(r, r->line, errp, err);
    return false;
}

/* 'key = "value"', blanks around '=' optional, nothing but blanks after. */
static bool ini_parse_pair(IniReader *r, const char *p, Error **errp)
{
    size_t klen = strcspn(p, " \t=");
    const char *v;
    size_t vlen;
    IniPair *pairs;
    Error *err = NULL;

    if (klen == 0) {
        error_setg(&err, "parse error: missing key before '='");
        goto fail;
    }
    v = ini_skip_blanks(p + klen);
    if (*v != '=') {
        error_setg(&err, "parse error: expected '=' after '%.*s'", (int)klen, p);
        goto fail;
    }
    v = ini_skip_blanks(v + 1);
    if (*v != '"') {
        error_setg(&err, "parse error: the value of '%.*s' must be in double quotes",
                   (int)klen, p);
        goto fail;
    }
    v++;
    vlen = strcspn(v, "\"");
    if (v[vlen] != '"') {
        error_setg(&err, "parse error: missing closing quote after the value of '%.*s'",
                   (int)klen, p);
        goto fail;
    }
    if (*ini_skip_blanks(v + vlen + 1) != '\0') {
        error_setg(&err, "parse error: unexpected text after the value of '%.*s'",
                   (int)klen, p);
        goto fail;
    }
    if (!r->cur.g) {
        error_setg(&err, "no group defined");
        goto fail;
    }
    pairs = realloc(r->cur.pairs, (r->cur.count + 1) * sizeof(*pairs));
    if (!pairs) {
        abort();
    }
    r->cur.pairs = pairs;
    pairs[r->cur.count++] = (IniPair){
        .key = ini_strndup(p, klen), .value = ini_strndup(v, vlen), .line = r->line,
    };
    return true;

fail:
    ini_error(r, r->line, errp, err);
    return false;
}

bool config_read_stream(Config *cfg, FILE *f, const char *fname, Error **errp)
{
    IniReader r = { .cfg = cfg, .fname = fname };
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    bool ok = true;

    while (ok && (n = getline(&buf, &cap, f)) >= 0) {
        const char *p;

        r.line++;
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
            buf[--n] = '\0';
        }
        p = ini_skip_blanks(buf);
        if (*p == '\0' || *p == '#') {
            continue;
        }
        if (*p == '[') {
            ok = ini_group_flush(&r, errp) && ini_parse_header(&r, p, errp);
        } else {
            ok = ini_parse_pair(&r, p, errp);
        }
    }
    free(buf);
    if (ok && ferror(f)) {
        error_setg(errp, "%s: cannot read config file", fname);
        ok = false;
    }
    if (ok) {
        ok = ini_group_flush(&r, errp);
    }
    ini_group_clear(&r.cur);
    return ok;
}

bool config_read_file(Config *cfg, const char *path, Error **errp)
{
    FILE *f = fopen(path, "r");
    bool ok;

    if (!f) {
        error_setg_errno(errp, errno, "could not open '%s'", path);
        return false;
    }
    ok = config_read_stream(cfg, f, path, errp);
    fclose(f);
    return ok;
}
