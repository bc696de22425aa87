/*
 * Code buffer tests: the two mappings alias (a byte written through rw is
 * seen through rx), rx runs and rw does not execute, allocation bumps and
 * aligns, flush calls the hook and keeps the head, out_asm disassembles.
 */
#include "jit/codebuf.h"

#include <stdlib.h>
#include <string.h>

#include "util/unittest.h"

static int flush_calls;

static void on_flush(void *opaque)
{
    flush_calls += *(int *)opaque;
}

UNITTEST(codebuf_dual_mapping_runs)
{
    CodeBuf *cb = codebuf_new(1 << 16, 64, &error_abort);
    size_t room;
    uint8_t *w = codebuf_begin(cb, &room);
    CHECK(room == (1 << 16) - 64);
    /* mov eax, 42; ret */
    static const uint8_t code[] = { 0xb8, 42, 0, 0, 0, 0xc3 };
    memcpy(w, code, sizeof(code));
    codebuf_commit(cb, sizeof(code));
    uint8_t *x = codebuf_to_rx(cb, w);
    CHECK(x != w);
    CHECK(memcmp(x, code, sizeof(code)) == 0);
    CHECK(codebuf_contains(cb, (uintptr_t)x));
    CHECK(!codebuf_contains(cb, (uintptr_t)w));
    int (*fn)(void) = (int (*)(void))(uintptr_t)x;
    CHECK_INT(fn(), 42);
    CHECK(codebuf_to_rw(cb, x) == w);

    /* next block is 16-byte aligned after the first */
    uint8_t *w2 = codebuf_begin(cb, &room);
    CHECK_INT(w2 - w, 16);
    codebuf_free(cb);
}

UNITTEST(codebuf_flush_runs_hook_and_keeps_head)
{
    CodeBuf *cb = codebuf_new(4096, 32, &error_abort);
    int weight = 1;
    codebuf_set_flush_hook(cb, on_flush, &weight);
    size_t head_size, room;
    uint8_t *head = codebuf_head(cb, &head_size);
    CHECK_INT(head_size, 32);
    head[0] = 0xc3;
    uint8_t *w = codebuf_begin(cb, &room);
    CHECK(w == head + 32);
    codebuf_commit(cb, room);
    codebuf_begin(cb, &room);
    CHECK_INT(room, 0);
    flush_calls = 0;
    codebuf_flush(cb);
    CHECK_INT(flush_calls, 1);
    CHECK(codebuf_begin(cb, &room) == head + 32);
    CHECK_INT(head[0], 0xc3);
    CodeBufStats st;
    codebuf_get_stats(cb, &st);
    CHECK_INT(st.flushes, 1);
    CHECK_INT(st.used, 32);
    codebuf_free(cb);
}

UNITTEST(codebuf_bad_sizes)
{
    Error *err = NULL;
    CHECK(codebuf_new(4096, 4096, &err) == NULL);
    CHECK(err != NULL);
    error_free(err);
}

UNITTEST(codebuf_disas_prints_instructions)
{
    static const uint8_t code[] = { 0x48, 0x01, 0xd8, 0xc3 };   /* add rax, rbx; ret */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    codebuf_disas(f, code, sizeof(code));
    fclose(f);
    CHECK(strstr(text, "add") && strstr(text, "rax, rbx"));
    CHECK(strstr(text, "ret"));
    free(text);
}
