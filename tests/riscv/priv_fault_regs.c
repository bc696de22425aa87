/*
 * Registers, mepc and mtval at faulting loads and stores in system mode.
 * The JIT keeps guest registers in host registers across a guest memory
 * access; only its slow path (a TLB miss, here an access to the hole at
 * 0x500000 that raises an access fault, as in priv_bus_error) writes them
 * into the CPU state before it may raise.  So the M-mode trap frame must
 * hold every register written in the same block before the faulting insn
 * (after a TLB-hit load and store in that block), the load destination's
 * old value, mepc the access and mtval its address; the handler steps
 * over it and the registers are stored again and checked too.  The asm is
 * generated: 26 registers set by li and add, a load fault; then xori and
 * addi, a store fault.
 */
#include "priv_common.h"

static const uint64_t expect_ld[32] = {
    [1] = 0xfeddba987657f1dull, [5] = 0x4fa4aa4fa4fa7399ull, [6] = 0x5f9285f92c5ff2b6ull,
    [7] = 0x6f80e1a2b3c4e9dbull, [9] = 0x8f5cb8f5c28f6015ull, [11] = 0xfedd9a98765449f0ull,
    [12] = 0xbf254bf258bf19b0ull, [13] = 0xcf13879be0245491ull, [14] =
    0x8e38d38e38e36e41ull, [15] = 0xeeee1eeeeeeed2d3ull, [16] = 0xfeddba9876540e2cull, [17]
    = 0xedcbd9876542e0ffull, [18] = 0x1eb971eb851e846eull, [19] = 0x2ea72d950c83c74full,
    [20] = 0x4d609f8091a24bbdull, [21] = 0x4e80e4e81b4ebd89ull, [22] =
    0x5e6ee091a2b3f8eaull, [23] = 0xacefc579be02b673ull, [24] = 0x7e4a97e4b17e7724ull, [25]
    = 0x8e39738e38e3b205ull, [26] = 0xc840b72ea622929ull, [27] = 0xae15cae147ae2847ull, [28]
    = 0xbe03868acf136ba0ull, [29] = 0x6c19516c16c193e7ull, [30] = 0xdddc3ddddddde1e2ull,
    [31] = 0xedca598765431cc3ull,
};

static const uint64_t expect_sd[32] = {
    [1] = 0xf0122456789a80e2ull, [5] = 0x4fa4aa4fa4fa739eull, [6] = 0xa06d7a06d3a00d4cull,
    [7] = 0x6f80e1a2b3c4e9e2ull, [9] = 0x70a3470a3d709fe2ull, [11] = 0xfedd9a98765449fbull,
    [12] = 0x40dab40da740e644ull, [13] = 0xcf13879be024549eull, [14] =
    0x71c72c71c71c91b3ull, [15] = 0xeeee1eeeeeeed2e2ull, [16] = 0x122456789abf1dcull, [17] =
    0xedcbd9876542e110ull, [18] = 0xe1468e147ae17b80ull, [19] = 0x2ea72d950c83c762ull, [20]
    = 0xb29f607f6e5db451ull, [21] = 0x4e80e4e81b4ebd9eull, [22] = 0xa1911f6e5d4c0700ull,
    [23] = 0xacefc579be02b68aull, [24] = 0x81b5681b4e8188ccull, [25] =
    0x8e39738e38e3b21eull, [26] = 0xf37bf48d159dd6cfull, [27] = 0xae15cae147ae2862ull, [28]
    = 0x41fc797530ec9444ull, [29] = 0x6c19516c16c19404ull, [30] = 0x2223c22222221e00ull,
    [31] = 0xedca598765431ce2ull,
};

static const int regs[] = { 1, 5, 6, 7, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                            23, 24, 25, 26, 27, 28, 29, 30, 31 };
#define NREGS (sizeof(regs) / sizeof(regs[0]))

uint64_t after_ld[32], after_sd[32], scratch;
extern char fault_ld[], fault_sd[];
static uint64_t seen[2][32];
static TrapInfo seen_trap[2];
static int nfaults;

static bool record(TrapFrame *f, uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (nfaults < 2) {
        for (int i = 0; i < 32; i++) {
            seen[nfaults][i] = f->regs[i];
        }
        seen_trap[nfaults] = (TrapInfo){ cause, epc, tval, 0, 0 };
    }
    nfaults++;
    return priv_m_handler(f, cause, epc, tval);
}

static __attribute__((noinline)) void run(void)
{
    __asm__ volatile(
        ".option push\n"
        ".option norvc\n"
        "li x1, 0xfeddba987657f1d\n"
        "li x5, 0x4fa4aa4fa4fa7399\n"
        "add x6, x5, x1\n"
        "li x7, 0x6f80e1a2b3c4e9db\n"
        "li x9, 0x8f5cb8f5c28f6015\n"
        "add x11, x9, x7\n"
        "li x12, 0xbf254bf258bf19b0\n"
        "li x13, 0xcf13879be0245491\n"
        "add x14, x13, x12\n"
        "li x15, 0xeeee1eeeeeeed2d3\n"
        "li x16, 0xfeddba9876540e2c\n"
        "add x17, x16, x15\n"
        "li x18, 0x1eb971eb851e846e\n"
        "li x19, 0x2ea72d950c83c74f\n"
        "add x20, x19, x18\n"
        "li x21, 0x4e80e4e81b4ebd89\n"
        "li x22, 0x5e6ee091a2b3f8ea\n"
        "add x23, x22, x21\n"
        "li x24, 0x7e4a97e4b17e7724\n"
        "li x25, 0x8e39738e38e3b205\n"
        "add x26, x25, x24\n"
        "li x27, 0xae15cae147ae2847\n"
        "li x28, 0xbe03868acf136ba0\n"
        "add x29, x28, x27\n"
        "li x30, 0xdddc3ddddddde1e2\n"
        "li x31, 0xedca598765431cc3\n"
        "la x10, scratch\n"
        "sd x6, 0(x10)\n"
        "ld x6, 0(x10)\n"
        "li x10, 0x500000\n"
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
        "li x10, 0x500010\n"
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

static void check_regs(const char *what, const uint64_t *got, const uint64_t *want)
{
    for (unsigned k = 0; k < NREGS; k++) {
        int i = regs[k];
        if (got[i] != want[i]) {
            test_printf("%s: x%d = 0x%lx, expected 0x%lx\n", what, i, got[i], want[i]);
        }
        CHECK_EQ(got[i], want[i]);
    }
}

int main(void)
{
    priv_setup();
    test_set_trap_handler(record);
    run();
    CHECK_EQ(nfaults, 2);
    CHECK_EQ(seen_trap[0].cause, EXC_LOAD_ACCESS);
    CHECK_EQ(seen_trap[0].epc, (uint64_t)fault_ld);
    CHECK_EQ(seen_trap[0].tval, 0x500008);
    CHECK_EQ(seen[0][10], 0x500008);
    check_regs("load, at the trap", seen[0], expect_ld);
    check_regs("load, after the trap", after_ld, expect_ld);
    CHECK_EQ(scratch, expect_ld[6]);
    CHECK_EQ(seen_trap[1].cause, EXC_STORE_ACCESS);
    CHECK_EQ(seen_trap[1].epc, (uint64_t)fault_sd);
    CHECK_EQ(seen_trap[1].tval, 0x500010);
    CHECK_EQ(seen[1][10], 0x500010);
    check_regs("store, at the trap", seen[1], expect_sd);
    check_regs("store, after the trap", after_sd, expect_sd);
    return test_result("priv_fault_regs");
}
