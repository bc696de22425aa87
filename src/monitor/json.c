/*
 * JSON values, parser, writer and streamer for QMP (see json.h).  The
 * parser is recursive descent over RFC 8259's grammar with a depth limit;
 * \uXXXX escapes (with surrogate pairs) become UTF-8.  The writer escapes
 * control characters, quotes and backslashes and passes other bytes
 * through, as QEMU's qobject_to_json does for valid UTF-8.
 */
#include "monitor/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *json_alloc(size_t n)
{
    void *p = calloc(1, n);
    if (!p) {
        abort();
    }
    return p;
}

static JsonValue *json_new(JsonType t)
{
    JsonValue *v = json_alloc(sizeof(*v));
    v->type = t;
    return v;
}

JsonValue *json_new_null(void)
{
    return json_new(JSON_NULL);
}

JsonValue *json_new_bool(bool b)
{
    JsonValue *v = json_new(JSON_BOOL);
    v->boolean = b;
    return v;
}

JsonValue *json_new_int(int64_t i)
{
    JsonValue *v = json_new(JSON_NUMBER);
    v->is_int = true;
    v->integer = i;
    v->number = (double)i;
    return v;
}

JsonValue *json_new_double(double d)
{
    JsonValue *v = json_new(JSON_NUMBER);
    v->number = d;
    return v;
}

JsonValue *json_new_string_len(const char *s, size_t len)
{
    JsonValue *v = json_new(JSON_STRING);
    v->string = json_alloc(len + 1);
    memcpy(v->string, s, len);
    v->len = len;
    return v;
}

JsonValue *json_new_string(const char *s)
{
    return json_new_string_len(s, strlen(s));
}

JsonValue *json_new_array(void)
{
    return json_new(JSON_ARRAY);
}

JsonValue *json_new_object(void)
{
    return json_new(JSON_OBJECT);
}

static void json_grow(JsonValue *v)
{
    if (v->count < v->cap) {
        return;
    }
    v->cap = v->cap ? v->cap * 2 : 4;
    v->items = realloc(v->items, v->cap * sizeof(*v->items));
    if (v->type == JSON_OBJECT) {
        v->keys = realloc(v->keys, v->cap * sizeof(*v->keys));
    }
    if (!v->items || (v->type == JSON_OBJECT && !v->keys)) {
        abort();
    }
}

void json_array_append(JsonValue *arr, JsonValue *val)
{
    if (arr->type != JSON_ARRAY) {
        abort();
    }
    json_grow(arr);
    arr->items[arr->count++] = val;
}

void json_object_set(JsonValue *obj, const char *key, JsonValue *val)
{
    if (obj->type != JSON_OBJECT) {
        abort();
    }
    for (size_t i = 0; i < obj->count; i++) {
        if (strcmp(obj->keys[i], key) == 0) {
            json_free(obj->items[i]);
            obj->items[i] = val;
            return;
        }
    }
    json_grow(obj);
    obj->keys[obj->count] = strdup(key);
    if (!obj->keys[obj->count]) {
        abort();
    }
    obj->items[obj->count++] = val;
}

JsonValue *json_copy(const JsonValue *v)
{
    JsonValue *c;

    switch (v->type) {
    case JSON_STRING:
        return json_new_string_len(v->string, v->len);
    case JSON_ARRAY:
        c = json_new_array();
        for (size_t i = 0; i < v->count; i++) {
            json_array_append(c, json_copy(v->items[i]));
        }
        return c;
    case JSON_OBJECT:
        c = json_new_object();
        for (size_t i = 0; i < v->count; i++) {
            json_object_set(c, v->keys[i], json_copy(v->items[i]));
        }
        return c;
    default:
        c = json_new(v->type);
        *c = *v;
        return c;
    }
}

void json_free(JsonValue *v)
{
    if (!v) {
        return;
    }
    for (size_t i = 0; i < v->count; i++) {
        json_free(v->items[i]);
        if (v->keys) {
            free(v->keys[i]);
        }
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    free(v);
}

JsonValue *json_object_get(const JsonValue *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT) {
        return NULL;
    }
    for (size_t i = 0; i < obj->count; i++) {
        if (strcmp(obj->keys[i], key) == 0) {
            return obj->items[i];
        }
    }
    return NULL;
}

const char *json_object_get_str(const JsonValue *obj, const char *key)
{
    JsonValue *v = json_object_get(obj, key);
    return v && v->type == JSON_STRING ? v->string : NULL;
}

