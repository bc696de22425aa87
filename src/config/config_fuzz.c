/*
 * libFuzzer target for the configuration front end: the first byte picks
 * the command line (the rest split at NUL bytes into argv) or -readconfig
 * (the rest is the INI text).  Nothing may crash, leak or hang on any
 * input.  Built only by bench/fuzz-config.sh (clang -fsanitize=fuzzer),
 * never by meson.  Inputs naming -readconfig are skipped on the command
 * line: a fuzzer-chosen path such as /dev/zero would only test the host.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/readconfig.h"

enum { FUZZ_MAX_ARGS = 64 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_cmdline(const char *text, size_t len)
{
    char *argv[FUZZ_MAX_ARGS + 2];
    int argc = 0;
    Config cfg;
    Error *err = NULL;

    argv[argc++] = (char *)"morpho-system-riscv64";
    for (size_t i = 0; i < len && argc <= FUZZ_MAX_ARGS; i += strlen(text + i) + 1) {
        if (strstr(text + i, "readconfig")) {
            return;
        }
        argv[argc++] = (char *)text + i;
    }
    argv[argc] = NULL;
    if (config_parse_cmdline(&cfg, argc, argv, &err)) {
        config_equal(&cfg, &cfg);
    }
    error_free(err);
    config_free(&cfg);
}

static void fuzz_readconfig(const char *text, size_t len)
{
    FILE *f = fmemopen((void *)text, len, "r");
    Config cfg;
    Error *err = NULL;

    if (!f) {
        return;
    }
    config_init(&cfg);
    if (config_read_stream(&cfg, f, "fuzz.cfg", &err)) {
        config_finish(&cfg, &err);
    }
    fclose(f);
    error_free(err);
    config_free(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;

    if (size < 1) {
        return 0;
    }
    /* A NUL-terminated copy: argv strings and fmemopen need one. */
    text = malloc(size);
    if (!text) {
        return 0;
    }
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (data[0] & 1) {
        fuzz_readconfig(text, size - 1);
    } else {
        fuzz_cmdline(text, size - 1);
    }
    free(text);
    return 0;
}
