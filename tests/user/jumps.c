/* Indirect calls into code the program wrote itself (a JIT's pattern):
 * the calls and returns are jalr, which the emulator resolves through its
 * jump cache.  Rewriting the code (with the icache flush) must run the new
 * code; taking PROT_EXEC away or unmapping must make the next call fault,
 * however often the target ran before; giving it back must work again.
 * The same for a direct call (jal) into the next page, which the emulator
 * may chain straight to its target.  Last, a loop whose back edge is a
 * jump (j) to code before it, which the emulator may translate on through:
 * rewriting only that earlier code must still run the new code.  And a
 * loop with a conditional branch in its body, which the emulator may
 * translate past (the taken side a side exit of the block, chained to
 * the code on the next page): rewriting the code on either page must run
 * the new code.  Then calls through a PLT stub (auipc t3; ld t3, slot;
 * jalr t1, t3): the emulator may predict the target from a read-only
 * slot, so rewriting the slot (writable and read-only again, which
 * invalidates no code) must still call the new target, and a stub whose
 * slot is writable must follow every change. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef long (*Fn)(long);

static sigjmp_buf jb;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    siglongjmp(jb, 1);
}

/* addi a0, a0, imm; ret */
static void put_fn(uint32_t *p, int imm)
{
    p[0] = 0x00050513u | (uint32_t)(imm & 0xfff) << 20;
    p[1] = 0x00008067u;
    __builtin___clear_cache((char *)p, (char *)(p + 2));
}

static uint32_t enc_jal(unsigned rd, int32_t off)
{
    uint32_t i = (uint32_t)off;
    return 0x6fu | rd << 7 | ((i >> 12) & 0xff) << 12 | ((i >> 11) & 1) << 20 |
           ((i >> 1) & 0x3ff) << 21 | ((i >> 20) & 1) << 31;
}

static uint32_t enc_i(unsigned funct3, unsigned rd, unsigned rs1, int32_t imm)
{
    return 0x13u | rd << 7 | funct3 << 12 | rs1 << 15 | ((uint32_t)imm & 0xfff) << 20;
}

static uint32_t enc_branch(unsigned funct3, unsigned rs1, unsigned rs2, int32_t off)
{
    uint32_t i = (uint32_t)off;
    return 0x63u | ((i >> 11) & 1) << 7 | ((i >> 1) & 0xf) << 8 | funct3 << 12 | rs1 << 15 |
           rs2 << 20 | ((i >> 5) & 0x3f) << 25 | ((i >> 12) & 1) << 31;
}

static __attribute__((noinline)) long add10(long x)
{
    return x + 10;
}

static __attribute__((noinline)) long add20(long x)
{
    return x + 20;
}

/* A PLT stub at code, its GOT slot at the start of the next page. */
static uint64_t *put_plt_stub(uint32_t *code, long page)
{
    code[0] = 0x00001e17u;                                  /* auipc t3, 1 */
    code[1] = 0x03u | 28u << 7 | 3u << 12 | 28u << 15;      /* ld t3, 0(t3) */
    code[2] = 0x67u | 6u << 7 | 28u << 15;                  /* jalr t1, 0(t3) */
    __builtin___clear_cache((char *)code, (char *)(code + 3));
    return (uint64_t *)((char *)code + page);
}

static long run(Fn f, int n)
{
    long s = 0;
    for (int i = 0; i < n; i++) {
        s = f(s);
    }
    return s;
}

