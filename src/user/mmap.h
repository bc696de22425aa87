/*
 * The guest's address space in user mode: one host reservation and the
 * table of guest mappings (VMAs) that lives in it.
 *
 * Guest virtual address A is host address guest_base + A.  At start-up we
 * reserve [guest_base, guest_base + size) with PROT_NONE | MAP_NORESERVE,
 * which costs no memory; mappings the guest asks for replace parts of it
 * with MAP_FIXED, and unmapping puts PROT_NONE reservation back, so the
 * host's RSS follows what the guest maps and never more.  Host memory of
 * unmapped guest pages is PROT_NONE: a host syscall handed such a pointer
 * fails with EFAULT on its own, and a guest access faults into the host's
 * SIGSEGV handler, which maps the host address back (mmap_host_to_guest).
 *
 * Invariants: VMAs are page-aligned (4 KiB guest pages, equal to x86-64's),
 * sorted, non-overlapping, and adjacent compatible ones are merged (as
 * Linux does, so /proc/self/maps reads the same).  Every VMA is backed by a
 * host mapping with host_prot(prot); everything else in the reservation is
 * PROT_NONE.  Functions return guest addresses or 0 on success and
 * -errno (Linux values) on failure, as the syscalls they implement.
 *
 * Threads: all functions take the map's lock; any guest thread may call.
 */
#ifndef USER_MMAP_H
#define USER_MMAP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "util/addr.h"

#define GUEST_PAGE_SIZE_USER 4096u
#define USER_PAGE_MASK ((GuestVaddr)GUEST_PAGE_SIZE_USER - 1)
#define USER_PAGE_ALIGN(x) (((x) + USER_PAGE_MASK) & ~USER_PAGE_MASK)

/* Sv39's user half (256 GiB): what a riscv64 Linux process gets on most
 * hardware, and the size of our reservation. */
#define USER_SPACE_SIZE_DEFAULT (1ull << 38)
/* The smallest space -R may ask for: the stack, a program and its heap,
 * and the mmap area below the stack gap (elf_setup_stack). */
#define USER_SPACE_SIZE_MIN (256ull << 20)
/* Reserved PROT_NONE after the guest space and never mapped: a syscall
 * handed a pointer just below the top that overruns by a struct or a path
 * faults here instead of reaching host memory. */
#define USER_SPACE_GUARD (64ull << 20)
/* Linux's default vm.mmap_min_addr. */
#define USER_MMAP_MIN_ADDR 0x10000ull

/* What a VMA is, for /proc/self/maps names. */
typedef enum UserVmaKind {
    USER_VMA_PLAIN,
    USER_VMA_HEAP,      /* [heap]: brk */
    USER_VMA_STACK,     /* [stack]: the initial thread's stack */
} UserVmaKind;

typedef struct UserVma {
    GuestVaddr start, end;      /* [start, end), page-aligned */
    int prot;                   /* PROT_* as the guest asked */
    int flags;                  /* MAP_SHARED/MAP_PRIVATE/MAP_ANONYMOUS... */
    UserVmaKind kind;
    uint64_t offset;            /* file offset of start */
    uint64_t dev, ino;          /* file identity, 0 for anonymous */
    char *path;                 /* file path, NULL for anonymous (owned) */
} UserVma;

/* Called (lock held) when guest pages that were executable are unmapped,
 * replaced or change protection: translated code from [start, end) is
 * stale. */
typedef void (*UserInvalidateFn)(GuestVaddr start, GuestVaddr end, void *opaque);

typedef struct UserMem {
    uintptr_t guest_base;       /* host address of guest 0 */
    uint64_t size;              /* guest addresses are < size */
    GuestVaddr mmap_base;       /* top-down search for free space starts here */
    GuestVaddr brk_start;       /* first byte after the program's data */
    GuestVaddr brk_cur;         /* the current break (not page-aligned) */
    UserVma *vmas;
    size_t nvmas, cap;
    UserInvalidateFn invalidate;
    void *invalidate_opaque;
    _Atomic uint64_t generation;    /* bumped by every change to the table */
    pthread_mutex_t lock;
} UserMem;

/* Reserve size bytes of guest space (a multiple of the page size). */
bool mmap_init(UserMem *m, uint64_t size, Error **errp);
/* Unmap everything and release the reservation. */
void mmap_destroy(UserMem *m);
void mmap_set_invalidate(UserMem *m, UserInvalidateFn fn, void *opaque);

static inline void *mmap_g2h(const UserMem *m, GuestVaddr addr)
{
    return (void *)(m->guest_base + (uintptr_t)addr);
}

/* Host pointer back to a guest address; false when outside the space. */
bool mmap_host_to_guest(const UserMem *m, uintptr_t host, GuestVaddr *addr);
/* Does host lie in the reservation or the guard above it? */
bool mmap_host_in_reservation(const UserMem *m, uintptr_t host);

/* mmap(2) with riscv64's (asm-generic) flag values: returns the guest
 * address or -errno.  fd is a host fd (ignored with MAP_ANONYMOUS). */
int64_t mmap_map(UserMem *m, GuestVaddr addr, uint64_t len, int prot, int flags, int fd,
                 uint64_t offset);
int64_t mmap_unmap(UserMem *m, GuestVaddr addr, uint64_t len);
int64_t mmap_protect(UserMem *m, GuestVaddr addr, uint64_t len, int prot);
int64_t mmap_remap(UserMem *m, GuestVaddr old_addr, uint64_t old_len, uint64_t new_len,
                   int flags, GuestVaddr new_addr);
/* Set the break where the program's data ends (the ELF loader). */
void mmap_brk_init(UserMem *m, GuestVaddr brk);
/* brk(2): returns the new break, or the old one when it cannot move. */
GuestVaddr mmap_brk(UserMem *m, GuestVaddr new_brk);
/* Name a VMA for /proc/self/maps (e.g. the initial stack). */
void mmap_set_kind(UserMem *m, GuestVaddr addr, UserVmaKind kind);

/* Is [addr, addr+len) mapped with at least prot (PROT_READ / PROT_WRITE /
 * PROT_EXEC)?  len 0 is always true. */
bool mmap_access_ok(UserMem *m, GuestVaddr addr, uint64_t len, int prot);
/* The prot of the page holding addr, or -1 when unmapped. */
int mmap_page_prot(UserMem *m, GuestVaddr addr);
/* Copy the 8 bytes at addr (8-aligned) into *val when they are mapped
 * readable and not writable; the lock keeps the mapping there meanwhile. */
bool mmap_read_readonly_u64(UserMem *m, GuestVaddr addr, uint64_t *val);
/* Is addr in an executable mapping?  Then [*lo, *hi) is that mapping, for
 * callers that cache the answer until m->generation changes. */
bool mmap_exec_range(UserMem *m, GuestVaddr addr, GuestVaddr *lo, GuestVaddr *hi);

/* The guest's /proc/self/maps text (malloc'd, NUL-terminated). */
char *mmap_maps_text(UserMem *m);

#endif
