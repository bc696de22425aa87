/* Registers at faulting guest loads and stores.  Morpho's JIT keeps guest
 * registers in host registers across guest memory accesses and writes them
 * into the CPU state only when an access faults (from the host signal's
 * registers), so a SIGSEGV handler must still see, in its signal frame,
 * every register written in the same block before the faulting insn, the
 * load destination's old value, the pc of the access and its address.
 * The handler skips the access; the registers are stored again after
 * sigreturn and checked too.  The asm is generated (26 registers set by
 * li and add, then a load fault; then xori/addi, then a store fault).
 * Last, an AMO, which the JIT does in C: its fault must name the AMO too
 * (not an earlier insn of the block, which would then run twice). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static const uint64_t expect_ld[32] = {
    [1] = 0x123446789ab97b5ull, [5] = 0x5b05e05b05b5ff1ull, [6] = 0x6d3a26d3a06f7a6ull, [7]
    = 0x7f6e2d4c3b2fbd3ull, [9] = 0xa3d79a3d70a673dull, [11] = 0x12345c789abd6310ull, [12] =
    0xda74cda740dfd6eull, [13] = 0xeca8b41fdb92f79ull, [14] = 0x1c71d81c71c72ce7ull, [15] =
    0x11111e1111114b5bull, [16] = 0x123446789abc84aaull, [17] = 0x23456489abcdd005ull, [18]
    = 0x147af347ae142094ull, [19] = 0x159e35af37c012e7ull, [20] = 0x2a1928f6e5d4337bull,
    [21] = 0x17e4a47e4b17bec1ull, [22] = 0x1907e0e5d4c3e8d0ull, [23] =
    0x30ec85641fdba791ull, [24] = 0x1b4e99b4e81b1432ull, [25] = 0x1c71de1c71c7460dull, [26]
    = 0x37c077d159e25a3full, [27] = 0x1eb84aeb851ee26full, [28] = 0x1fdb8b530ecadc7eull,
    [29] = 0x3e93d63e93e9beedull, [30] = 0x22223c2222227858ull, [31] =
    0x23457889abcdb5abull,
};
static const uint64_t expect_sd[32] = {
    [1] = 0xfedcbb987654684aull, [5] = 0x5b05e05b05b5ff6ull, [6] = 0xf92c5d92c5f9085cull,
    [7] = 0x7f6e2d4c3b2fbdaull, [9] = 0xf5c2865c28f598caull, [11] = 0x12345c789abd631bull,
    [12] = 0xf258b3258bf2029aull, [13] = 0xeca8b41fdb92f86ull, [14] = 0xe38e27e38e38d315ull,
    [15] = 0x11111e1111114b6aull, [16] = 0xedcbb98765437b5aull, [17] =
    0x23456489abcdd016ull, [18] = 0xeb850cb851ebdf7aull, [19] = 0x159e35af37c012faull, [20]
    = 0xd5e6d7091a2bcc97ull, [21] = 0x17e4a47e4b17bed6ull, [22] = 0xe6f81f1a2b3c173aull,
    [23] = 0x30ec85641fdba7a8ull, [24] = 0xe4b1664b17e4ebdaull, [25] =
    0x1c71de1c71c74626ull, [26] = 0xc83f882ea61da5d9ull, [27] = 0x1eb84aeb851ee28aull, [28]
    = 0xe02474acf135239aull, [29] = 0x3e93d63e93e9bf0aull, [30] = 0xddddc3dddddd87baull,
    [31] = 0x23457889abcdb5caull,
};

static const int regs[] = { 1, 5, 6, 7, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                            23, 24, 25, 26, 27, 28, 29, 30, 31 };
#define NREGS (sizeof(regs) / sizeof(regs[0]))

uint64_t after_ld[32], after_sd[32];
extern char fault_ld[], fault_sd[], fault_amo[];
static uint64_t seen[3][32];
static uintptr_t seen_addr[3];
static volatile int nfaults;

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    if (nfaults < 3) {
        memcpy(seen[nfaults], uc->uc_mcontext.__gregs, sizeof(seen[0]));
        seen_addr[nfaults] = (uintptr_t)si->si_addr;
    }
    nfaults++;
    uc->uc_mcontext.__gregs[0] += 4;    /* skip the access (not compressed) */
}

