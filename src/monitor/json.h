/*
 * A small JSON library for QMP (RFC 8259): a tree of JsonValue, a parser
 * from text, a writer to text in QEMU's spacing ({"a": 1, "b": [2, 3]}),
 * and a streamer that cuts a byte stream into top-level values the way
 * QEMU's json-streamer does (by counting braces and brackets outside
 * strings), so a client may send several commands in one write or one
 * command across many.
 *
 * Ownership: a parsed or built tree belongs to its caller and goes with
 * json_free(); json_object_set and json_array_append take ownership of the
 * value they are given.  Numbers keep both an int64 (when the text was an
 * integer in range) and a double.  Strings may hold NUL bytes (\u0000):
 * len is authoritative; the text is also NUL-terminated.
 *
 * Errors: json_parse returns NULL and fills errp with what it expected and
 * where; nothing is left allocated.  Nesting deeper than JSON_MAX_DEPTH is
 * refused, so a hostile client cannot overflow the stack.
 */
#ifndef MONITOR_JSON_H
#define MONITOR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define JSON_MAX_DEPTH 64
#define JSON_MAX_MESSAGE_BYTES (1u << 20)

typedef enum JsonType {
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
} JsonType;

typedef struct JsonValue JsonValue;
struct JsonValue {
    JsonType type;
    bool boolean;
    bool is_int;            /* NUMBER: the text was an integer that fits int64 */
    int64_t integer;
    double number;
    char *string;           /* STRING: NUL-terminated copy, len bytes */
    size_t len;
    JsonValue **items;      /* ARRAY and OBJECT: count values */
    char **keys;            /* OBJECT: count keys, in insertion order */
    size_t count, cap;
};

/* Parse exactly one value (surrounding whitespace allowed). */
JsonValue *json_parse(const char *text, size_t len, Error **errp);
void json_free(JsonValue *v);

JsonValue *json_new_null(void);
JsonValue *json_new_bool(bool b);
JsonValue *json_new_int(int64_t i);
JsonValue *json_new_double(double d);
JsonValue *json_new_string(const char *s);
JsonValue *json_new_string_len(const char *s, size_t len);
JsonValue *json_new_array(void);
JsonValue *json_new_object(void);
/* Replaces an existing key. */
void json_object_set(JsonValue *obj, const char *key, JsonValue *val);
void json_array_append(JsonValue *arr, JsonValue *val);
JsonValue *json_copy(const JsonValue *v);

/* Lookups: NULL when absent or obj is not an object. */
JsonValue *json_object_get(const JsonValue *obj, const char *key);
/* The string member key, or NULL when absent or not a string. */
const char *json_object_get_str(const JsonValue *obj, const char *key);
const char *json_type_name(JsonType t);

/* Compact text with QEMU's separators; caller frees. */
char *json_to_string(const JsonValue *v);

/* The streamer: feed bytes, get each complete top-level value's text. */
typedef void (*JsonMessageFn)(void *opaque, const char *text, size_t len);
typedef struct JsonStreamer {
    char *buf;
    size_t len, cap;
    int depth;              /* braces + brackets open */
    bool in_string, escape;
    bool bare;              /* collecting a top-level scalar or junk token */
    JsonMessageFn cb;
    void *opaque;
} JsonStreamer;

void json_streamer_init(JsonStreamer *js, JsonMessageFn cb, void *opaque);
void json_streamer_feed(JsonStreamer *js, const uint8_t *data, size_t len);
/* Drop a partial message (client reconnected). */
void json_streamer_reset(JsonStreamer *js);
void json_streamer_destroy(JsonStreamer *js);

#endif
