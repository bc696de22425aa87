/*
 * The guest's address space in user mode (see mmap.h): the host
 * reservation, the sorted VMA table, and mmap/munmap/mprotect/mremap/brk
 * on top of them.  Each operation first checks its arguments as Linux's
 * mm/mmap.c does (same errno for the same mistake), then changes the host
 * mappings, then the table; the table is normalised (adjacent compatible
 * VMAs merged) after every change.
 */
#include "user/mmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define MAP_TYPE_MASK 0x0f

bool mmap_init(UserMem *m, uint64_t size, Error **errp)
{
    memset(m, 0, sizeof(*m));
    void *p = mmap(NULL, size + USER_SPACE_GUARD, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot reserve %llu GiB of guest address space",
                         (unsigned long long)(size >> 30));
        return false;
    }
    m->guest_base = (uintptr_t)p;
    m->size = size;
    /* Below the initial stack's area, as Linux puts mmap_base under the
     * stack gap; the loader may lower it.  A small space (-R) keeps a
     * quarter for the stack area. */
    m->mmap_base = size - (size >= (4ull << 30) ? (1ull << 30) : size / 4);
    pthread_mutex_init(&m->lock, NULL);
    return true;
}

void mmap_destroy(UserMem *m)
{
    for (size_t i = 0; i < m->nvmas; i++) {
        free(m->vmas[i].path);
    }
    free(m->vmas);
    munmap((void *)m->guest_base, m->size + USER_SPACE_GUARD);
    pthread_mutex_destroy(&m->lock);
    memset(m, 0, sizeof(*m));
}

void mmap_set_invalidate(UserMem *m, UserInvalidateFn fn, void *opaque)
{
    m->invalidate = fn;
    m->invalidate_opaque = opaque;
}

bool mmap_host_to_guest(const UserMem *m, uintptr_t host, GuestVaddr *addr)
{
    if (host < m->guest_base || host - m->guest_base >= m->size) {
        return false;
    }
    *addr = host - m->guest_base;
    return true;
}

bool mmap_host_in_reservation(const UserMem *m, uintptr_t host)
{
    return host >= m->guest_base && host - m->guest_base < m->size + USER_SPACE_GUARD;
}

/* The translator reads code from executable pages, so those are readable on
 * the host even when the guest asked for PROT_EXEC alone. */
static int host_prot(int prot)
{
    int p = prot & (PROT_READ | PROT_WRITE);
    if (prot & PROT_EXEC) {
        p |= PROT_READ;
    }
    return p;
}