const char *json_type_name(JsonType t)
{
    static const char *const names[] = { "null", "boolean", "number", "string", "array",
                                         "object" };
    return names[t];
}

/* ---- parser ---- */

typedef struct JsonParser {
    const char *p, *end, *start;
    int depth;
    Error **errp;
    bool failed;
} JsonParser;

static void parse_error(JsonParser *ps, const char *what)
{
    if (!ps->failed) {
        error_setg(ps->errp, "JSON parse error, %s at offset %zu", what,
                   (size_t)(ps->p - ps->start));
        ps->failed = true;
    }
}

static void skip_ws(JsonParser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
        ps->p++;
    }
}

static JsonValue *parse_value(JsonParser *ps);

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static bool parse_hex4(JsonParser *ps, unsigned *out)
{
    unsigned v = 0;

    if (ps->end - ps->p < 4) {
        return false;
    }
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(ps->p[i]);
        if (d < 0) {
            return false;
        }
        v = v << 4 | (unsigned)d;
    }
    ps->p += 4;
    *out = v;
    return true;
}

typedef struct StrBuf {
    char *data;
    size_t len, cap;
} StrBuf;

static void sb_put(StrBuf *sb, const char *s, size_t n)
{
    if (sb->len + n + 1 > sb->cap) {
        while (sb->len + n + 1 > sb->cap) {
            sb->cap = sb->cap ? sb->cap * 2 : 64;
        }
        sb->data = realloc(sb->data, sb->cap);
        if (!sb->data) {
            abort();
        }
    }
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = 0;
}

static void sb_putc(StrBuf *sb, char c)
{
    sb_put(sb, &c, 1);
}

static void sb_put_utf8(StrBuf *sb, unsigned cp)
{
    char b[4];
    size_t n;

    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | cp >> 12);
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | cp >> 18);
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    sb_put(sb, b, n);
}

/* At the opening quote.  Returns the string's bytes in sb. */
static bool parse_string_raw(JsonParser *ps, StrBuf *sb)
{
    sb_put(sb, "", 0);
    ps->p++;
    while (ps->p < ps->end) {
        unsigned char c = (unsigned char)*ps->p++;
        unsigned cp, lo;

        if (c == '"') {
            return true;
        }
        if (c < 0x20) {
            ps->p--;
            parse_error(ps, "control character in string");
            return false;
        }
        if (c != '\\') {
            sb_putc(sb, (char)c);
            continue;
        }
        if (ps->p >= ps->end) {
            break;
        }
        c = (unsigned char)*ps->p++;
        switch (c) {
        case '"': sb_putc(sb, '"'); break;
        case '\\': sb_putc(sb, '\\'); break;
        case '/': sb_putc(sb, '/'); break;
        case 'b': sb_putc(sb, '\b'); break;
        case 'f': sb_putc(sb, '\f'); break;
        case 'n': sb_putc(sb, '\n'); break;
        case 'r': sb_putc(sb, '\r'); break;
        case 't': sb_putc(sb, '\t'); break;
        case 'u':
            if (!parse_hex4(ps, &cp)) {
                parse_error(ps, "invalid \\u escape");
                return false;
            }
            if (cp >= 0xd800 && cp < 0xdc00) {
                if (ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u') {
                    ps->p += 2;
                    if (!parse_hex4(ps, &lo) || lo < 0xdc00 || lo >= 0xe000) {
                        parse_error(ps, "invalid surrogate pair");
                        return false;
                    }
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                } else {
                    parse_error(ps, "lone surrogate");
                    return false;
                }
            } else if (cp >= 0xdc00 && cp < 0xe000) {
                parse_error(ps, "lone surrogate");
                return false;
            }
            sb_put_utf8(sb, cp);
            break;
        default:
            ps->p--;
            parse_error(ps, "invalid escape");
            return false;
        }
    }
    parse_error(ps, "unterminated string");
    return false;
}

static JsonValue *parse_string(JsonParser *ps)
{
    StrBuf sb = { 0 };
    JsonValue *v;

    if (!parse_string_raw(ps, &sb)) {
        free(sb.data);
        return NULL;
    }
    v = json_new(JSON_STRING);
    v->string = sb.data;
    v->len = sb.len;
    return v;
}

