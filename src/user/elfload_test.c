/*
 * Tests of the ELF loader and the initial stack on hand-made riscv64 ELF
 * files: segments land at their addresses (or at the PIE base), bss is
 * zero, the interpreter is found under the -L prefix, the stack reads back
 * as _start expects, and broken files give errors that name the problem.
 */
#include "user/elfload.h"

#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/unittest.h"

typedef struct TestSeg {
    uint64_t vaddr, offset, filesz, memsz;
    uint32_t flags;
} TestSeg;

/* Write an ELF with the given type/machine and PT_LOAD segments; the file
 * is filled with bytes equal to (offset & 0xff) | 1 so contents can be
 * checked.  interp, when set, adds a PT_INTERP at offset 0x800. */
static void write_elf(const char *path, uint16_t type, uint16_t machine, const TestSeg *segs,
                      int nsegs, const char *interp, size_t file_size)
{
    unsigned char *buf = malloc(file_size);
    for (size_t i = 0; i < file_size; i++) {
        buf[i] = (unsigned char)(i | 1);
    }
    Elf64_Ehdr eh = {
        .e_type = type, .e_machine = machine, .e_version = EV_CURRENT, .e_entry = 0x10078,
        .e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(Elf64_Ehdr),
        .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = nsegs + (interp ? 1 : 0),
    };
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    memcpy(buf, &eh, sizeof(eh));
    Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(eh));
    int k = 0;
    if (interp) {
        ph[k++] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x800,
                                .p_filesz = strlen(interp) + 1, .p_flags = PF_R };
        strcpy((char *)buf + 0x800, interp);
    }
    for (int i = 0; i < nsegs; i++) {
        ph[k++] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_vaddr = segs[i].vaddr,
                                .p_paddr = segs[i].vaddr, .p_offset = segs[i].offset,
                                .p_filesz = segs[i].filesz, .p_memsz = segs[i].memsz,
                                .p_flags = segs[i].flags, .p_align = 0x1000 };
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    CHECK(fd >= 0);
    CHECK_INT(write(fd, buf, file_size), file_size);
    close(fd);
    free(buf);
}

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
    static char path[4][128];
    static int n;
    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/morpho-elf-XXXXXX");
        CHECK(mkdtemp(tmpdir) != NULL);
    }
    char *p = path[n++ % 4];
    snprintf(p, 128, "%s/%s", tmpdir, name);
    return p;
}

static const TestSeg static_segs[] = {
    { 0x10000, 0, 0x1100, 0x1100, PF_R | PF_X },
    { 0x12100, 0x1100, 0x200, 0x3000, PF_R | PF_W },  /* bss after 0x12300 */
};

UNITTEST(static_exec_segments_and_bss)
{
    UserMem m;
    UserImage img;
    const char *path = tmp_path("static");
    write_elf(path, ET_EXEC, ELF_EM_RISCV, static_segs, 2, NULL, 0x1300);
    CHECK(mmap_init(&m, USER_SPACE_SIZE_DEFAULT, &error_abort));
    CHECK(elf_load_program(&m, path, NULL, &img, &error_abort));
    CHECK_U64(img.entry, 0x10078);
    CHECK_U64(img.prog_entry, 0x10078);
    CHECK_U64(img.load_bias, 0);
    CHECK_U64(img.interp_base, 0);
    CHECK_U64(img.phdr, 0x10040);
    CHECK_INT(img.phnum, 2);
    unsigned char *text = mmap_g2h(&m, 0x10000);
    CHECK_INT(text[0x943], 0x43);
    CHECK_INT(mmap_page_prot(&m, 0x10000), PROT_READ | PROT_EXEC);
    unsigned char *data = mmap_g2h(&m, 0x12100);
    CHECK_INT(data[0], (0x1100 & 0xff) | 1);
    CHECK_INT(data[0x1ff], 0xff);
    CHECK_INT(data[0x200], 0);      /* bss in the file's last page */
    CHECK_INT(data[0x2000], 0);     /* bss in anonymous pages */
    CHECK_INT(mmap_page_prot(&m, 0x14000), PROT_READ | PROT_WRITE);
    CHECK_U64(img.start_brk, 0x16000);
    CHECK_U64(mmap_brk(&m, 0), 0x16000);
    elf_image_free(&img);
    mmap_destroy(&m);
}