/* Give [start, end) back to the reservation. */
static bool reserve_range(UserMem *m, GuestVaddr start, GuestVaddr end)
{
    void *p = mmap(mmap_g2h(m, start), end - start, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    return p != MAP_FAILED;
}

/* ---- the VMA table (lock held) ---- */

static void vma_insert_at(UserMem *m, size_t i, const UserVma *v)
{
    if (m->nvmas == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->vmas = realloc(m->vmas, m->cap * sizeof(*m->vmas));
        if (!m->vmas) {
            abort();
        }
    }
    memmove(&m->vmas[i + 1], &m->vmas[i], (m->nvmas - i) * sizeof(*m->vmas));
    m->vmas[i] = *v;
    m->nvmas++;
}

static void vma_remove_at(UserMem *m, size_t i)
{
    free(m->vmas[i].path);
    memmove(&m->vmas[i], &m->vmas[i + 1], (m->nvmas - i - 1) * sizeof(*m->vmas));
    m->nvmas--;
}

/* Index of the first VMA with end > addr (m->nvmas if none). */
static size_t vma_lookup(const UserMem *m, GuestVaddr addr)
{
    size_t lo = 0, hi = m->nvmas;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->vmas[mid].end <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Split so that no VMA straddles addr. */
static void vma_split(UserMem *m, GuestVaddr addr)
{
    size_t i = vma_lookup(m, addr);
    if (i == m->nvmas || m->vmas[i].start >= addr) {
        return;
    }
    UserVma tail = m->vmas[i];
    tail.start = addr;
    if (tail.ino || tail.path) {
        tail.offset += addr - m->vmas[i].start;
    }
    tail.path = m->vmas[i].path ? strdup(m->vmas[i].path) : NULL;
    m->vmas[i].end = addr;
    vma_insert_at(m, i + 1, &tail);
}

static bool vma_can_merge(const UserVma *a, const UserVma *b)
{
    if (a->end != b->start || a->prot != b->prot || a->flags != b->flags || a->kind != b->kind ||
        a->dev != b->dev || a->ino != b->ino) {
        return false;
    }
    if ((a->path == NULL) != (b->path == NULL) || (a->path && strcmp(a->path, b->path) != 0)) {
        return false;
    }
    return !a->ino || a->offset + (a->end - a->start) == b->offset;
}

static void vma_normalise(UserMem *m)
{
    atomic_fetch_add(&m->generation, 1);
    for (size_t i = 0; i + 1 < m->nvmas;) {
        if (vma_can_merge(&m->vmas[i], &m->vmas[i + 1])) {
            m->vmas[i].end = m->vmas[i + 1].end;
            vma_remove_at(m, i + 1);
        } else {
            i++;
        }
    }
}

static bool range_is_free(const UserMem *m, GuestVaddr start, GuestVaddr end)
{
    size_t i = vma_lookup(m, start);
    return i == m->nvmas || m->vmas[i].start >= end;
}

/* Every page of [start, end) mapped? */
static bool range_is_mapped(const UserMem *m, GuestVaddr start, GuestVaddr end)
{
    for (size_t i = vma_lookup(m, start); start < end; i++) {
        if (i == m->nvmas || m->vmas[i].start > start) {
            return false;
        }
        start = m->vmas[i].end;
    }
    return true;
}

static void invalidate_exec(UserMem *m, GuestVaddr start, GuestVaddr end)
{
    if (!m->invalidate) {
        return;
    }
    for (size_t i = vma_lookup(m, start); i < m->nvmas && m->vmas[i].start < end; i++) {
        if (m->vmas[i].prot & PROT_EXEC) {
            GuestVaddr s = m->vmas[i].start > start ? m->vmas[i].start : start;
            GuestVaddr e = m->vmas[i].end < end ? m->vmas[i].end : end;
            m->invalidate(s, e, m->invalidate_opaque);
        }
    }
}

/* Drop [start, end) from the table (host side is the caller's). */
static void vma_remove_range(UserMem *m, GuestVaddr start, GuestVaddr end)
{
    vma_split(m, start);
    vma_split(m, end);
    size_t i = vma_lookup(m, start);
    while (i < m->nvmas && m->vmas[i].start < end) {
        vma_remove_at(m, i);
    }
}

static void vma_add(UserMem *m, const UserVma *v)
{
    vma_remove_range(m, v->start, v->end);
    vma_insert_at(m, vma_lookup(m, v->start), v);
    vma_normalise(m);
}

/* Top-down search for len free bytes below m->mmap_base. */
static GuestVaddr find_free(const UserMem *m, uint64_t len)
{
    GuestVaddr top = m->mmap_base;
    size_t i = vma_lookup(m, top);
    /* i is the first VMA ending above top; walk down through the gaps. */
    for (;;) {
        if (i < m->nvmas && m->vmas[i].start < top) {
            top = m->vmas[i].start;
        }
        GuestVaddr floor = i == 0 ? USER_MMAP_MIN_ADDR : m->vmas[i - 1].end;
        if (floor < USER_MMAP_MIN_ADDR) {
            floor = USER_MMAP_MIN_ADDR;
        }
        if (top >= floor && top - floor >= len) {
            return top - len;
        }
        if (i == 0) {
            return 0;
        }
        i--;
        top = m->vmas[i].start;
    }
}

static void file_identity(int fd, UserVma *v)
{
    struct stat st;
    char link[64], path[4096];

    if (fstat(fd, &st) == 0) {
        v->dev = st.st_dev;
        v->ino = st.st_ino;
    }
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof(path) - 1);
    if (n > 0) {
        path[n] = '\0';
        v->path = strdup(path);
    }
}

/* ---- the syscalls ---- */

int64_t mmap_map(UserMem *m, GuestVaddr addr, uint64_t len, int prot, int flags, int fd,
                 uint64_t offset)
{
    int type = flags & MAP_TYPE_MASK;

    if (len == 0 || (offset & USER_PAGE_MASK)) {
        return -EINVAL;
    }
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE) {
        return -EINVAL;
    }
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) {
        return -EINVAL;
    }
    uint64_t alen = USER_PAGE_ALIGN(len);
    if (alen < len || alen > m->size) {
        return -ENOMEM;
    }
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    bool anon = flags & MAP_ANONYMOUS;
    if (fixed && (addr & USER_PAGE_MASK)) {
        return -EINVAL;
    }
    if (!anon && offset + alen < offset) {
        return -EOVERFLOW;
    }

    pthread_mutex_lock(&m->lock);
    int64_t ret;
    if (fixed) {
        if (addr > m->size - alen) {
            ret = -ENOMEM;
            goto out;
        }
        if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
            !range_is_free(m, addr, addr + alen)) {
            ret = -EEXIST;
            goto out;
        }
    } else {
        /* A hint is taken when it is page-aligned and free, as Linux does. */
        GuestVaddr hint = USER_PAGE_ALIGN(addr);
        if (hint && hint >= USER_MMAP_MIN_ADDR && hint <= m->size - alen &&
            range_is_free(m, hint, hint + alen)) {
            addr = hint;
        } else {
            addr = find_free(m, alen);
            if (!addr) {
                ret = -ENOMEM;
                goto out;
            }
        }
    }

    int host_flags = type | (flags & (MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE |
                                      MAP_NONBLOCK | MAP_STACK | MAP_LOCKED | MAP_HUGETLB));
    void *p = mmap(mmap_g2h(m, addr), alen, host_prot(prot), host_flags | MAP_FIXED,
                   anon ? -1 : fd, anon ? 0 : (off_t)offset);
    if (p == MAP_FAILED) {
        ret = -errno;
        /* MAP_FIXED over the old pages failed: the kernel may have unmapped
         * them already; keep table and host consistent by reserving. */
        if (fixed && (flags & MAP_FIXED)) {
            invalidate_exec(m, addr, addr + alen);
            vma_remove_range(m, addr, addr + alen);
            reserve_range(m, addr, addr + alen);
            vma_normalise(m);
        }
        goto out;
    }
    invalidate_exec(m, addr, addr + alen);
    UserVma v = {
        .start = addr, .end = addr + alen, .prot = prot,
        .flags = flags & (MAP_TYPE_MASK | MAP_ANONYMOUS | MAP_NORESERVE | MAP_GROWSDOWN),
        .kind = USER_VMA_PLAIN,
    };
    if (!anon) {
        v.offset = offset;
        file_identity(fd, &v);
    }
    vma_add(m, &v);
    ret = addr;