static JsonValue *parse_number(JsonParser *ps)
{
    const char *s = ps->p;
    bool is_int = true;
    char tmp[64];
    size_t n;
    JsonValue *v;

    if (ps->p < ps->end && *ps->p == '-') {
        ps->p++;
    }
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
        parse_error(ps, "invalid number");
        return NULL;
    }
    if (*ps->p == '0') {
        ps->p++;
    } else {
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            ps->p++;
        }
    }
    if (ps->p < ps->end && *ps->p == '.') {
        is_int = false;
        ps->p++;
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
            parse_error(ps, "invalid number");
            return NULL;
        }
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            ps->p++;
        }
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        is_int = false;
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) {
            ps->p++;
        }
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
            parse_error(ps, "invalid number");
            return NULL;
        }
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
            ps->p++;
        }
    }
    n = (size_t)(ps->p - s);
    if (n >= sizeof(tmp)) {
        parse_error(ps, "number too long");
        return NULL;
    }
    memcpy(tmp, s, n);
    tmp[n] = 0;
    v = json_new(JSON_NUMBER);
    v->number = strtod(tmp, NULL);
    if (is_int) {
        errno = 0;
        long long i = strtoll(tmp, NULL, 10);
        if (errno == 0) {
            v->is_int = true;
            v->integer = i;
        }
    }
    return v;
}

static bool parse_literal(JsonParser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, word, n) == 0) {
        ps->p += n;
        return true;
    }
    return false;
}

static JsonValue *parse_container(JsonParser *ps, bool object)
{
    JsonValue *v = object ? json_new_object() : json_new_array();
    char close = object ? '}' : ']';

    if (++ps->depth > JSON_MAX_DEPTH) {
        parse_error(ps, "nesting too deep");
        goto fail;
    }
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        ps->depth--;
        return v;
    }
    for (;;) {
        JsonValue *item;

        skip_ws(ps);
        if (object) {
            StrBuf key = { 0 };

            if (ps->p >= ps->end || *ps->p != '"') {
                parse_error(ps, "expecting a string key");
                goto fail;
            }
            if (!parse_string_raw(ps, &key)) {
                free(key.data);
                goto fail;
            }
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                free(key.data);
                parse_error(ps, "expecting ':'");
                goto fail;
            }
            ps->p++;
            item = parse_value(ps);
            if (!item) {
                free(key.data);
                goto fail;
            }
            json_object_set(v, key.data, item);
            free(key.data);
        } else {
            item = parse_value(ps);
            if (!item) {
                goto fail;
            }
            json_array_append(v, item);
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            ps->depth--;
            return v;
        }
        parse_error(ps, object ? "expecting ',' or '}'" : "expecting ',' or ']'");
        goto fail;
    }
fail:
    json_free(v);
    return NULL;
}

static JsonValue *parse_value(JsonParser *ps)
{
    skip_ws(ps);
    if (ps->p >= ps->end) {
        parse_error(ps, "expecting value");
        return NULL;
    }
    switch (*ps->p) {
    case '{':
        return parse_container(ps, true);
    case '[':
        return parse_container(ps, false);
    case '"':
        return parse_string(ps);
    case 't':
        if (parse_literal(ps, "true")) {
            return json_new_bool(true);
        }
        break;
    case 'f':
        if (parse_literal(ps, "false")) {
            return json_new_bool(false);
        }
        break;
    case 'n':
        if (parse_literal(ps, "null")) {
            return json_new_null();
        }
        break;
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
            return parse_number(ps);
        }
        break;
    }
    parse_error(ps, "expecting value");
    return NULL;
}

JsonValue *json_parse(const char *text, size_t len, Error **errp)
{
    JsonParser ps = { .p = text, .end = text + len, .start = text, .errp = errp };
    JsonValue *v = parse_value(&ps);

    if (!v) {
        return NULL;
    }
    skip_ws(&ps);
    if (ps.p != ps.end) {
        parse_error(&ps, "trailing characters");
        json_free(v);
        return NULL;
    }
    return v;
}

/* ---- writer ---- */

static void write_string(StrBuf *sb, const char *s, size_t len)
{
    sb_putc(sb, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];

        switch (c) {
        case '"': sb_put(sb, "\\\"", 2); break;
        case '\\': sb_put(sb, "\\\\", 2); break;
        case '\n': sb_put(sb, "\\n", 2); break;
        case '\r': sb_put(sb, "\\r", 2); break;
        case '\t': sb_put(sb, "\\t", 2); break;
        case '\b': sb_put(sb, "\\b", 2); break;
        case '\f': sb_put(sb, "\\f", 2); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof(esc), "\\u%04x", c);
                sb_put(sb, esc, 6);
            } else {
                sb_putc(sb, (char)c);
            }
        }
    }
    sb_putc(sb, '"');
}

