/*
 * Unit tests for the QMP JSON library: round trips, escapes, numbers,
 * malformed input (with nothing leaked: the ASan build checks), and the
 * streamer's cutting of a byte stream into messages.
 */
#include <stdlib.h>
#include <string.h>

#include "monitor/json.h"
#include "util/unittest.h"

static char *roundtrip(const char *text)
{
    Error *err = NULL;
    JsonValue *v = json_parse(text, strlen(text), &err);
    char *out;

    if (!v) {
        error_free(err);
        return NULL;
    }
    out = json_to_string(v);
    json_free(v);
    return out;
}

static bool parses(const char *text)
{
    Error *err = NULL;
    JsonValue *v = json_parse(text, strlen(text), &err);

    if (!v) {
        CHECK(err != NULL);
        error_free(err);
        return false;
    }
    json_free(v);
    return true;
}

UNITTEST(json_roundtrip_qemu_spacing)
{
    char *s = roundtrip(" { \"execute\" :\"query-status\",\"arguments\":{\"a\":[1,2 , true,"
                        "false,null,\"x\"]},\"id\":7}\n");
    CHECK_STR(s, "{\"execute\": \"query-status\", \"arguments\": {\"a\": [1, 2, true, false, "
                 "null, \"x\"]}, \"id\": 7}");
    free(s);
    s = roundtrip("[]");
    CHECK_STR(s, "[]");
    free(s);
    s = roundtrip("{}");
    CHECK_STR(s, "{}");
    free(s);
}

UNITTEST(json_numbers)
{
    Error *err = NULL;
    JsonValue *v = json_parse("[-12, 0, 1.5, 2e3, 9223372036854775807, 99999999999999999999]",
                              strlen("[-12, 0, 1.5, 2e3, 9223372036854775807, 99999999999999999999]"),
                              &err);
    CHECK(v != NULL);
    CHECK_INT(v->count, 6);
    CHECK(v->items[0]->is_int);
    CHECK_INT(v->items[0]->integer, -12);
    CHECK(!v->items[2]->is_int);
    CHECK(v->items[2]->number == 1.5);
    CHECK(v->items[3]->number == 2000.0);
    CHECK(v->items[4]->is_int);
    CHECK(v->items[4]->integer == INT64_MAX);
    CHECK(!v->items[5]->is_int);       /* out of range: a double */
    json_free(v);
    CHECK(!parses("01"));
    CHECK(!parses("1."));
    CHECK(!parses("-"));
    CHECK(!parses("1e"));
    CHECK(!parses("+1"));
}

UNITTEST(json_string_escapes)
{
    Error *err = NULL;
    const char *text = "\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\\u0000z\"";
    JsonValue *v = json_parse(text, strlen(text), &err);
    char *out;

    CHECK(v != NULL);
    CHECK_INT(v->len, 16);
    CHECK(memcmp(v->string, "a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80\0z", v->len) == 0);
    out = json_to_string(v);
    CHECK_STR(out, "\"a\\\"b\\\\c/d\\n\xc3\xa9\xf0\x9f\x98\x80\\u0000z\"");
    free(out);
    json_free(v);
    CHECK(!parses("\"\\ud83d\""));      /* lone surrogate */
    CHECK(!parses("\"\\x\""));
    CHECK(!parses("\"tab\there\""));
    CHECK(!parses("\"unterminated"));
}

UNITTEST(json_malformed)
{
    static const char *const bad[] = {
        "", "{", "}", "[1,]", "{\"a\"}", "{\"a\":}", "{a:1}", "[1 2]", "tru", "nul",
        "{\"a\":1,}", "{\"a\":1} x", "[[[[", "\"", "{\"a\":[1,{\"b\":}]}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parses(bad[i])) {
            unittest_fail(__FILE__, __LINE__, "accepted malformed '%s'", bad[i]);
        }
    }
}

UNITTEST(json_depth_limit)
{
    char deep[2 * (JSON_MAX_DEPTH + 2) + 1];
    int n = JSON_MAX_DEPTH + 2;

    memset(deep, '[', (size_t)n);
    memset(deep + n, ']', (size_t)n);
    deep[2 * n] = 0;
    CHECK(!parses(deep));
    n = JSON_MAX_DEPTH;
    memset(deep, '[', (size_t)n);
    memset(deep + n, ']', (size_t)n);
    deep[2 * n] = 0;
    CHECK(parses(deep));
}

UNITTEST(json_build_and_lookup)
{
    JsonValue *o = json_new_object();
    char *s;

    json_object_set(o, "return", json_new_object());
    json_object_set(o, "id", json_new_string("x\"1"));
    json_object_set(o, "id", json_new_int(3));      /* replaces */
    CHECK_INT(o->count, 2);
    CHECK(json_object_get(o, "id")->integer == 3);
    CHECK(json_object_get_str(o, "id") == NULL);
    CHECK(json_object_get(o, "nope") == NULL);
    s = json_to_string(o);
    CHECK_STR(s, "{\"return\": {}, \"id\": 3}");
    free(s);
    JsonValue *c = json_copy(o);
    json_free(o);
    s = json_to_string(c);
    CHECK_STR(s, "{\"return\": {}, \"id\": 3}");
    free(s);
    json_free(c);
}

typedef struct Collected {
    char msgs[8][128];
    int n;
} Collected;

static void collect(void *opaque, const char *text, size_t len)
{
    Collected *c = opaque;
    if (c->n < 8 && len < 128) {
        memcpy(c->msgs[c->n], text, len);
        c->msgs[c->n][len] = 0;
    }
    c->n++;
}

UNITTEST(json_streamer_splits)
{
    Collected c = { .n = 0 };
    JsonStreamer js;
    const char *a = "{\"execute\": \"a\", \"x\": \"}{\\\"\"}\n{\"exec";
    const char *b = "ute\": [1, {\"b\": 2}]}  junk\n}[3]";

    json_streamer_init(&js, collect, &c);
    json_streamer_feed(&js, (const uint8_t *)a, strlen(a));
    CHECK_INT(c.n, 1);
    CHECK_STR(c.msgs[0], "{\"execute\": \"a\", \"x\": \"}{\\\"\"}");
    json_streamer_feed(&js, (const uint8_t *)b, strlen(b));
    CHECK_INT(c.n, 5);
    CHECK_STR(c.msgs[1], "{\"execute\": [1, {\"b\": 2}]}");
    CHECK_STR(c.msgs[2], "junk");
    CHECK_STR(c.msgs[3], "}");
    CHECK_STR(c.msgs[4], "[3]");
    json_streamer_destroy(&js);
}

/* Random text from JSON's alphabet: never a crash or leak (ASan build);
 * whatever parses must print to text that parses to the same text. */
UNITTEST(json_random_input)
{
    static const char alphabet[] = "{}[]\",:\\u0aE-+.1 tfnrule\x01\xc3";
    uint32_t seed = 12345;
    char text[48];

    for (int n = 0; n < 20000; n++) {
        size_t len = 0;
        Error *err = NULL;
        JsonValue *v;

        seed = seed * 1103515245u + 12345u;
        len = (seed >> 16) % sizeof(text);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            text[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        v = json_parse(text, len, &err);
        if (!v) {
            CHECK(err != NULL);
            error_free(err);
            continue;
        }
        char *a = json_to_string(v);
        JsonValue *w = json_parse(a, strlen(a), NULL);
        CHECK(w != NULL);
        if (w) {
            char *b = json_to_string(w);
            CHECK_STR(a, b);
            free(b);
            json_free(w);
        }
        free(a);
        json_free(v);
    }
}
