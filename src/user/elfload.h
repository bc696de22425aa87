/*
 * Loading a riscv64 Linux program into the guest address space, as the
 * kernel's fs/binfmt_elf.c does: the program's PT_LOAD segments (ET_EXEC at
 * their addresses, ET_DYN/PIE at ELF_ET_DYN_BASE), its PT_INTERP dynamic
 * linker (looked up under the -L prefix first, placed by mmap), the break
 * just after the program's data, and the initial stack that _start reads:
 *
 *   sp -> argc, argv[0..argc-1], NULL, envp[..], NULL, auxv pairs, AT_NULL,
 *         then (higher) 16 random bytes, "riscv64", the argument and
 *         environment strings and, at the very top, the program's path.
 *
 * sp is 16-byte aligned (RISC-V psABI).  Errors are user errors: a missing
 * file, a file that is not ELF, an ELF for another machine, a truncated
 * file; each message names the file.
 */
#ifndef USER_ELFLOAD_H
#define USER_ELFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "user/mmap.h"

#define ELF_EM_RISCV 243

/* linux/auxvec.h and asm-generic; the values riscv64 Linux uses. */
#define AT_NULL_ 0
#define AT_PHDR_ 3
#define AT_PHENT_ 4
#define AT_PHNUM_ 5
#define AT_PAGESZ_ 6
#define AT_BASE_ 7
#define AT_FLAGS_ 8
#define AT_ENTRY_ 9
#define AT_UID_ 11
#define AT_EUID_ 12
#define AT_GID_ 13
#define AT_EGID_ 14
#define AT_PLATFORM_ 15
#define AT_HWCAP_ 16
#define AT_CLKTCK_ 17
#define AT_SECURE_ 23
#define AT_RANDOM_ 25
#define AT_EXECFN_ 31
#define AT_MINSIGSTKSZ_ 51

/* AT_HWCAP for RISC-V: bit (letter - 'a') per single-letter extension. */
#define RISCV_HWCAP_LETTER(c) (1ull << ((c) - 'a'))
#define RISCV_HWCAP_IMAFDC                                                      \
    (RISCV_HWCAP_LETTER('i') | RISCV_HWCAP_LETTER('m') | RISCV_HWCAP_LETTER('a') | \
     RISCV_HWCAP_LETTER('f') | RISCV_HWCAP_LETTER('d') | RISCV_HWCAP_LETTER('c'))

/* riscv64's rt_sigframe without the V extension: siginfo (128) + ucontext
 * (960), as Linux's get_rt_frame_size() reports it in AT_MINSIGSTKSZ. */
#define USER_MINSIGSTKSZ 1088

/* Linux's default stack rlimit and our initial stack mapping. */
#define USER_STACK_SIZE (8ull << 20)
/* The smallest stack -s gets: the 32 pages of argument space old Linux
 * kernels (MAX_ARG_PAGES) and QEMU's linux-user guarantee; smaller requests
 * are raised to it, as QEMU does. */
#define USER_STACK_MIN (32ull * 4096)

typedef struct UserImage {
    char *path;                 /* the program file (for /proc/self/exe) */
    char *interp_path;          /* host path of the dynamic linker, or NULL */
    GuestVaddr entry;           /* first instruction: the interpreter's if any */
    GuestVaddr prog_entry;      /* AT_ENTRY: the program's own entry */
    GuestVaddr load_bias;       /* 0 for ET_EXEC */
    GuestVaddr interp_base;     /* AT_BASE: 0 when static */
    GuestVaddr phdr;            /* AT_PHDR */
    unsigned phent, phnum;
    GuestVaddr start_brk;
    uint64_t stack_bytes;       /* the stack mapping's size; 0: USER_STACK_SIZE */
    GuestVaddr stack_top, stack_pointer;
    GuestVaddr auxv;            /* where the auxv sits on the stack */
    size_t auxv_bytes;          /* including AT_NULL (for /proc/self/auxv) */
    uint64_t hwcap;
} UserImage;

/* Check that path is a riscv64 ELF executable; fd gets an open fd to it
 * (the caller closes it). */
bool elf_check_file(const char *path, int *fd, Error **errp);

/* Load path (and its interpreter, looked up under ld_prefix when that is
 * non-NULL) into m.  Fills img; sets m's break. */
bool elf_load_program(UserMem *m, const char *path, const char *ld_prefix, UserImage *img,
                      Error **errp);

/* Map the stack at the top of m and write argc/argv/envp/auxv onto it;
 * execfn is AT_EXECFN's string (usually argv[0]'s path). */
bool elf_setup_stack(UserMem *m, UserImage *img, int argc, char *const *argv, char *const *envp,
                     const char *execfn, Error **errp);

void elf_image_free(UserImage *img);

#endif