static void write_value(StrBuf *sb, const JsonValue *v)
{
    char num[64];

    switch (v->type) {
    case JSON_NULL:
        sb_put(sb, "null", 4);
        break;
    case JSON_BOOL:
        v->boolean ? sb_put(sb, "true", 4) : sb_put(sb, "false", 5);
        break;
    case JSON_NUMBER:
        if (v->is_int) {
            snprintf(num, sizeof(num), "%lld", (long long)v->integer);
        } else if (!isfinite(v->number)) {
            snprintf(num, sizeof(num), "null");     /* JSON has no inf/nan */
        } else {
            snprintf(num, sizeof(num), "%.17g", v->number);
        }
        sb_put(sb, num, strlen(num));
        break;
    case JSON_STRING:
        write_string(sb, v->string, v->len);
        break;
    case JSON_ARRAY:
        sb_putc(sb, '[');
        for (size_t i = 0; i < v->count; i++) {
            if (i) {
                sb_put(sb, ", ", 2);
            }
            write_value(sb, v->items[i]);
        }
        sb_putc(sb, ']');
        break;
    case JSON_OBJECT:
        sb_putc(sb, '{');
        for (size_t i = 0; i < v->count; i++) {
            if (i) {
                sb_put(sb, ", ", 2);
            }
            write_string(sb, v->keys[i], strlen(v->keys[i]));
            sb_put(sb, ": ", 2);
            write_value(sb, v->items[i]);
        }
        sb_putc(sb, '}');
        break;
    }
}

char *json_to_string(const JsonValue *v)
{
    StrBuf sb = { 0 };
    write_value(&sb, v);
    return sb.data;
}

/* ---- streamer ---- */

void json_streamer_init(JsonStreamer *js, JsonMessageFn cb, void *opaque)
{
    memset(js, 0, sizeof(*js));
    js->cb = cb;
    js->opaque = opaque;
}

void json_streamer_reset(JsonStreamer *js)
{
    js->len = 0;
    js->depth = 0;
    js->in_string = js->escape = js->bare = false;
}

void json_streamer_destroy(JsonStreamer *js)
{
    free(js->buf);
    memset(js, 0, sizeof(*js));
}

static void streamer_put(JsonStreamer *js, char c)
{
    if (js->len + 2 > js->cap) {
        js->cap = js->cap ? js->cap * 2 : 256;
        js->buf = realloc(js->buf, js->cap);
        if (!js->buf) {
            abort();
        }
    }
    js->buf[js->len++] = c;
    js->buf[js->len] = 0;
}

static void streamer_emit(JsonStreamer *js)
{
    size_t len = js->len;

    json_streamer_reset(js);
    if (len) {
        js->cb(js->opaque, js->buf, len);
    }
}

void json_streamer_feed(JsonStreamer *js, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = (char)data[i];
        bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';

        if (js->bare) {
            /* A top-level token that is not an object or array: it ends at
             * whitespace or at the start of a container. */
            if (ws || c == '{' || c == '[') {
                streamer_emit(js);
                if (ws) {
                    continue;
                }
            } else {
                streamer_put(js, c);
                continue;
            }
        }
        if (js->depth == 0 && !js->in_string) {
            if (ws) {
                continue;
            }
            if (c == '{' || c == '[') {
                js->depth = 1;
                streamer_put(js, c);
                continue;
            }
            if (c == '"') {
                js->in_string = true;
                streamer_put(js, c);
                continue;
            }
            /* A stray '}' or a bare token: one message the parser rejects. */
            streamer_put(js, c);
            if (c == '}' || c == ']') {
                streamer_emit(js);
            } else {
                js->bare = true;
            }
            continue;
        }
        streamer_put(js, c);
        if (js->in_string) {
            if (js->escape) {
                js->escape = false;
            } else if (c == '\\') {
                js->escape = true;
            } else if (c == '"') {
                js->in_string = false;
                if (js->depth == 0) {
                    streamer_emit(js);
                }
            }
        } else if (c == '"') {
            js->in_string = true;
        } else if (c == '{' || c == '[') {
            js->depth++;
        } else if (c == '}' || c == ']') {
            if (--js->depth == 0) {
                streamer_emit(js);
            }
        }
        if (js->len > JSON_MAX_MESSAGE_BYTES || js->depth > JSON_MAX_DEPTH * 2) {
            /* Too big or too deep: hand it over now; the parser refuses it. */
            streamer_emit(js);
        }
    }
}