out:
    pthread_mutex_unlock(&m->lock);
    return ret;
}

int64_t mmap_unmap(UserMem *m, GuestVaddr addr, uint64_t len)
{
    if ((addr & USER_PAGE_MASK) || len == 0) {
        return -EINVAL;
    }
    uint64_t alen = USER_PAGE_ALIGN(len);
    if (alen < len || addr >= m->size || alen > m->size - addr) {
        return -EINVAL;
    }
    pthread_mutex_lock(&m->lock);
    invalidate_exec(m, addr, addr + alen);
    vma_remove_range(m, addr, addr + alen);
    vma_normalise(m);
    int64_t ret = reserve_range(m, addr, addr + alen) ? 0 : -ENOMEM;
    pthread_mutex_unlock(&m->lock);
    return ret;
}

int64_t mmap_protect(UserMem *m, GuestVaddr addr, uint64_t len, int prot)
{
    if (addr & USER_PAGE_MASK) {
        return -EINVAL;
    }
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) {
        return -EINVAL;
    }
    prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
    if (len == 0) {
        return 0;
    }
    uint64_t alen = USER_PAGE_ALIGN(len);
    if (alen < len || addr >= m->size || alen > m->size - addr) {
        return -ENOMEM;
    }
    pthread_mutex_lock(&m->lock);
    int64_t ret = 0;
    if (!range_is_mapped(m, addr, addr + alen)) {
        ret = -ENOMEM;
        goto out;
    }
    if (mprotect(mmap_g2h(m, addr), alen, host_prot(prot)) != 0) {
        ret = -errno;
        goto out;
    }
    vma_split(m, addr);
    vma_split(m, addr + alen);
    for (size_t i = vma_lookup(m, addr); i < m->nvmas && m->vmas[i].start < addr + alen; i++) {
        UserVma *v = &m->vmas[i];
        if ((v->prot & PROT_EXEC) && v->prot != prot && m->invalidate) {
            m->invalidate(v->start, v->end, m->invalidate_opaque);
        }
        v->prot = prot;
    }
    vma_normalise(m);
out:
    pthread_mutex_unlock(&m->lock);
    return ret;
}

