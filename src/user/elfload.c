/*
 * The riscv64 ELF loader and initial stack (see elfload.h), following
 * Linux's fs/binfmt_elf.c: load_elf_binary (segments, bias, brk),
 * load_elf_interp (the dynamic linker at an mmap-chosen base) and
 * create_elf_tables (argc/argv/envp/auxv).  Segments are file mappings
 * whenever the file offset and address agree modulo the page size, so
 * program text is shared with the page cache as on a real kernel; the
 * partial page after p_filesz is zeroed and the rest of p_memsz is
 * anonymous memory.
 */
#include "user/elfload.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Linux riscv64: ELF_ET_DYN_BASE = (DEFAULT_MAP_WINDOW / 3) * 2, page-aligned. */
#define ELF_ET_DYN_BASE(space) (((space) / 3 * 2) & ~USER_PAGE_MASK)
#define ELF_MAX_PHNUM 512

typedef struct ElfFile {
    const char *path;
    int fd;
    off_t size;
    Elf64_Ehdr eh;
    Elf64_Phdr *ph;
} ElfFile;

static const char *elf_machine_name(unsigned machine)
{
    switch (machine) {
    case EM_386: return "i386";
    case EM_X86_64: return "x86-64";
    case EM_ARM: return "ARM";
    case EM_AARCH64: return "AArch64";
    case EM_PPC64: return "PowerPC 64";
    case EM_S390: return "s390";
    case EM_MIPS: return "MIPS";
    case ELF_EM_RISCV: return "RISC-V";
    default: return NULL;
    }
}

static bool pread_full(int fd, void *buf, size_t len, off_t off)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, off + done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        done += n;
    }
    return true;
}

/* Open path and check its header and program headers. */
static bool elf_open(ElfFile *f, const char *path, Error **errp)
{
    struct stat st;

    memset(f, 0, sizeof(*f));
    f->path = path;
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0) {
        error_setg_errno(errp, errno, "could not open '%s'", path);
        return false;
    }
    if (fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        error_setg(errp, "'%s' is not a regular file", path);
        goto fail;
    }
    f->size = st.st_size;
    if (f->size < SELFMAG || !pread_full(f->fd, &f->eh, SELFMAG, 0) ||
        memcmp(f->eh.e_ident, ELFMAG, SELFMAG) != 0) {
        error_setg(errp, "'%s' is not an ELF executable", path);
        goto fail;
    }
    if (f->size < (off_t)sizeof(f->eh) || !pread_full(f->fd, &f->eh, sizeof(f->eh), 0)) {
        error_setg(errp, "'%s' is truncated (no complete ELF header)", path);
        goto fail;
    }
    const Elf64_Ehdr *eh = &f->eh;
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_machine != ELF_EM_RISCV) {
        /* e_machine sits at the same offset in 32- and 64-bit headers. */
        const char *what = elf_machine_name(eh->e_machine);
        if (what && eh->e_machine != ELF_EM_RISCV) {
            error_setg(errp, "'%s' is not a RISC-V 64 executable (it is for %s)", path, what);
        } else {
            error_setg(errp, "'%s' is not a RISC-V 64 executable", path);
        }
        goto fail;
    }
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
        error_setg(errp, "'%s' is not an executable (ELF type %u)", path, eh->e_type);
        goto fail;
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
        eh->e_phnum > ELF_MAX_PHNUM) {
        error_setg(errp, "'%s' has bad program headers", path);
        goto fail;
    }
    size_t ph_bytes = (size_t)eh->e_phnum * sizeof(Elf64_Phdr);
    if (eh->e_phoff > (uint64_t)f->size || ph_bytes > (uint64_t)f->size - eh->e_phoff) {
        error_setg(errp, "'%s' is truncated (program headers past the end)", path);
        goto fail;
    }
    f->ph = malloc(ph_bytes);
    if (!f->ph || !pread_full(f->fd, f->ph, ph_bytes, eh->e_phoff)) {
        error_setg(errp, "'%s': cannot read program headers", path);
        goto fail;
    }
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *p = &f->ph[i];
        if (p->p_type != PT_LOAD && p->p_type != PT_INTERP) {
            continue;
        }
        if (p->p_offset > (uint64_t)f->size || p->p_filesz > (uint64_t)f->size - p->p_offset) {
            error_setg(errp, "'%s' is truncated (segment %u past the end)", path, i);
            goto fail;
        }
        if (p->p_type == PT_LOAD && p->p_filesz > p->p_memsz) {
            error_setg(errp, "'%s' has a segment larger on file than in memory", path);
            goto fail;
        }
    }
    return true;