UNITTEST(pie_with_interpreter_under_prefix)
{
    UserMem m;
    UserImage img;
    TestSeg pie[] = { { 0, 0, 0x1000, 0x1000, PF_R | PF_X },
                      { 0x2000, 0x1000, 0x100, 0x100, PF_R | PF_W } };
    const char *prog = tmp_path("pie");
    write_elf(prog, ET_DYN, ELF_EM_RISCV, pie, 2, "/lib/ld-test.so.1", 0x1100);
    /* The interpreter exists only under the prefix. */
    char libdir[128];
    snprintf(libdir, sizeof(libdir), "%s/lib", tmpdir);
    mkdir(libdir, 0755);
    const char *ld = tmp_path("lib/ld-test.so.1");
    write_elf(ld, ET_DYN, ELF_EM_RISCV, pie, 2, NULL, 0x1100);

    CHECK(mmap_init(&m, USER_SPACE_SIZE_DEFAULT, &error_abort));
    Error *err = NULL;
    CHECK(!elf_load_program(&m, prog, NULL, &img, &err));
    CHECK(err && strstr(error_get_pretty(err), "interpreter of") != NULL);
    CHECK(err && strstr(error_get_pretty(err), "/lib/ld-test.so.1") != NULL);
    error_free(err);
    mmap_destroy(&m);

    CHECK(mmap_init(&m, USER_SPACE_SIZE_DEFAULT, &error_abort));
    CHECK(elf_load_program(&m, prog, tmpdir, &img, &error_abort));
    CHECK_U64(img.load_bias, 0x2aaaaaa000);
    CHECK_U64(img.prog_entry, 0x2aaaaaa000 + 0x10078);
    CHECK_STR(img.interp_path, ld);
    CHECK(img.interp_base != 0 && (img.interp_base & 0xfff) == 0);
    CHECK(img.interp_base != img.load_bias);
    CHECK_U64(img.entry, img.interp_base + 0x10078);
    CHECK_INT(mmap_page_prot(&m, img.interp_base), PROT_READ | PROT_EXEC);
    /* The hole between the two segments is not mapped. */
    CHECK_INT(mmap_page_prot(&m, img.load_bias + 0x1000), -1);
    CHECK_INT(mmap_page_prot(&m, img.load_bias + 0x2000), PROT_READ | PROT_WRITE);
    elf_image_free(&img);
    mmap_destroy(&m);
}

static void check_load_error(const char *path, const char *expect)
{
    UserMem m;
    UserImage img;
    Error *err = NULL;
    CHECK(mmap_init(&m, USER_SPACE_SIZE_DEFAULT, &error_abort));
    CHECK(!elf_load_program(&m, path, NULL, &img, &err));
    if (err && !strstr(error_get_pretty(err), expect)) {
        unittest_fail(__FILE__, __LINE__, "error '%s' lacks '%s'", error_get_pretty(err),
                      expect);
    }
    error_free(err);
    mmap_destroy(&m);
}

UNITTEST(errors_name_the_problem)
{
    check_load_error(tmp_path("missing"), "No such file or directory");
    const char *text = tmp_path("text");
    FILE *f = fopen(text, "w");
    fputs("#!/bin/sh\necho hi\n", f);
    fclose(f);
    check_load_error(text, "is not an ELF executable");
    const char *x86 = tmp_path("x86");
    write_elf(x86, ET_EXEC, EM_X86_64, static_segs, 2, NULL, 0x1300);
    check_load_error(x86, "is not a RISC-V 64 executable (it is for x86-64)");
    const char *cut = tmp_path("cut");
    write_elf(cut, ET_EXEC, ELF_EM_RISCV, static_segs, 2, NULL, 0x1200);
    check_load_error(cut, "is truncated");
    const char *tiny = tmp_path("tiny");
    f = fopen(tiny, "w");
    fwrite(ELFMAG "\2\1\1", 1, 7, f);
    fclose(f);
    check_load_error(tiny, "is truncated");
    const char *rel = tmp_path("rel");
    write_elf(rel, ET_REL, ELF_EM_RISCV, static_segs, 2, NULL, 0x1300);
    check_load_error(rel, "not an executable");
}