int64_t mmap_remap(UserMem *m, GuestVaddr old_addr, uint64_t old_len, uint64_t new_len,
                   int flags, GuestVaddr new_addr)
{
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) {
        return -EINVAL;
    }
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) {
        return -EINVAL;
    }
    if (flags & MREMAP_DONTUNMAP) {
        /* NOTE: would need the old range to stay mapped as fresh anonymous
         * memory; rare outside userfaultfd users. */
        return -EINVAL;
    }
    if (old_addr & USER_PAGE_MASK) {
        return -EINVAL;
    }
    old_len = USER_PAGE_ALIGN(old_len);
    uint64_t alen = USER_PAGE_ALIGN(new_len);
    if (alen == 0 || alen < new_len) {
        return -EINVAL;
    }
    if (old_addr >= m->size || old_len > m->size - old_addr || alen > m->size) {
        return -EFAULT;
    }
    if ((flags & MREMAP_FIXED) &&
        ((new_addr & USER_PAGE_MASK) || new_addr > m->size - alen ||
         (new_addr < old_addr + old_len && old_addr < new_addr + alen))) {
        return -EINVAL;
    }

    pthread_mutex_lock(&m->lock);
    int64_t ret;
    size_t i = vma_lookup(m, old_addr);
    /* The old range must sit in one VMA (Linux: EFAULT otherwise). */
    if (old_len == 0 || i == m->nvmas || m->vmas[i].start > old_addr ||
        m->vmas[i].end < old_addr + old_len) {
        ret = -EFAULT;
        goto out;
    }
    UserVma v = m->vmas[i];
    v.path = v.path ? strdup(v.path) : NULL;
    if (v.ino || v.path) {
        v.offset += old_addr - v.start;
    }
    GuestVaddr old_end = old_addr + old_len;

    if (!(flags & MREMAP_FIXED) && alen <= old_len) {
        /* Shrink in place. */
        if (alen < old_len) {
            invalidate_exec(m, old_addr + alen, old_end);
            vma_remove_range(m, old_addr + alen, old_end);
            reserve_range(m, old_addr + alen, old_end);
            vma_normalise(m);
        }
        free(v.path);
        ret = old_addr;
        goto out;
    }
    if (!(flags & MREMAP_FIXED) && old_addr + alen <= m->size &&
        range_is_free(m, old_end, old_addr + alen)) {
        /* Grow in place: the reservation behind must go first, or the
         * host refuses.  NOTE: another host thread's mmap could land in
         * that hole meanwhile; mremap then fails and we re-reserve. */
        munmap(mmap_g2h(m, old_end), old_addr + alen - old_end);
        void *p = mremap(mmap_g2h(m, old_addr), old_len, alen, 0);
        if (p != MAP_FAILED) {
            v.start = old_addr;
            v.end = old_addr + alen;
            vma_add(m, &v);
            ret = old_addr;
            goto out;
        }
        reserve_range(m, old_end, old_addr + alen);
    }
    if (!(flags & MREMAP_MAYMOVE)) {
        free(v.path);
        ret = -ENOMEM;
        goto out;
    }
    if (flags & MREMAP_FIXED) {
        invalidate_exec(m, new_addr, new_addr + alen);
        vma_remove_range(m, new_addr, new_addr + alen);
    } else {
        new_addr = find_free(m, alen);
        if (!new_addr) {
            free(v.path);
            ret = -ENOMEM;
            goto out;
        }
    }
    void *p = mremap(mmap_g2h(m, old_addr), old_len, alen, MREMAP_MAYMOVE | MREMAP_FIXED,
                     mmap_g2h(m, new_addr));
    if (p == MAP_FAILED) {
        ret = -errno;
        free(v.path);
        if (flags & MREMAP_FIXED) {
            reserve_range(m, new_addr, new_addr + alen);
            vma_normalise(m);
        }
        goto out;
    }
    invalidate_exec(m, old_addr, old_end);
    vma_remove_range(m, old_addr, old_end);
    reserve_range(m, old_addr, old_end);
    v.start = new_addr;
    v.end = new_addr + alen;
    vma_add(m, &v);
    ret = new_addr;
out:
    pthread_mutex_unlock(&m->lock);
    return ret;
}

void mmap_brk_init(UserMem *m, GuestVaddr brk)
{
    pthread_mutex_lock(&m->lock);
    m->brk_start = m->brk_cur = brk;
    pthread_mutex_unlock(&m->lock);
}