fail:
    free(f->ph);
    f->ph = NULL;
    close(f->fd);
    f->fd = -1;
    return false;
}

static void elf_close(ElfFile *f)
{
    free(f->ph);
    f->ph = NULL;
    if (f->fd >= 0) {
        close(f->fd);
        f->fd = -1;
    }
}

bool elf_check_file(const char *path, int *fd, Error **errp)
{
    ElfFile f;
    if (!elf_open(&f, path, errp)) {
        return false;
    }
    *fd = f.fd;
    free(f.ph);
    return true;
}

static int elf_prot(uint32_t p_flags)
{
    return (p_flags & PF_R ? PROT_READ : 0) | (p_flags & PF_W ? PROT_WRITE : 0) |
           (p_flags & PF_X ? PROT_EXEC : 0);
}

/* Map one PT_LOAD segment at bias. */
static bool elf_map_segment(UserMem *m, const ElfFile *f, const Elf64_Phdr *p, GuestVaddr bias,
                            Error **errp)
{
    GuestVaddr vaddr = bias + p->p_vaddr;
    GuestVaddr start = vaddr & ~USER_PAGE_MASK;
    GuestVaddr file_end = vaddr + p->p_filesz;
    GuestVaddr mem_end = USER_PAGE_ALIGN(vaddr + p->p_memsz);
    int prot = elf_prot(p->p_flags);
    int64_t r;

    if (p->p_filesz) {
        GuestVaddr map_end = USER_PAGE_ALIGN(file_end);
        bool needs_zero = p->p_memsz > p->p_filesz && (file_end & USER_PAGE_MASK);
        if (((p->p_vaddr ^ p->p_offset) & USER_PAGE_MASK) == 0) {
            r = mmap_map(m, start, map_end - start, prot | (needs_zero ? PROT_WRITE : 0),
                         MAP_PRIVATE | MAP_FIXED, f->fd, p->p_offset - (vaddr - start));
        } else {
            /* Misaligned in the file: copy it into anonymous memory. */
            r = mmap_map(m, start, map_end - start, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            if (r >= 0 && !pread_full(f->fd, mmap_g2h(m, vaddr), p->p_filesz, p->p_offset)) {
                r = -EIO;
            }
            needs_zero = true;
        }
        if (r < 0) {
            error_setg_errno(errp, (int)-r, "'%s': cannot map a segment at 0x%llx", f->path,
                             (unsigned long long)start);
            return false;
        }
        if (needs_zero) {
            memset(mmap_g2h(m, file_end), 0, map_end - file_end);
            mmap_protect(m, start, map_end - start, prot);
        }
        start = map_end;
    }
    if (mem_end > start) {
        r = mmap_map(m, start, mem_end - start, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                     -1, 0);
        if (r < 0) {
            error_setg_errno(errp, (int)-r, "'%s': cannot map bss at 0x%llx", f->path,
                             (unsigned long long)start);
            return false;
        }
    }
    return true;
}

/* Load all PT_LOAD segments; *bias is chosen for ET_DYN (at base when
 * base is non-zero, else wherever mmap finds room).  *end gets the highest
 * address in memory. */
static bool elf_map_image(UserMem *m, const ElfFile *f, GuestVaddr base, GuestVaddr *bias,
                          GuestVaddr *end, Error **errp)
{
    GuestVaddr lo = UINT64_MAX, hi = 0;
    uint64_t align = GUEST_PAGE_SIZE_USER;

    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        const Elf64_Phdr *p = &f->ph[i];
        if (p->p_type != PT_LOAD) {
            continue;
        }
        if (p->p_vaddr + p->p_memsz < p->p_vaddr) {
            error_setg(errp, "'%s' has a segment that wraps around", f->path);
            return false;
        }
        lo = p->p_vaddr < lo ? p->p_vaddr : lo;
        hi = p->p_vaddr + p->p_memsz > hi ? p->p_vaddr + p->p_memsz : hi;
        if (p->p_align > align && !(p->p_align & (p->p_align - 1)) && p->p_align <= (1u << 21)) {
            align = p->p_align;
        }
    }
    if (hi == 0) {
        error_setg(errp, "'%s' has nothing to load", f->path);
        return false;
    }
    lo &= ~USER_PAGE_MASK;
    hi = USER_PAGE_ALIGN(hi);
    if (hi > m->size) {
        error_setg(errp, "'%s' does not fit the guest address space", f->path);
        return false;
    }

    GuestVaddr b = 0;
    if (f->eh.e_type == ET_DYN) {
        /* Reserve the whole span (plus alignment slack) so that segments
         * land together, then map each one over the reservation. */
        uint64_t span = hi - lo + align;
        int64_t r = mmap_map(m, base, span, PROT_NONE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
                             (base ? MAP_FIXED_NOREPLACE : 0), -1, 0);
        if (r < 0) {
            error_setg_errno(errp, (int)-r, "'%s': no room to load it", f->path);
            return false;
        }
        GuestVaddr aligned = ((GuestVaddr)r + align - 1) & ~(align - 1);
        b = aligned - lo;
        if (aligned > (GuestVaddr)r) {
            mmap_unmap(m, r, aligned - r);
        }
        if ((GuestVaddr)r + span > aligned + (hi - lo)) {
            mmap_unmap(m, aligned + (hi - lo), r + span - (aligned + (hi - lo)));
        }
    } else if (lo < USER_MMAP_MIN_ADDR) {
        error_setg(errp, "'%s' wants to load at 0x%llx, below the lowest mappable address",
                   f->path, (unsigned long long)lo);
        return false;
    }
    for (unsigned i = 0; i < f->eh.e_phnum; i++) {
        if (f->ph[i].p_type == PT_LOAD && !elf_map_segment(m, f, &f->ph[i], b, errp)) {
            return false;
        }
    }
    if (f->eh.e_type == ET_DYN) {
        /* Holes between segments stay unmapped, as in Linux. */
        GuestVaddr prev = lo + b;
        for (unsigned i = 0; i < f->eh.e_phnum; i++) {
            const Elf64_Phdr *p = &f->ph[i];
            if (p->p_type != PT_LOAD) {
                continue;
            }
            GuestVaddr s = (p->p_vaddr + b) & ~USER_PAGE_MASK;
            if (s > prev && mmap_page_prot(m, prev) == PROT_NONE) {
                mmap_unmap(m, prev, s - prev);
            }
            prev = USER_PAGE_ALIGN(p->p_vaddr + b + p->p_memsz);
        }
    }
    *bias = b;
    *end = hi + b;
    return true;
}

