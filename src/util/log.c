/*
 * Debug logging (-d, -D): the item table and the log file.  See log.h.
 */
#include "util/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <string.h>

uint32_t log_mask;

static FILE *log_out;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct {
    const char *name;
    uint32_t mask;
    const char *help;
} log_items[] = {
#define LOG_ROW(id, name, help) { name, LOG_##id, help },
    LOG_ITEMS(LOG_ROW)
#undef LOG_ROW
};

void log_print_help(FILE *out)
{
    fprintf(out, "Log items (comma separated):\n");
    for (size_t i = 0; i < sizeof(log_items) / sizeof(log_items[0]); i++) {
        fprintf(out, "%-14s %s\n", log_items[i].name, log_items[i].help);
    }
}

bool log_parse_items(const char *spec, uint32_t *mask, bool *help_printed,
                     char *bad_item, size_t bad_item_size)
{
    uint32_t result = 0;
    const char *p = spec;

    *help_printed = false;
    while (*p) {
        size_t len = strcspn(p, ",");
        bool found = false;

        if (len == 4 && strncmp(p, "help", 4) == 0) {
            log_print_help(stdout);
            *help_printed = true;
            return true;
        }
        for (size_t i = 0; i < sizeof(log_items) / sizeof(log_items[0]); i++) {
            if (strlen(log_items[i].name) == len &&
                strncmp(log_items[i].name, p, len) == 0) {
                result |= log_items[i].mask;
                found = true;
                break;
            }
        }
        if (!found && len > 0) {
            snprintf(bad_item, bad_item_size, "%.*s", (int)len, p);
            return false;
        }
        p += len;
        if (*p == ',') {
            p++;
        }
    }
    *mask = result;
    return true;
}

bool log_set_file(const char *path)
{
    FILE *f = NULL;

    if (path) {
        f = fopen(path, "w");
        if (!f) {
            return false;
        }
        setvbuf(f, NULL, _IOLBF, 0);
    }
    pthread_mutex_lock(&log_lock);
    if (log_out && log_out != stderr) {
        fclose(log_out);
    }
    log_out = f;
    pthread_mutex_unlock(&log_lock);
    return true;
}

FILE *log_file(void)
{
    return log_out ? log_out : stderr;
}

void log_printf(const char *fmt, ...)
{
    va_list ap;

    pthread_mutex_lock(&log_lock);
    va_start(ap, fmt);
    vfprintf(log_file(), fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&log_lock);
}
