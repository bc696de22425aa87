/*
 * -strace: one line per guest system call in QEMU's shape,
 *   PID name(arg,arg,...) = result
 * with arguments printed by their kinds from syscalls.def (strings quoted,
 * pointers in hex, AT_FDCWD by name) and errors as "-1 errno=N (text)".
 * The call and its result are printed separately, so a call that blocks
 * shows before it returns.  Output goes to the -d/-D log.
 */
#include "user/syscall_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

#define STRACE_STR_MAX 64

static void strace_string(FILE *f, UserThread *t, GuestVaddr addr)
{
    if (!addr) {
        fputs("NULL", f);
        return;
    }
    char *s = user_strdup(t, addr, 4096);
    if (!s) {
        fprintf(f, "0x%llx", (unsigned long long)addr);
        return;
    }
    fputc('"', f);
    size_t n = strlen(s);
    for (size_t i = 0; i < n && i < STRACE_STR_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
        } else if (c == '\n') {
            fputs("\\n", f);
        } else if (c < 0x20 || c >= 0x7f) {
            fprintf(f, "\\%03o", c);
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
    if (n > STRACE_STR_MAX) {
        fputs("...", f);
    }
    free(s);
}

void strace_call(UserThread *t, int64_t num, const uint64_t args[6])
{
    const SyscallDef *d = syscall_def(num);
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        return;
    }
    fprintf(f, "%d ", (int)getpid());
    if (!d) {
        fprintf(f, "Unknown syscall %lld", (long long)num);
    } else {
        fprintf(f, "%s(", d->name);
        for (int i = 0; i < 6 && d->args[i]; i++) {
            uint64_t v = args[i];
            if (i) {
                fputc(',', f);
            }
            switch (d->args[i]) {
            case 'd': fprintf(f, "%lld", (long long)v); break;
            case 'c': fprintf(f, "%d", (int)v); break;
            case 'u': fprintf(f, "%llu", (unsigned long long)v); break;
            case 'o': fprintf(f, "0%llo", (unsigned long long)v); break;
            case 'f':
                if ((int)v == AT_FDCWD) {
                    fputs("AT_FDCWD", f);
                } else {
                    fprintf(f, "%d", (int)v);
                }
                break;
            case 's':
            case 'S':
                strace_string(f, t, v);
                break;
            case 'p':
            case 'i':
            case 'O':
                if (v) {
                    fprintf(f, "0x%llx", (unsigned long long)v);
                } else {
                    fputs("NULL", f);
                }
                break;
            default: fprintf(f, "0x%llx", (unsigned long long)v); break;
            }
        }
        fputc(')', f);
    }
    fclose(f);
    log_printf("%s", buf);
    free(buf);
}

void strace_return(UserThread *t, int64_t num, int64_t ret)
{
    const char *name = syscall_name(num);
    if (ret < 0 && ret >= -4095) {
        log_printf(" = -1 errno=%d (%s)\n", (int)-ret, strerror((int)-ret));
    } else if (name && (strcmp(name, "mmap") == 0 || strcmp(name, "brk") == 0 ||
                        strcmp(name, "mremap") == 0)) {
        log_printf(" = 0x%llx\n", (unsigned long long)ret);
    } else {
        log_printf(" = %lld\n", (long long)ret);
    }
    (void)t;
}