static void try_call(const char *what, Fn f)
{
    if (sigsetjmp(jb, 1) == 0) {
        long v = f(0);
        printf("%s: returned %ld\n", what, v);
    } else {
        printf("%s: SIGSEGV\n", what);
    }
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);

    long page = sysconf(_SC_PAGESIZE);
    uint32_t *code = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    Fn f = (Fn)(uintptr_t)code;
    put_fn(code, 1);
    printf("add 1 x 100000: %ld\n", run(f, 100000));
    put_fn(code, 3);
    printf("rewritten, add 3 x 100000: %ld\n", run(f, 100000));

    mprotect(code, (size_t)page, PROT_READ);
    try_call("after mprotect(PROT_READ)", f);
    mprotect(code, (size_t)page, PROT_READ | PROT_EXEC);
    try_call("after mprotect(PROT_READ | PROT_EXEC)", f);
    printf("again x 1000: %ld\n", run(f, 1000));

    munmap(code, (size_t)page);
    try_call("after munmap", f);

    /* page 0: a function calling (jal) one at the start of page 1 */
    uint32_t *two = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (two == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    const uint32_t caller[] = {
        0xff010113u,                        /* addi sp, sp, -16 */
        0x00113423u,                        /* sd ra, 8(sp) */
        enc_jal(1, (int32_t)page - 8),      /* jal ra, page 1 */
        0x00813083u,                        /* ld ra, 8(sp) */
        0x01010113u,                        /* addi sp, sp, 16 */
        0x00008067u,                        /* ret */
    };
    memcpy(two, caller, sizeof(caller));
    __builtin___clear_cache((char *)two, (char *)two + sizeof(caller));
    uint32_t *callee = two + page / 4;
    put_fn(callee, 5);
    Fn g = (Fn)(uintptr_t)two;
    printf("direct call x 100000: %ld\n", run(g, 100000));
    mprotect(callee, (size_t)page, PROT_READ);
    try_call("callee page PROT_READ", g);
    mprotect(callee, (size_t)page, PROT_READ | PROT_EXEC);
    printf("callee page executable again x 1000: %ld\n", run(g, 1000));
    munmap(callee, (size_t)page);
    try_call("callee page unmapped", g);

    /* f(n): a1 = n, a0 = 0, then n times a0 += IMM; the loop's back edge
     * is the jump at [4], whose target [0] lies before it. */
    uint32_t *loop = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (loop == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    const uint32_t loop_code[] = {
        0x00750513u,                        /* [0] addi a0, a0, 7 */
        0xfff58593u,                        /* [1] addi a1, a1, -1 */
        0x00059463u,                        /* [2] bnez a1, [4] */
        0x00008067u,                        /* [3] ret */
        enc_jal(0, -16),                    /* [4] j [0] */
        0x00050593u,                        /* [5] mv a1, a0 (entry) */
        0x00000513u,                        /* [6] li a0, 0 */
        enc_jal(0, -28),                    /* [7] j [0] */
    };
    memcpy(loop, loop_code, sizeof(loop_code));
    __builtin___clear_cache((char *)loop, (char *)loop + sizeof(loop_code));
    Fn h = (Fn)(uintptr_t)(loop + 5);
    printf("jump loop, add 7 x 100000: %ld\n", h(100000));
    loop[0] = 0x00950513u;                  /* addi a0, a0, 9 */
    __builtin___clear_cache((char *)loop, (char *)(loop + 1));
    printf("loop head rewritten, add 9 x 100000: %ld\n", h(100000));

    /* f(n): for (i = 0; i < n; i++) sum += i & 1 ? K1 : K2; the odd side
     * at the end of page 0, the even side at the start of page 1, reached
     * by the beq and jumping back. */
    uint32_t *sx = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sx == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    enum { A0 = 10, A1 = 11, A2 = 12, T0 = 5 };
    const unsigned p0 = (unsigned)page / 4 - 9, p1 = (unsigned)page / 4;
    const uint32_t odd_code[] = {
        enc_i(0, A1, 0, 0),                 /* [0] li a1, 0 */
        enc_i(0, A2, 0, 0),                 /* [1] li a2, 0 */
        enc_i(7, T0, A2, 1),                /* [2] andi t0, a2, 1 (loop) */
        enc_branch(0, T0, 0, (int32_t)(p1 - (p0 + 3)) * 4),    /* [3] beqz t0, even */
        enc_i(0, A1, A1, 1),                /* [4] addi a1, a1, K1 = 1 */
        enc_i(0, A2, A2, 1),                /* [5] addi a2, a2, 1 (next) */
        enc_branch(4, A2, A0, -16),         /* [6] blt a2, a0, loop */
        enc_i(0, A0, A1, 0),                /* [7] mv a0, a1 */
        0x00008067u,                        /* [8] ret */
    };
    const uint32_t even_code[] = {
        enc_i(0, A1, A1, 2),                /* even: addi a1, a1, K2 = 2 */
        enc_jal(0, -(int32_t)(p1 + 1 - (p0 + 5)) * 4),          /* j next */
    };
    memcpy(sx + p0, odd_code, sizeof(odd_code));
    memcpy(sx + p1, even_code, sizeof(even_code));
    __builtin___clear_cache((char *)sx, (char *)(sx + 2 * page / 4));
    Fn k = (Fn)(uintptr_t)(sx + p0);
    printf("branchy loop, 1 and 2 x 50000: %ld\n", k(100000));
    sx[p1] = enc_i(0, A1, A1, 5);           /* the side exit's target */
    __builtin___clear_cache((char *)(sx + p1), (char *)(sx + p1 + 1));
    printf("even side rewritten, 1 and 5 x 50000: %ld\n", k(100000));
    sx[p0 + 4] = enc_i(0, A1, A1, 4);       /* past the side exit */
    __builtin___clear_cache((char *)(sx + p0 + 4), (char *)(sx + p0 + 5));
    printf("odd side rewritten, 4 and 5 x 50000: %ld\n", k(100000));

    uint32_t *plt = mmap(NULL, 4 * (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (plt == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    uint64_t *slot = put_plt_stub(plt, page);
    *slot = (uintptr_t)add10;
    mprotect(slot, (size_t)page, PROT_READ);
    Fn stub = (Fn)(uintptr_t)plt;
    printf("read-only slot, add 10 x 1000: %ld\n", run(stub, 1000));
    mprotect(slot, (size_t)page, PROT_READ | PROT_WRITE);
    *slot = (uintptr_t)add20;
    mprotect(slot, (size_t)page, PROT_READ);
    printf("slot rewritten, add 20 x 1000: %ld\n", run(stub, 1000));
    uint32_t *lazy = plt + 2 * page / 4;
    uint64_t *lazy_slot = put_plt_stub(lazy, page);
    Fn lazy_stub = (Fn)(uintptr_t)lazy;
    long sum = 0;
    for (int i = 0; i < 1000; i++) {
        *lazy_slot = (uintptr_t)(i & 1 ? add20 : add10);
        sum = lazy_stub(sum);
    }
    printf("writable slot, add 10 and 20 x 500: %ld\n", sum);
    return 0;
}
