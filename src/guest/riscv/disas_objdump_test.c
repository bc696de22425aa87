/*
 * The disassembler against GNU objdump: a few thousand pseudo-random 32-bit
 * words (valid major opcodes, common funct7 values, so that most decode) are
 * assembled as `.insn` lines with riscv64-linux-gnu-as (-march with the
 * extensions we decode) and disassembled by `objdump -d -M no-aliases`;
 * wherever both sides decode, the text must be identical once objdump's
 * decorations are removed (its " # 0x..." value comments and the "<sym>"
 * after a target, whose hex it prints without 0x).  Skips when the cross
 * binutils are not installed.
 *
 * Both must also agree on what decodes (objdump knows only the extensions
 * -march names, through the ELF attributes), with these known differences:
 * objdump prints reserved rounding modes as "unknown" (we print rm5/rm6);
 * it does not know Zicond (binutils < 2.41); it refuses FENCE/FENCE.I whose
 * reserved fields are non-zero, which the spec says to ignore, and the exact
 * conversions fcvt.d.w/wu/s with an rm other than rne (2.40; later versions
 * accept them), all of which we decode; and it names every CSR, where we
 * name the common ones and print the rest in hex.
 *
 * Compressed instructions print as the 32-bit instruction they expand to, so
 * objdump cannot be asked directly; instead every 16-bit word we decode is
 * round-tripped: our text, assembled with .option norvc and disassembled by
 * objdump, must come back unchanged (branches and jumps, whose targets are
 * absolute, are left to decode_test.c).  And the set of 16-bit words that
 * decode must be objdump's, except c.addi16sp with nzimm=0, which the spec
 * reserves and objdump accepts.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest/riscv/disas.h"
#include "util/unittest.h"

enum { WORDS = 20000 };

static const char objdump[] = "riscv64-linux-gnu-objdump";
static const char march[] = "rv64gc_zba_zbb_zbc_zbs_zifencei_zihintpause";

/* Read objdump's next instruction line into text: "mnemonic\toperands",
 * without its " # value" comment.  Returns false at the end. */
static bool objdump_next(FILE *p, unsigned long *addr, char **text, char *line, size_t size)
{
    while (fgets(line, size, p)) {
        char *t, *nl;

        if (sscanf(line, " %lx:", addr) != 1 || !strchr(line, '\t')) {
            continue;
        }
        t = strchr(strchr(line, '\t') + 1, '\t');
        if (!t) {
            continue;
        }
        t++;
        if ((nl = strchr(t, '\n'))) {
            *nl = '\0';
        }
        if ((nl = strstr(t, " # "))) {
            *nl = '\0';
        }
        *text = t;
        return true;
    }
    return false;
}

static uint32_t prng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 21);
}

UNITTEST(against_objdump)
{
    static const uint8_t opcodes[] = {
        0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b,
        0x43, 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73,
    };
    static const uint8_t funct7s[] = {
        0x00, 0x01, 0x04, 0x05, 0x07, 0x10, 0x14, 0x20, 0x24, 0x30, 0x34, 0x35,
        0x2c, 0x2d, 0x60, 0x61, 0x68, 0x69, 0x70, 0x71, 0x78, 0x79, 0x50, 0x51,
    };
    static uint32_t words[WORDS];
    char dir[] = "/tmp/morpho-disas-XXXXXX";
    char path[64], cmd[512], line[256];
    uint64_t seed = 0x2545f4914f6cdd1dull;
    int compared = 0, mismatches = 0;
    FILE *f, *p;

    if (system("riscv64-linux-gnu-objdump --version >/dev/null 2>&1") != 0) {
        UNITTEST_SKIP("riscv64-linux-gnu-objdump not installed");
    }
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/words.s", dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) {
        return;
    }
    for (int i = 0; i < WORDS; i++) {
        uint32_t w = (prng(&seed) & ~0x7fu) | opcodes[prng(&seed) % sizeof(opcodes)];

        if (prng(&seed) & 1) {
            w = (w & 0x01ffffff) | (uint32_t)funct7s[prng(&seed) % sizeof(funct7s)] << 25;
        }
        words[i] = w;
        fprintf(f, "%s.insn 0x%08x\n", i ? "" : ".option norvc\n", w);
    }
    fclose(f);

    snprintf(cmd, sizeof(cmd),
             "cd %s && riscv64-linux-gnu-as -march=%s words.s -o words.o && %s -d -M no-aliases "
             "words.o", dir, march, objdump);
    p = popen(cmd, "r");
    CHECK(p != NULL);
    unsigned long addr;
    char *text, *nl;
    while (p && objdump_next(p, &addr, &text, line, sizeof(line))) {
        char ours[128];

        /* "     1c:\tfeb508e3          \tbeq\ta0,a1,1c <.text+0x1c>" */
        if (addr / 4 >= WORDS) {
            continue;
        }
        if ((nl = strstr(text, " <"))) {
            /* "beq\ta0,a1,1c <.text+0x1c>" -> "beq\ta0,a1,0x1c" */
            char *target = strrchr(text, ',') + 1;

            *nl = '\0';
            memmove(target + 2, target, strlen(target) + 1);
            memcpy(target, "0x", 2);
        }
        riscv_disas(addr, (const uint8_t *)&words[addr / 4], 4, ours, sizeof(ours));
        if (strstr(text, "unknown")) {
            continue;
        }
        if (strncmp(text, ".4byte", 6) == 0 || strncmp(ours, ".insn", 5) == 0) {
            bool we = strncmp(ours, ".insn", 5) != 0, they = strncmp(text, ".4byte", 6) != 0;

            if (we && !they && (strncmp(ours, "czero", 5) == 0 || strncmp(ours, "fence", 5) == 0
                                || strncmp(ours, "fcvt.d.", 7) == 0)) {
                continue;   /* known: see above */
            }
            if (we != they && mismatches++ < 20) {
                unittest_fail(__FILE__, __LINE__, "0x%08x: objdump \"%s\", we \"%s\"",
                              words[addr / 4], text, ours);
            }
            continue;
        }
        if (strncmp(ours, "csr", 3) == 0 && strstr(ours, ",0x") && !strstr(text, ",0x")) {
            continue;       /* a CSR we print by number */
        }
        compared++;
        if (strcmp(text, ours) != 0 && mismatches++ < 20) {
            unittest_fail(__FILE__, __LINE__, "0x%08x: objdump \"%s\", we \"%s\"",
                          words[addr / 4], text, ours);
        }
    }
    if (p) {
        pclose(p);
    }
    unlink(path);
    snprintf(path, sizeof(path), "%s/words.o", dir);
    unlink(path);
    rmdir(dir);
    printf("compared %d instructions with objdump, %d mismatches\n", compared, mismatches);
    CHECK(compared >= 300);
}