static __attribute__((noinline)) void run(void)
{
    __asm__ volatile(
        ".option push\n"
        ".option norvc\n"
        "li x1, 0x123446789ab97b5\n"
        "li x5, 0x5b05e05b05b5ff1\n"
        "add x6, x5, x1\n"
        "li x7, 0x7f6e2d4c3b2fbd3\n"
        "li x9, 0xa3d79a3d70a673d\n"
        "add x11, x9, x7\n"
        "li x12, 0xda74cda740dfd6e\n"
        "li x13, 0xeca8b41fdb92f79\n"
        "add x14, x13, x12\n"
        "li x15, 0x11111e1111114b5b\n"
        "li x16, 0x123446789abc84aa\n"
        "add x17, x16, x15\n"
        "li x18, 0x147af347ae142094\n"
        "li x19, 0x159e35af37c012e7\n"
        "add x20, x19, x18\n"
        "li x21, 0x17e4a47e4b17bec1\n"
        "li x22, 0x1907e0e5d4c3e8d0\n"
        "add x23, x22, x21\n"
        "li x24, 0x1b4e99b4e81b1432\n"
        "li x25, 0x1c71de1c71c7460d\n"
        "add x26, x25, x24\n"
        "li x27, 0x1eb84aeb851ee26f\n"
        "li x28, 0x1fdb8b530ecadc7e\n"
        "add x29, x28, x27\n"
        "li x30, 0x22223c2222227858\n"
        "li x31, 0x23457889abcdb5ab\n"
        "li x10, 0x10\n"
        "addi x10, x10, 8\n"
        "fault_ld: ld x5, 0(x10)\n"
        "la x10, after_ld\n"
        "sd x1, 8(x10)\n"
        "sd x5, 40(x10)\n"
        "sd x6, 48(x10)\n"
        "sd x7, 56(x10)\n"
        "sd x9, 72(x10)\n"
        "sd x11, 88(x10)\n"
        "sd x12, 96(x10)\n"
        "sd x13, 104(x10)\n"
        "sd x14, 112(x10)\n"
        "sd x15, 120(x10)\n"
        "sd x16, 128(x10)\n"
        "sd x17, 136(x10)\n"
        "sd x18, 144(x10)\n"
        "sd x19, 152(x10)\n"
        "sd x20, 160(x10)\n"
        "sd x21, 168(x10)\n"
        "sd x22, 176(x10)\n"
        "sd x23, 184(x10)\n"
        "sd x24, 192(x10)\n"
        "sd x25, 200(x10)\n"
        "sd x26, 208(x10)\n"
        "sd x27, 216(x10)\n"
        "sd x28, 224(x10)\n"
        "sd x29, 232(x10)\n"
        "sd x30, 240(x10)\n"
        "sd x31, 248(x10)\n"
        "xori x1, x1, -1\n"
        "addi x5, x5, 5\n"
        "xori x6, x6, -6\n"
        "addi x7, x7, 7\n"
        "xori x9, x9, -9\n"
        "addi x11, x11, 11\n"
        "xori x12, x12, -12\n"
        "addi x13, x13, 13\n"
        "xori x14, x14, -14\n"
        "addi x15, x15, 15\n"
        "xori x16, x16, -16\n"
        "addi x17, x17, 17\n"
        "xori x18, x18, -18\n"
        "addi x19, x19, 19\n"
        "xori x20, x20, -20\n"
        "addi x21, x21, 21\n"
        "xori x22, x22, -22\n"
        "addi x23, x23, 23\n"
        "xori x24, x24, -24\n"
        "addi x25, x25, 25\n"
        "xori x26, x26, -26\n"
        "addi x27, x27, 27\n"
        "xori x28, x28, -28\n"
        "addi x29, x29, 29\n"
        "xori x30, x30, -30\n"
        "addi x31, x31, 31\n"
        "li x10, 0x20\n"
        "fault_sd: sd x7, 0(x10)\n"
        "la x10, after_sd\n"
        "sd x1, 8(x10)\n"
        "sd x5, 40(x10)\n"
        "sd x6, 48(x10)\n"
        "sd x7, 56(x10)\n"
        "sd x9, 72(x10)\n"
        "sd x11, 88(x10)\n"
        "sd x12, 96(x10)\n"
        "sd x13, 104(x10)\n"
        "sd x14, 112(x10)\n"
        "sd x15, 120(x10)\n"
        "sd x16, 128(x10)\n"
        "sd x17, 136(x10)\n"
        "sd x18, 144(x10)\n"
        "sd x19, 152(x10)\n"
        "sd x20, 160(x10)\n"
        "sd x21, 168(x10)\n"
        "sd x22, 176(x10)\n"
        "sd x23, 184(x10)\n"
        "sd x24, 192(x10)\n"
        "sd x25, 200(x10)\n"
        "sd x26, 208(x10)\n"
        "sd x27, 216(x10)\n"
        "sd x28, 224(x10)\n"
        "sd x29, 232(x10)\n"
        "sd x30, 240(x10)\n"
        "sd x31, 248(x10)\n"
        ".option pop\n"
        :
        :
        : "x1", "x5", "x6", "x7", "x9", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
          "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28",
          "x29", "x30", "x31", "x10", "memory");
}