/* The interpreter's host path: under the prefix when it exists there. */
static char *elf_interp_host_path(const char *interp, const char *ld_prefix)
{
    if (ld_prefix && *ld_prefix && interp[0] == '/') {
        size_t n = strlen(ld_prefix) + strlen(interp) + 1;
        char *p = malloc(n);
        snprintf(p, n, "%s%s", ld_prefix, interp);
        if (access(p, F_OK) == 0) {
            return p;
        }
        free(p);
    }
    return strdup(interp);
}

bool elf_load_program(UserMem *m, const char *path, const char *ld_prefix, UserImage *img,
                      Error **errp)
{
    ElfFile f, fi;
    char *interp = NULL;
    GuestVaddr bias, end;
    bool ok = false;

    memset(img, 0, sizeof(*img));
    if (!elf_open(&f, path, errp)) {
        return false;
    }
    fi.fd = -1;
    fi.ph = NULL;
    for (unsigned i = 0; i < f.eh.e_phnum; i++) {
        const Elf64_Phdr *p = &f.ph[i];
        if (p->p_type != PT_INTERP) {
            continue;
        }
        if (p->p_filesz < 2 || p->p_filesz > 4096) {
            error_setg(errp, "'%s' has a bad PT_INTERP", path);
            goto out;
        }
        interp = calloc(1, p->p_filesz + 1);
        if (!pread_full(f.fd, interp, p->p_filesz, p->p_offset) ||
            interp[p->p_filesz - 1] != '\0') {
            error_setg(errp, "'%s' has a bad PT_INTERP", path);
            goto out;
        }
        break;
    }

    if (!elf_map_image(m, &f, f.eh.e_type == ET_DYN ? ELF_ET_DYN_BASE(m->size) : 0, &bias, &end,
                       errp)) {
        goto out;
    }
    img->path = realpath(path, NULL);
    if (!img->path) {
        img->path = strdup(path);
    }
    img->load_bias = bias;
    img->prog_entry = f.eh.e_entry + bias;
    img->entry = img->prog_entry;
    img->phent = f.eh.e_phentsize;
    img->phnum = f.eh.e_phnum;
    /* AT_PHDR: where the program headers are in memory. */
    for (unsigned i = 0; i < f.eh.e_phnum; i++) {
        const Elf64_Phdr *p = &f.ph[i];
        if (p->p_type == PT_PHDR) {
            img->phdr = p->p_vaddr + bias;
            break;
        }
        if (p->p_type == PT_LOAD && p->p_offset <= f.eh.e_phoff &&
            f.eh.e_phoff < p->p_offset + p->p_filesz) {
            img->phdr = f.eh.e_phoff - p->p_offset + p->p_vaddr + bias;
        }
    }
    img->start_brk = USER_PAGE_ALIGN(end);
    mmap_brk_init(m, img->start_brk);
    img->hwcap = RISCV_HWCAP_IMAFDC;

    if (interp) {
        img->interp_path = elf_interp_host_path(interp, ld_prefix);
        Error *err = NULL;
        if (!elf_open(&fi, img->interp_path, &err)) {
            error_propagate(errp, err);
            error_prepend(errp, "interpreter of '%s': ", path);
            goto out;
        }
        if (fi.eh.e_type != ET_DYN && fi.eh.e_type != ET_EXEC) {
            error_setg(errp, "'%s': the interpreter is not loadable", img->interp_path);
            goto out;
        }
        GuestVaddr ibias, iend;
        if (!elf_map_image(m, &fi, 0, &ibias, &iend, errp)) {
            goto out;
        }
        img->interp_base = ibias;
        img->entry = fi.eh.e_entry + ibias;
    }
    ok = true;
out:
    free(interp);
    elf_close(&f);
    elf_close(&fi);
    if (!ok) {
        elf_image_free(img);
    }
    return ok;
}