GuestVaddr mmap_brk(UserMem *m, GuestVaddr new_brk)
{
    pthread_mutex_lock(&m->lock);
    GuestVaddr ret = m->brk_cur;
    if (new_brk < m->brk_start || new_brk >= m->mmap_base) {
        goto out;
    }
    GuestVaddr old_top = USER_PAGE_ALIGN(m->brk_cur);
    GuestVaddr new_top = USER_PAGE_ALIGN(new_brk);
    if (new_top > old_top) {
        if (!range_is_free(m, old_top, new_top)) {
            goto out;
        }
        void *p = mmap(mmap_g2h(m, old_top), new_top - old_top, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p == MAP_FAILED) {
            goto out;
        }
        UserVma v = {
            .start = old_top, .end = new_top, .prot = PROT_READ | PROT_WRITE,
            .flags = MAP_PRIVATE | MAP_ANONYMOUS, .kind = USER_VMA_HEAP,
        };
        vma_add(m, &v);
    } else if (new_top < old_top) {
        vma_remove_range(m, new_top, old_top);
        reserve_range(m, new_top, old_top);
        vma_normalise(m);
    }
    m->brk_cur = ret = new_brk;
out:
    pthread_mutex_unlock(&m->lock);
    return ret;
}

void mmap_set_kind(UserMem *m, GuestVaddr addr, UserVmaKind kind)
{
    pthread_mutex_lock(&m->lock);
    size_t i = vma_lookup(m, addr);
    if (i < m->nvmas && m->vmas[i].start <= addr) {
        m->vmas[i].kind = kind;
    }
    pthread_mutex_unlock(&m->lock);
}

bool mmap_access_ok(UserMem *m, GuestVaddr addr, uint64_t len, int prot)
{
    if (len == 0) {
        return true;
    }
    if (addr >= m->size || len > m->size - addr) {
        return false;
    }
    pthread_mutex_lock(&m->lock);
    GuestVaddr end = addr + len;
    bool ok = true;
    for (size_t i = vma_lookup(m, addr); addr < end; i++) {
        if (i == m->nvmas || m->vmas[i].start > addr || (m->vmas[i].prot & prot) != prot) {
            ok = false;
            break;
        }
        addr = m->vmas[i].end;
    }
    pthread_mutex_unlock(&m->lock);
    return ok;
}

int mmap_page_prot(UserMem *m, GuestVaddr addr)
{
    pthread_mutex_lock(&m->lock);
    size_t i = vma_lookup(m, addr);
    int prot = i < m->nvmas && m->vmas[i].start <= addr ? m->vmas[i].prot : -1;
    pthread_mutex_unlock(&m->lock);
    return prot;
}

bool mmap_read_readonly_u64(UserMem *m, GuestVaddr addr, uint64_t *val)
{
    if (addr & 7) {
        return false;
    }
    pthread_mutex_lock(&m->lock);
    size_t i = vma_lookup(m, addr);
    bool ok = i < m->nvmas && m->vmas[i].start <= addr && (m->vmas[i].prot & PROT_READ) &&
              !(m->vmas[i].prot & PROT_WRITE);
    if (ok) {
        memcpy(val, mmap_g2h(m, addr), 8);
    }
    pthread_mutex_unlock(&m->lock);
    return ok;
}

bool mmap_exec_range(UserMem *m, GuestVaddr addr, GuestVaddr *lo, GuestVaddr *hi)
{
    pthread_mutex_lock(&m->lock);
    size_t i = vma_lookup(m, addr);
    bool ok = i < m->nvmas && m->vmas[i].start <= addr && (m->vmas[i].prot & PROT_EXEC);
    if (ok) {
        *lo = m->vmas[i].start;
        *hi = m->vmas[i].end;
    }
    pthread_mutex_unlock(&m->lock);
    return ok;
}

char *mmap_maps_text(UserMem *m)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        return NULL;
    }
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->nvmas; i++) {
        const UserVma *v = &m->vmas[i];
        const char *name = v->kind == USER_VMA_HEAP    ? "[heap]"
                           : v->kind == USER_VMA_STACK ? "[stack]"
                                                       : v->path;
        int n;
        fprintf(f, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu %n",
                (unsigned long long)v->start, (unsigned long long)v->end,
                v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
                v->prot & PROT_EXEC ? 'x' : '-',
                (v->flags & MAP_TYPE_MASK) == MAP_PRIVATE ? 'p' : 's',
                (unsigned long long)v->offset, major(v->dev), minor(v->dev),
                (unsigned long long)v->ino, &n);
        if (name) {
            /* Linux pads the name to column 73 (seq_pad). */
            fprintf(f, "%*s%s", n < 73 ? 73 - n : 0, "", name);
        }
        fputc('\n', f);
    }
    pthread_mutex_unlock(&m->lock);
    fclose(f);
    return buf;
}