static __attribute__((noinline)) void run_amo(void)
{
    __asm__ volatile(".option push\n"
                     ".option norvc\n"
                     "li a5, 1234\n"
                     "addi a5, a5, 1\n"
                     "li a2, 77\n"
                     "li a3, 5\n"
                     "li a4, 0x28\n"
                     "fault_amo: amoadd.d a2, a3, (a4)\n"
                     "addi a5, a5, 1\n"
                     ".option pop\n"
                     :
                     :
                     : "a2", "a3", "a4", "a5", "memory");
}

/* Prints the registers that differ; returns how many. */
static int check(const char *what, const uint64_t *got, const uint64_t *want)
{
    int bad = 0;
    for (size_t k = 0; k < NREGS; k++) {
        int i = regs[k];
        if (got[i] != want[i]) {
            printf("%s: x%d = %#llx, expected %#llx\n", what, i, (unsigned long long)got[i],
                   (unsigned long long)want[i]);
            bad++;
        }
    }
    return bad;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    run();
    printf("load: pc %s, x10 %#llx, address %#lx\n",
           seen[0][0] == (uintptr_t)fault_ld ? "ok" : "wrong",
           (unsigned long long)seen[0][10], (unsigned long)seen_addr[0]);
    int bad = check("load, in the handler", seen[0], expect_ld);
    bad += check("load, after the handler", after_ld, expect_ld);
    printf("store: pc %s, x10 %#llx, address %#lx\n",
           seen[1][0] == (uintptr_t)fault_sd ? "ok" : "wrong",
           (unsigned long long)seen[1][10], (unsigned long)seen_addr[1]);
    bad += check("store, in the handler", seen[1], expect_sd);
    bad += check("store, after the handler", after_sd, expect_sd);
    run_amo();
    printf("amo: pc %s, a5 %llu, a2 %llu, address %#lx\n",
           seen[2][0] == (uintptr_t)fault_amo ? "ok" : "wrong",
           (unsigned long long)seen[2][15], (unsigned long long)seen[2][12],
           (unsigned long)seen_addr[2]);
    printf("faults: %d\n", nfaults);
    printf("registers: %s\n", bad ? "WRONG" : "ok");
    return bad != 0;
}