/* ---- the initial stack (create_elf_tables) ---- */

typedef struct StackWriter {
    UserMem *m;
    GuestVaddr sp;
    GuestVaddr floor;
} StackWriter;

static GuestVaddr stack_push_bytes(StackWriter *w, const void *data, size_t len)
{
    if (w->sp - w->floor < len) {
        return 0;
    }
    w->sp -= len;
    memcpy(mmap_g2h(w->m, w->sp), data, len);
    return w->sp;
}

static GuestVaddr stack_push_string(StackWriter *w, const char *s)
{
    return stack_push_bytes(w, s, strlen(s) + 1);
}

bool elf_setup_stack(UserMem *m, UserImage *img, int argc, char *const *argv, char *const *envp,
                     const char *execfn, Error **errp)
{
    uint64_t stack_bytes = USER_PAGE_ALIGN(img->stack_bytes ? img->stack_bytes : USER_STACK_SIZE);
    if (stack_bytes < USER_STACK_MIN) {
        stack_bytes = USER_STACK_MIN;
    }
    GuestVaddr top = m->size;
    if (stack_bytes > (1ull << 32) || stack_bytes > m->size / 4) {
        error_setg(errp, "stack size %llu is too large for the %llu MiB address space",
                   (unsigned long long)stack_bytes, (unsigned long long)(m->size >> 20));
        return false;
    }
    GuestVaddr bottom = top - stack_bytes;
    int64_t r = mmap_map(m, bottom, stack_bytes, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_GROWSDOWN, -1, 0);
    if (r < 0) {
        error_setg_errno(errp, (int)-r, "cannot map the guest stack");
        return false;
    }
    mmap_set_kind(m, bottom, USER_VMA_STACK);
    /* Linux's mmap_base sits a stack-rlimit gap (at least 128 MiB) below
     * the stack top; keep mmap below it. */
    uint64_t gap = bottom / 8 < (128ull << 20) ? bottom / 8 : (128ull << 20);
    if (m->mmap_base > bottom - gap) {
        m->mmap_base = (bottom - gap) & ~USER_PAGE_MASK;
    }
    img->stack_top = top;

    int envc = 0;
    while (envp && envp[envc]) {
        envc++;
    }
    StackWriter w = { .m = m, .sp = top - sizeof(uint64_t), .floor = bottom };
    GuestVaddr *argv_g = calloc(argc + 1, sizeof(GuestVaddr));
    GuestVaddr *envp_g = calloc(envc + 1, sizeof(GuestVaddr));
    bool ok = false;

    /* Strings: the path at the top, then environment, then arguments, as
     * Linux copies them (so argv[0]'s string is the lowest). */
    GuestVaddr execfn_g = stack_push_string(&w, execfn);
    for (int i = envc - 1; i >= 0; i--) {
        envp_g[i] = stack_push_string(&w, envp[i]);
        if (!envp_g[i]) {
            goto full;
        }
    }
    for (int i = argc - 1; i >= 0; i--) {
        argv_g[i] = stack_push_string(&w, argv[i]);
        if (!argv_g[i]) {
            goto full;
        }
    }
    GuestVaddr platform_g = stack_push_string(&w, "riscv64");
    uint8_t random[16];
    if (getrandom(random, sizeof(random), 0) != sizeof(random)) {
        for (size_t i = 0; i < sizeof(random); i++) {
            random[i] = (uint8_t)rand();
        }
    }
    GuestVaddr random_g = stack_push_bytes(&w, random, sizeof(random));
    if (!execfn_g || !platform_g || !random_g) {
        goto full;
    }

    uint64_t auxv[][2] = {
        { AT_HWCAP_, img->hwcap },
        { AT_PAGESZ_, GUEST_PAGE_SIZE_USER },
        { AT_CLKTCK_, (uint64_t)sysconf(_SC_CLK_TCK) },
        { AT_PHDR_, img->phdr },
        { AT_PHENT_, img->phent },
        { AT_PHNUM_, img->phnum },
        { AT_BASE_, img->interp_base },
        { AT_FLAGS_, 0 },
        { AT_ENTRY_, img->prog_entry },
        { AT_UID_, getuid() },
        { AT_EUID_, geteuid() },
        { AT_GID_, getgid() },
        { AT_EGID_, getegid() },
        { AT_SECURE_, 0 },
        { AT_RANDOM_, random_g },
        { AT_EXECFN_, execfn_g },
        { AT_PLATFORM_, platform_g },
        { AT_MINSIGSTKSZ_, USER_MINSIGSTKSZ },
        { AT_NULL_, 0 },
    };
    size_t nwords = 1 + (argc + 1) + (envc + 1) + 2 * (sizeof(auxv) / sizeof(auxv[0]));
    GuestVaddr sp = (w.sp - nwords * 8) & ~(GuestVaddr)15;
    if (sp < bottom) {
        goto full;
    }
    uint64_t *out = mmap_g2h(m, sp);
    size_t k = 0;
    out[k++] = argc;
    for (int i = 0; i < argc; i++) {
        out[k++] = argv_g[i];
    }
    out[k++] = 0;
    for (int i = 0; i < envc; i++) {
        out[k++] = envp_g[i];
    }
    out[k++] = 0;
    img->auxv = sp + k * 8;
    img->auxv_bytes = sizeof(auxv);
    memcpy(&out[k], auxv, sizeof(auxv));
    img->stack_pointer = sp;
    ok = true;
    goto out;
full:
    error_setg(errp, "arguments and environment do not fit the %llu KiB stack",
               (unsigned long long)(stack_bytes >> 10));
out:
    free(argv_g);
    free(envp_g);
    return ok;
}

void elf_image_free(UserImage *img)
{
    free(img->path);
    free(img->interp_path);
    img->path = img->interp_path = NULL;
}