UNITTEST(initial_stack_layout)
{
    UserMem m;
    UserImage img;
    const char *path = tmp_path("static2");
    write_elf(path, ET_EXEC, ELF_EM_RISCV, static_segs, 2, NULL, 0x1300);
    CHECK(mmap_init(&m, USER_SPACE_SIZE_DEFAULT, &error_abort));
    CHECK(elf_load_program(&m, path, NULL, &img, &error_abort));
    char *argv[] = { "prog", "one", "two", NULL };
    char *envp[] = { "A=1", "HOME=/root", NULL };
    CHECK(elf_setup_stack(&m, &img, 3, argv, envp, "/bin/prog", &error_abort));

    CHECK_INT(img.stack_pointer & 15, 0);
    char *text = mmap_maps_text(&m);
    CHECK(strstr(text, "3fff800000-4000000000 rw-p 00000000 00:00 0") != NULL);
    CHECK(strstr(text, "[stack]") != NULL);
    free(text);

    uint64_t *sp = mmap_g2h(&m, img.stack_pointer);
    CHECK_U64(sp[0], 3);
    CHECK_STR(mmap_g2h(&m, sp[1]), "prog");
    CHECK_STR(mmap_g2h(&m, sp[2]), "one");
    CHECK_STR(mmap_g2h(&m, sp[3]), "two");
    CHECK_U64(sp[4], 0);
    CHECK_STR(mmap_g2h(&m, sp[5]), "A=1");
    CHECK_STR(mmap_g2h(&m, sp[6]), "HOME=/root");
    CHECK_U64(sp[7], 0);
    /* argv strings sit below envp strings, in order, as Linux copies them. */
    CHECK(sp[1] < sp[2] && sp[3] < sp[5]);
    uint64_t *aux = &sp[8];
    CHECK_U64(img.auxv, img.stack_pointer + 8 * 8);
    uint64_t seen = 0, random_at = 0;
    size_t n = 0;
    for (; aux[2 * n] != AT_NULL_; n++) {
        uint64_t key = aux[2 * n], val = aux[2 * n + 1];
        seen |= 1ull << key;
        switch (key) {
        case AT_PAGESZ_: CHECK_U64(val, 4096); break;
        case AT_PHDR_: CHECK_U64(val, 0x10040); break;
        case AT_PHENT_: CHECK_U64(val, 56); break;
        case AT_PHNUM_: CHECK_U64(val, 2); break;
        case AT_ENTRY_: CHECK_U64(val, 0x10078); break;
        case AT_BASE_: CHECK_U64(val, 0); break;
        case AT_HWCAP_: CHECK_U64(val, 0x112d); break;   /* I M A F D C */
        case AT_UID_: CHECK_U64(val, getuid()); break;
        case AT_EXECFN_: CHECK_STR(mmap_g2h(&m, val), "/bin/prog"); break;
        case AT_PLATFORM_: CHECK_STR(mmap_g2h(&m, val), "riscv64"); break;
        case AT_MINSIGSTKSZ_: CHECK_U64(val, USER_MINSIGSTKSZ); break;
        case AT_RANDOM_: random_at = val; break;
        }
    }
    CHECK_U64(img.auxv_bytes, (n + 1) * 16);
    uint64_t want = (1ull << AT_PHDR_) | (1ull << AT_PHENT_) | (1ull << AT_PHNUM_) |
                    (1ull << AT_PAGESZ_) | (1ull << AT_BASE_) | (1ull << AT_FLAGS_) |
                    (1ull << AT_ENTRY_) | (1ull << AT_UID_) | (1ull << AT_EUID_) |
                    (1ull << AT_GID_) | (1ull << AT_EGID_) | (1ull << AT_SECURE_) |
                    (1ull << AT_RANDOM_) | (1ull << AT_HWCAP_) | (1ull << AT_CLKTCK_) |
                    (1ull << AT_EXECFN_) | (1ull << AT_PLATFORM_) | (1ull << AT_MINSIGSTKSZ_);
    CHECK_U64(seen & want, want);
    /* The 16 random bytes lie above the tables and below the strings. */
    CHECK(random_at > img.auxv + img.auxv_bytes && random_at + 16 <= sp[1]);
    elf_image_free(&img);
    mmap_destroy(&m);
}

/* -s below 32 pages gets 32 pages (QEMU's STACK_LOWER_LIMIT), so that a
 * program run with a tiny -s still starts. */
UNITTEST(tiny_stack_request_gets_the_minimum)
{
    UserMem m;
    UserImage img;
    const char *path = tmp_path("static3");
    write_elf(path, ET_EXEC, ELF_EM_RISCV, static_segs, 2, NULL, 0x1300);
    CHECK(mmap_init(&m, USER_SPACE_SIZE_DEFAULT, &error_abort));
    CHECK(elf_load_program(&m, path, NULL, &img, &error_abort));
    img.stack_bytes = 1;
    char *argv[] = { "prog", NULL };
    char *envp[] = { NULL };
    CHECK(elf_setup_stack(&m, &img, 1, argv, envp, "/bin/prog", &error_abort));
    char *text = mmap_maps_text(&m);
    CHECK(strstr(text, "3ffffe0000-4000000000 rw-p 00000000 00:00 0") != NULL);
    free(text);
    elf_image_free(&img);
    mmap_destroy(&m);
}