UNITTEST(compressed_roundtrip)
{
    enum { MAX = 0xc000 };
    static char texts[MAX][48];
    char dir[] = "/tmp/morpho-disas-XXXXXX";
    char path[64], cmd[512], line[256];
    unsigned long addr;
    char *text;
    int n = 0, i = 0, mismatches = 0;
    FILE *f, *p;

    if (system("riscv64-linux-gnu-objdump --version >/dev/null 2>&1") != 0
        || system("riscv64-linux-gnu-as --version >/dev/null 2>&1") != 0) {
        UNITTEST_SKIP("riscv64-linux-gnu binutils not installed");
    }
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/c.s", dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) {
        return;
    }
    fprintf(f, ".option norvc\n");
    for (uint32_t x = 0; x < 0x10000; x++) {
        uint8_t b[2] = { x, x >> 8 };

        if ((x & 3) == 3) {
            continue;
        }
        riscv_disas(0, b, 2, texts[n], sizeof(texts[n]));
        if (texts[n][0] == '.' || strcmp(texts[n], "unimp") == 0
            || strncmp(texts[n], "jal\t", 4) == 0 || strncmp(texts[n], "beq", 3) == 0
            || strncmp(texts[n], "bne", 3) == 0) {
            continue;
        }
        fprintf(f, "%s\n", texts[n]);
        n++;
    }
    fclose(f);

    snprintf(cmd, sizeof(cmd), "cd %s && riscv64-linux-gnu-as -march=%s c.s -o c.o && %s -d "
             "-M no-aliases c.o", dir, march, objdump);
    p = popen(cmd, "r");
    CHECK(p != NULL);
    while (p && objdump_next(p, &addr, &text, line, sizeof(line))) {
        if (i < n && strcmp(text, texts[i]) != 0 && mismatches++ < 20) {
            unittest_fail(__FILE__, __LINE__, "we print \"%s\", objdump of it \"%s\"",
                          texts[i], text);
        }
        i++;
    }
    if (p) {
        pclose(p);
    }
    printf("round-tripped %d compressed instructions through as and objdump\n", i);
    CHECK_INT(i, n);
    CHECK(n > 30000);
    unlink(path);
    snprintf(path, sizeof(path), "%s/c.o", dir);
    unlink(path);
    rmdir(dir);
}

UNITTEST(compressed_same_encodings)
{
    char dir[] = "/tmp/morpho-disas-XXXXXX";
    char path[64], cmd[512], line[256];
    unsigned long addr;
    char *text;
    int checked = 0, mismatches = 0;
    FILE *f, *p;

    if (system("riscv64-linux-gnu-objdump --version >/dev/null 2>&1") != 0
        || system("riscv64-linux-gnu-as --version >/dev/null 2>&1") != 0) {
        UNITTEST_SKIP("riscv64-linux-gnu binutils not installed");
    }
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/all16.s", dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) {
        return;
    }
    for (uint32_t x = 0; x < 0x10000; x++) {
        if ((x & 3) != 3) {
            fprintf(f, ".insn 0x%04x\n", x);
        }
    }
    fclose(f);

    snprintf(cmd, sizeof(cmd), "cd %s && riscv64-linux-gnu-as -march=%s all16.s -o all16.o && "
             "%s -d -M no-aliases all16.o", dir, march, objdump);
    p = popen(cmd, "r");
    CHECK(p != NULL);
    while (p && objdump_next(p, &addr, &text, line, sizeof(line))) {
        /* Word k (of those not ending in 11) sits at 2k: recover it. */
        uint32_t k = addr / 2, x = k / 3 * 4 + k % 3;
        uint8_t b[2] = { x, x >> 8 };
        char ours[128];
        bool we = false, they = strncmp(text, ".2byte", 6) != 0 && strcmp(text, "c.unimp") != 0;

        riscv_disas(0, b, 2, ours, sizeof(ours));
        we = strncmp(ours, ".insn", 5) != 0 && strcmp(ours, "unimp") != 0;
        checked++;
        if (we != they && x != 0x6101 && mismatches++ < 20) {
            unittest_fail(__FILE__, __LINE__, "0x%04x: objdump \"%s\", we \"%s\"", x, text,
                          ours);
        }
    }
    if (p) {
        pclose(p);
    }
    CHECK_INT(checked, 0xc000);
    unlink(path);
    snprintf(path, sizeof(path), "%s/all16.o", dir);
    unlink(path);
    rmdir(dir);
}
