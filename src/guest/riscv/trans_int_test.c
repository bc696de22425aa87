/*
 * The integer extensions M, Zba, Zbb, Zbc, Zbs and Zicond, one table row per
 * (instruction, rs1, rs2) with the expected rd, run through the real
 * translator and IR interpreter (rv_testbench.h); then A: LR/SC pairs and
 * failures, each AMO's returned value and memory result, misaligned
 * atomics.  Expected values were computed from the specs' definitions with
 * arbitrary-precision arithmetic (M: table 7.1 for division corner cases).
 */
#include "guest/riscv/rv_testbench.h"

#include "util/unittest.h"

#define OP_IMM 0x13
#define OP_IMM32 0x1b
#define OP 0x33
#define OP32 0x3b
#define AMO 0x2f

#define BASE RV_TB_RAM_BASE
#define RUN_MS 10000
#define DATA (BASE + 0x8000)

typedef struct RvCase {
    const char *name;
    uint32_t insn;          /* rd = x12, rs1 = x10, rs2 = x11 */
    uint64_t rs1, rs2, rd;
} RvCase;

static const RvCase rv_cases[] = {
    { "mul", RV_R(OP, 12, 0, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x2236d88fe5618cf0ull },
    { "mul", RV_R(OP, 12, 0, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull },
    { "mul", RV_R(OP, 12, 0, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x1ull },
    { "mul", RV_R(OP, 12, 0, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0x7fffffff80000000ull },
    { "mul", RV_R(OP, 12, 0, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x80000000ull },
    { "mul", RV_R(OP, 12, 0, 10, 11, 1), 0x7ull, 0x0ull, 0x0ull },
    { "mul", RV_R(OP, 12, 0, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "mul", RV_R(OP, 12, 0, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0xfffffffffffeae71ull },
    { "mul", RV_R(OP, 12, 0, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "mul", RV_R(OP, 12, 0, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0x1fe010000000000ull },
    { "mulh", RV_R(OP, 12, 1, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xfffeb49923cc0953ull },
    { "mulh", RV_R(OP, 12, 1, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "mulh", RV_R(OP, 12, 1, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0ull },
    { "mulh", RV_R(OP, 12, 1, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "mulh", RV_R(OP, 12, 1, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "mulh", RV_R(OP, 12, 1, 10, 11, 1), 0x7ull, 0x0ull, 0x0ull },
    { "mulh", RV_R(OP, 12, 1, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "mulh", RV_R(OP, 12, 1, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0xffffffffffffffffull },
    { "mulh", RV_R(OP, 12, 1, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "mulh", RV_R(OP, 12, 1, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0xffffffffff807f7full },
    { "mulhsu", RV_R(OP, 12, 2, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x121fa00ad77d742ull },
    { "mulhsu", RV_R(OP, 12, 2, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull },
    { "mulhsu", RV_R(OP, 12, 2, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "mulhsu", RV_R(OP, 12, 2, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "mulhsu", RV_R(OP, 12, 2, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull },
    { "mulhsu", RV_R(OP, 12, 2, 10, 11, 1), 0x7ull, 0x0ull, 0x0ull },
    { "mulhsu", RV_R(OP, 12, 2, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "mulhsu", RV_R(OP, 12, 2, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0x3038ull },
    { "mulhsu", RV_R(OP, 12, 2, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "mulhsu", RV_R(OP, 12, 2, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0xffffffffff807f7full },
    { "mulhu", RV_R(OP, 12, 3, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x121fa00ad77d742ull },
    { "mulhu", RV_R(OP, 12, 3, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x7fffffffffffffffull },
    { "mulhu", RV_R(OP, 12, 3, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xfffffffffffffffeull },
    { "mulhu", RV_R(OP, 12, 3, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "mulhu", RV_R(OP, 12, 3, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff7fffffffull },
    { "mulhu", RV_R(OP, 12, 3, 10, 11, 1), 0x7ull, 0x0ull, 0x0ull },
    { "mulhu", RV_R(OP, 12, 3, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "mulhu", RV_R(OP, 12, 3, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0x3038ull },
    { "mulhu", RV_R(OP, 12, 3, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "mulhu", RV_R(OP, 12, 3, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0x7f80807eull },
    { "div", RV_R(OP, 12, 4, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x0ull },
    { "div", RV_R(OP, 12, 4, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull },
    { "div", RV_R(OP, 12, 4, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x1ull },
    { "div", RV_R(OP, 12, 4, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "div", RV_R(OP, 12, 4, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x80000000ull },
    { "div", RV_R(OP, 12, 4, 10, 11, 1), 0x7ull, 0x0ull, 0xffffffffffffffffull },
    { "div", RV_R(OP, 12, 4, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0xffffffffffffffffull },
    { "div", RV_R(OP, 12, 4, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0xfffffffffffff91dull },
    { "div", RV_R(OP, 12, 4, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "div", RV_R(OP, 12, 4, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0xfffffffffe01fe04ull },
    { "divu", RV_R(OP, 12, 5, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x0ull },
    { "divu", RV_R(OP, 12, 5, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "divu", RV_R(OP, 12, 5, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x1ull },
    { "divu", RV_R(OP, 12, 5, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "divu", RV_R(OP, 12, 5, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "divu", RV_R(OP, 12, 5, 10, 11, 1), 0x7ull, 0x0ull, 0xffffffffffffffffull },
    { "divu", RV_R(OP, 12, 5, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0xffffffffffffffffull },
    { "divu", RV_R(OP, 12, 5, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0x0ull },
    { "divu", RV_R(OP, 12, 5, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "divu", RV_R(OP, 12, 5, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0x1fe01fa07ull },
    { "rem", RV_R(OP, 12, 6, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789abcdefull },
    { "rem", RV_R(OP, 12, 6, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "rem", RV_R(OP, 12, 6, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0ull },
    { "rem", RV_R(OP, 12, 6, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0x80000000ull },
    { "rem", RV_R(OP, 12, 6, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "rem", RV_R(OP, 12, 6, 10, 11, 1), 0x7ull, 0x0ull, 0x7ull },
    { "rem", RV_R(OP, 12, 6, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0x8000000000000000ull },
    { "rem", RV_R(OP, 12, 6, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0x4ull },
    { "rem", RV_R(OP, 12, 6, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "rem", RV_R(OP, 12, 6, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0xfffffffffc03fa04ull },
    { "remu", RV_R(OP, 12, 7, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789abcdefull },
    { "remu", RV_R(OP, 12, 7, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull },
    { "remu", RV_R(OP, 12, 7, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0ull },
    { "remu", RV_R(OP, 12, 7, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0x80000000ull },
    { "remu", RV_R(OP, 12, 7, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull },
    { "remu", RV_R(OP, 12, 7, 10, 11, 1), 0x7ull, 0x0ull, 0x7ull },
    { "remu", RV_R(OP, 12, 7, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0x8000000000000000ull },
    { "remu", RV_R(OP, 12, 7, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0x3039ull },
    { "remu", RV_R(OP, 12, 7, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "remu", RV_R(OP, 12, 7, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0x7c07f307ull },
    { "mulw", RV_R(OP32, 12, 0, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xffffffffe5618cf0ull },
    { "mulw", RV_R(OP32, 12, 0, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "mulw", RV_R(OP32, 12, 0, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x1ull },
    { "mulw", RV_R(OP32, 12, 0, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0xffffffff80000000ull },
    { "mulw", RV_R(OP32, 12, 0, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull },
    { "mulw", RV_R(OP32, 12, 0, 10, 11, 1), 0x7ull, 0x0ull, 0x0ull },
    { "mulw", RV_R(OP32, 12, 0, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "mulw", RV_R(OP32, 12, 0, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0xfffffffffffeae71ull },
    { "mulw", RV_R(OP32, 12, 0, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "mulw", RV_R(OP32, 12, 0, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "divw", RV_R(OP32, 12, 4, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xffffffffffffffffull },
    { "divw", RV_R(OP32, 12, 4, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "divw", RV_R(OP32, 12, 4, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x1ull },
    { "divw", RV_R(OP32, 12, 4, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0xffffffff80000000ull },
    { "divw", RV_R(OP32, 12, 4, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull },
    { "divw", RV_R(OP32, 12, 4, 10, 11, 1), 0x7ull, 0x0ull, 0xffffffffffffffffull },
    { "divw", RV_R(OP32, 12, 4, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0xffffffffffffffffull },
    { "divw", RV_R(OP32, 12, 4, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0xfffffffffffff91dull },
    { "divw", RV_R(OP32, 12, 4, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "divw", RV_R(OP32, 12, 4, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "divuw", RV_R(OP32, 12, 5, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x1ull },
    { "divuw", RV_R(OP32, 12, 5, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "divuw", RV_R(OP32, 12, 5, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x1ull },
    { "divuw", RV_R(OP32, 12, 5, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "divuw", RV_R(OP32, 12, 5, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "divuw", RV_R(OP32, 12, 5, 10, 11, 1), 0x7ull, 0x0ull, 0xffffffffffffffffull },
    { "divuw", RV_R(OP32, 12, 5, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0xffffffffffffffffull },
    { "divuw", RV_R(OP32, 12, 5, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0x0ull },
    { "divuw", RV_R(OP32, 12, 5, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "divuw", RV_R(OP32, 12, 5, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "remw", RV_R(OP32, 12, 6, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xffffffffffffffffull },
    { "remw", RV_R(OP32, 12, 6, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "remw", RV_R(OP32, 12, 6, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0ull },
    { "remw", RV_R(OP32, 12, 6, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "remw", RV_R(OP32, 12, 6, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "remw", RV_R(OP32, 12, 6, 10, 11, 1), 0x7ull, 0x0ull, 0x7ull },
    { "remw", RV_R(OP32, 12, 6, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "remw", RV_R(OP32, 12, 6, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0x4ull },
    { "remw", RV_R(OP32, 12, 6, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "remw", RV_R(OP32, 12, 6, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "remuw", RV_R(OP32, 12, 7, 10, 11, 1), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x13579bdfull },
    { "remuw", RV_R(OP32, 12, 7, 10, 11, 1), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "remuw", RV_R(OP32, 12, 7, 10, 11, 1), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0ull },
    { "remuw", RV_R(OP32, 12, 7, 10, 11, 1), 0x80000000ull, 0xffffffffull, 0xffffffff80000000ull },
    { "remuw", RV_R(OP32, 12, 7, 10, 11, 1), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull },
    { "remuw", RV_R(OP32, 12, 7, 10, 11, 1), 0x7ull, 0x0ull, 0x7ull },
    { "remuw", RV_R(OP32, 12, 7, 10, 11, 1), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "remuw", RV_R(OP32, 12, 7, 10, 11, 1), 0x3039ull, 0xfffffffffffffff9ull, 0x3039ull },
    { "remuw", RV_R(OP32, 12, 7, 10, 11, 1), 0x0ull, 0x41ull, 0x0ull },
    { "remuw", RV_R(OP32, 12, 7, 10, 11, 1), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "add.uw", RV_R(OP32, 12, 0, 10, 11, 0x04), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xfedcba98ffffffffull },
    { "add.uw", RV_R(OP32, 12, 0, 10, 11, 0x04), 0x8000000000000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "add.uw", RV_R(OP32, 12, 0, 10, 11, 0x04), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xfffffffeull },
    { "add.uw", RV_R(OP32, 12, 0, 10, 11, 0x04), 0x80000000ull, 0xffffffffull, 0x17fffffffull },
    { "add.uw", RV_R(OP32, 12, 0, 10, 11, 0x04), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x7fffffffull },
    { "add.uw", RV_R(OP32, 12, 0, 10, 11, 0x04), 0x7ull, 0x0ull, 0x7ull },
    { "add.uw", RV_R(OP32, 12, 0, 10, 11, 0x04), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "add.uw", RV_R(OP32, 12, 0, 10, 11, 0x04), 0x3039ull, 0xfffffffffffffff9ull, 0x3032ull },
    { "add.uw", RV_R(OP32, 12, 0, 10, 11, 0x04), 0x0ull, 0x41ull, 0x41ull },
    { "add.uw", RV_R(OP32, 12, 0, 10, 11, 0x04), 0xff00ff0000000000ull, 0x800000ffull, 0x800000ffull },
    { "sh1add", RV_R(OP, 12, 2, 10, 11, 0x10), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789abcdeeull },
    { "sh1add", RV_R(OP, 12, 2, 10, 11, 0x10), 0x8000000000000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "sh1add", RV_R(OP, 12, 2, 10, 11, 0x10), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xfffffffffffffffdull },
    { "sh1add", RV_R(OP, 12, 2, 10, 11, 0x10), 0x80000000ull, 0xffffffffull, 0x1ffffffffull },
    { "sh1add", RV_R(OP, 12, 2, 10, 11, 0x10), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xfffffffeffffffffull },
    { "sh1add", RV_R(OP, 12, 2, 10, 11, 0x10), 0x7ull, 0x0ull, 0xeull },
    { "sh1add", RV_R(OP, 12, 2, 10, 11, 0x10), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "sh1add", RV_R(OP, 12, 2, 10, 11, 0x10), 0x3039ull, 0xfffffffffffffff9ull, 0x606bull },
    { "sh1add", RV_R(OP, 12, 2, 10, 11, 0x10), 0x0ull, 0x41ull, 0x41ull },
    { "sh1add", RV_R(OP, 12, 2, 10, 11, 0x10), 0xff00ff0000000000ull, 0x800000ffull, 0xfe01fe00800000ffull },
    { "sh2add", RV_R(OP, 12, 4, 10, 11, 0x10), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x369d0369d0369ccull },
    { "sh2add", RV_R(OP, 12, 4, 10, 11, 0x10), 0x8000000000000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "sh2add", RV_R(OP, 12, 4, 10, 11, 0x10), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xfffffffffffffffbull },
    { "sh2add", RV_R(OP, 12, 4, 10, 11, 0x10), 0x80000000ull, 0xffffffffull, 0x2ffffffffull },
    { "sh2add", RV_R(OP, 12, 4, 10, 11, 0x10), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xfffffffdffffffffull },
    { "sh2add", RV_R(OP, 12, 4, 10, 11, 0x10), 0x7ull, 0x0ull, 0x1cull },
    { "sh2add", RV_R(OP, 12, 4, 10, 11, 0x10), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "sh2add", RV_R(OP, 12, 4, 10, 11, 0x10), 0x3039ull, 0xfffffffffffffff9ull, 0xc0ddull },
    { "sh2add", RV_R(OP, 12, 4, 10, 11, 0x10), 0x0ull, 0x41ull, 0x41ull },
    { "sh2add", RV_R(OP, 12, 4, 10, 11, 0x10), 0xff00ff0000000000ull, 0x800000ffull, 0xfc03fc00800000ffull },
    { "sh3add", RV_R(OP, 12, 6, 10, 11, 0x10), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x7f6e5d4c3b2a188ull },
    { "sh3add", RV_R(OP, 12, 6, 10, 11, 0x10), 0x8000000000000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "sh3add", RV_R(OP, 12, 6, 10, 11, 0x10), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xfffffffffffffff7ull },
    { "sh3add", RV_R(OP, 12, 6, 10, 11, 0x10), 0x80000000ull, 0xffffffffull, 0x4ffffffffull },
    { "sh3add", RV_R(OP, 12, 6, 10, 11, 0x10), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xfffffffbffffffffull },
    { "sh3add", RV_R(OP, 12, 6, 10, 11, 0x10), 0x7ull, 0x0ull, 0x38ull },
    { "sh3add", RV_R(OP, 12, 6, 10, 11, 0x10), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "sh3add", RV_R(OP, 12, 6, 10, 11, 0x10), 0x3039ull, 0xfffffffffffffff9ull, 0x181c1ull },
    { "sh3add", RV_R(OP, 12, 6, 10, 11, 0x10), 0x0ull, 0x41ull, 0x41ull },
    { "sh3add", RV_R(OP, 12, 6, 10, 11, 0x10), 0xff00ff0000000000ull, 0x800000ffull, 0xf807f800800000ffull },
    { "sh1add.uw", RV_R(OP32, 12, 2, 10, 11, 0x10), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xfedcba9989abcdeeull },
    { "sh1add.uw", RV_R(OP32, 12, 2, 10, 11, 0x10), 0x8000000000000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "sh1add.uw", RV_R(OP32, 12, 2, 10, 11, 0x10), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x1fffffffdull },
    { "sh1add.uw", RV_R(OP32, 12, 2, 10, 11, 0x10), 0x80000000ull, 0xffffffffull, 0x1ffffffffull },
    { "sh1add.uw", RV_R(OP32, 12, 2, 10, 11, 0x10), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffffull },
    { "sh1add.uw", RV_R(OP32, 12, 2, 10, 11, 0x10), 0x7ull, 0x0ull, 0xeull },
    { "sh1add.uw", RV_R(OP32, 12, 2, 10, 11, 0x10), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "sh1add.uw", RV_R(OP32, 12, 2, 10, 11, 0x10), 0x3039ull, 0xfffffffffffffff9ull, 0x606bull },
    { "sh1add.uw", RV_R(OP32, 12, 2, 10, 11, 0x10), 0x0ull, 0x41ull, 0x41ull },
    { "sh1add.uw", RV_R(OP32, 12, 2, 10, 11, 0x10), 0xff00ff0000000000ull, 0x800000ffull, 0x800000ffull },
    { "sh2add.uw", RV_R(OP32, 12, 4, 10, 11, 0x10), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xfedcba9a9d0369ccull },
    { "sh2add.uw", RV_R(OP32, 12, 4, 10, 11, 0x10), 0x8000000000000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "sh2add.uw", RV_R(OP32, 12, 4, 10, 11, 0x10), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x3fffffffbull },
    { "sh2add.uw", RV_R(OP32, 12, 4, 10, 11, 0x10), 0x80000000ull, 0xffffffffull, 0x2ffffffffull },
    { "sh2add.uw", RV_R(OP32, 12, 4, 10, 11, 0x10), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x1ffffffffull },
    { "sh2add.uw", RV_R(OP32, 12, 4, 10, 11, 0x10), 0x7ull, 0x0ull, 0x1cull },
    { "sh2add.uw", RV_R(OP32, 12, 4, 10, 11, 0x10), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "sh2add.uw", RV_R(OP32, 12, 4, 10, 11, 0x10), 0x3039ull, 0xfffffffffffffff9ull, 0xc0ddull },
    { "sh2add.uw", RV_R(OP32, 12, 4, 10, 11, 0x10), 0x0ull, 0x41ull, 0x41ull },
    { "sh2add.uw", RV_R(OP32, 12, 4, 10, 11, 0x10), 0xff00ff0000000000ull, 0x800000ffull, 0x800000ffull },
    { "sh3add.uw", RV_R(OP32, 12, 6, 10, 11, 0x10), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xfedcba9cc3b2a188ull },
    { "sh3add.uw", RV_R(OP32, 12, 6, 10, 11, 0x10), 0x8000000000000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "sh3add.uw", RV_R(OP32, 12, 6, 10, 11, 0x10), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x7fffffff7ull },
    { "sh3add.uw", RV_R(OP32, 12, 6, 10, 11, 0x10), 0x80000000ull, 0xffffffffull, 0x4ffffffffull },
    { "sh3add.uw", RV_R(OP32, 12, 6, 10, 11, 0x10), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x3ffffffffull },
    { "sh3add.uw", RV_R(OP32, 12, 6, 10, 11, 0x10), 0x7ull, 0x0ull, 0x38ull },
    { "sh3add.uw", RV_R(OP32, 12, 6, 10, 11, 0x10), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "sh3add.uw", RV_R(OP32, 12, 6, 10, 11, 0x10), 0x3039ull, 0xfffffffffffffff9ull, 0x181c1ull },
    { "sh3add.uw", RV_R(OP32, 12, 6, 10, 11, 0x10), 0x0ull, 0x41ull, 0x41ull },
    { "sh3add.uw", RV_R(OP32, 12, 6, 10, 11, 0x10), 0xff00ff0000000000ull, 0x800000ffull, 0x800000ffull },
    { "slli.uw 3", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 3), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x44d5e6f78ull },
    { "slli.uw 3", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 3), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "slli.uw 3", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 3), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x7fffffff8ull },
    { "slli.uw 3", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 3), 0x80000000ull, 0xffffffffull, 0x400000000ull },
    { "slli.uw 3", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 3), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x400000000ull },
    { "slli.uw 3", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 3), 0x7ull, 0x0ull, 0x38ull },
    { "slli.uw 3", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 3), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "slli.uw 3", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 3), 0x3039ull, 0xfffffffffffffff9ull, 0x181c8ull },
    { "slli.uw 3", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 3), 0x0ull, 0x41ull, 0x0ull },
    { "slli.uw 3", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 3), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "slli.uw 63", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 63), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x8000000000000000ull },
    { "slli.uw 63", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 63), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "slli.uw 63", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 63), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x8000000000000000ull },
    { "slli.uw 63", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 63), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "slli.uw 63", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 63), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "slli.uw 63", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 63), 0x7ull, 0x0ull, 0x8000000000000000ull },
    { "slli.uw 63", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 63), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "slli.uw 63", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 63), 0x3039ull, 0xfffffffffffffff9ull, 0x8000000000000000ull },
    { "slli.uw 63", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 63), 0x0ull, 0x41ull, 0x0ull },
    { "slli.uw 63", RV_I(OP_IMM32, 12, 1, 10, 0x080 | 63), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "andn", RV_R(OP, 12, 7, 10, 11, 0x20), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789abcdefull },
    { "andn", RV_R(OP, 12, 7, 10, 11, 0x20), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "andn", RV_R(OP, 12, 7, 10, 11, 0x20), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0ull },
    { "andn", RV_R(OP, 12, 7, 10, 11, 0x20), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "andn", RV_R(OP, 12, 7, 10, 11, 0x20), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "andn", RV_R(OP, 12, 7, 10, 11, 0x20), 0x7ull, 0x0ull, 0x7ull },
    { "andn", RV_R(OP, 12, 7, 10, 11, 0x20), 0x8000000000000000ull, 0x0ull, 0x8000000000000000ull },
    { "andn", RV_R(OP, 12, 7, 10, 11, 0x20), 0x3039ull, 0xfffffffffffffff9ull, 0x0ull },
    { "andn", RV_R(OP, 12, 7, 10, 11, 0x20), 0x0ull, 0x41ull, 0x0ull },
    { "andn", RV_R(OP, 12, 7, 10, 11, 0x20), 0xff00ff0000000000ull, 0x800000ffull, 0xff00ff0000000000ull },
    { "orn", RV_R(OP, 12, 6, 10, 11, 0x20), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789abcdefull },
    { "orn", RV_R(OP, 12, 6, 10, 11, 0x20), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull },
    { "orn", RV_R(OP, 12, 6, 10, 11, 0x20), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "orn", RV_R(OP, 12, 6, 10, 11, 0x20), 0x80000000ull, 0xffffffffull, 0xffffffff80000000ull },
    { "orn", RV_R(OP, 12, 6, 10, 11, 0x20), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull },
    { "orn", RV_R(OP, 12, 6, 10, 11, 0x20), 0x7ull, 0x0ull, 0xffffffffffffffffull },
    { "orn", RV_R(OP, 12, 6, 10, 11, 0x20), 0x8000000000000000ull, 0x0ull, 0xffffffffffffffffull },
    { "orn", RV_R(OP, 12, 6, 10, 11, 0x20), 0x3039ull, 0xfffffffffffffff9ull, 0x303full },
    { "orn", RV_R(OP, 12, 6, 10, 11, 0x20), 0x0ull, 0x41ull, 0xffffffffffffffbeull },
    { "orn", RV_R(OP, 12, 6, 10, 11, 0x20), 0xff00ff0000000000ull, 0x800000ffull, 0xffffffff7fffff00ull },
    { "xnor", RV_R(OP, 12, 4, 10, 11, 0x20), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x0ull },
    { "xnor", RV_R(OP, 12, 4, 10, 11, 0x20), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull },
    { "xnor", RV_R(OP, 12, 4, 10, 11, 0x20), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "xnor", RV_R(OP, 12, 4, 10, 11, 0x20), 0x80000000ull, 0xffffffffull, 0xffffffff80000000ull },
    { "xnor", RV_R(OP, 12, 4, 10, 11, 0x20), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull },
    { "xnor", RV_R(OP, 12, 4, 10, 11, 0x20), 0x7ull, 0x0ull, 0xfffffffffffffff8ull },
    { "xnor", RV_R(OP, 12, 4, 10, 11, 0x20), 0x8000000000000000ull, 0x0ull, 0x7fffffffffffffffull },
    { "xnor", RV_R(OP, 12, 4, 10, 11, 0x20), 0x3039ull, 0xfffffffffffffff9ull, 0x303full },
    { "xnor", RV_R(OP, 12, 4, 10, 11, 0x20), 0x0ull, 0x41ull, 0xffffffffffffffbeull },
    { "xnor", RV_R(OP, 12, 4, 10, 11, 0x20), 0xff00ff0000000000ull, 0x800000ffull, 0xff00ff7fffff00ull },
    { "clz", RV_I(OP_IMM, 12, 1, 10, 0x600), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x7ull },
    { "clz", RV_I(OP_IMM, 12, 1, 10, 0x600), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "clz", RV_I(OP_IMM, 12, 1, 10, 0x600), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0ull },
    { "clz", RV_I(OP_IMM, 12, 1, 10, 0x600), 0x80000000ull, 0xffffffffull, 0x20ull },
    { "clz", RV_I(OP_IMM, 12, 1, 10, 0x600), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "clz", RV_I(OP_IMM, 12, 1, 10, 0x600), 0x7ull, 0x0ull, 0x3dull },
    { "clz", RV_I(OP_IMM, 12, 1, 10, 0x600), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "clz", RV_I(OP_IMM, 12, 1, 10, 0x600), 0x3039ull, 0xfffffffffffffff9ull, 0x32ull },
    { "clz", RV_I(OP_IMM, 12, 1, 10, 0x600), 0x0ull, 0x41ull, 0x40ull },
    { "clz", RV_I(OP_IMM, 12, 1, 10, 0x600), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "ctz", RV_I(OP_IMM, 12, 1, 10, 0x601), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x0ull },
    { "ctz", RV_I(OP_IMM, 12, 1, 10, 0x601), 0x8000000000000000ull, 0xffffffffffffffffull, 0x3full },
    { "ctz", RV_I(OP_IMM, 12, 1, 10, 0x601), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0ull },
    { "ctz", RV_I(OP_IMM, 12, 1, 10, 0x601), 0x80000000ull, 0xffffffffull, 0x1full },
    { "ctz", RV_I(OP_IMM, 12, 1, 10, 0x601), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x1full },
    { "ctz", RV_I(OP_IMM, 12, 1, 10, 0x601), 0x7ull, 0x0ull, 0x0ull },
    { "ctz", RV_I(OP_IMM, 12, 1, 10, 0x601), 0x8000000000000000ull, 0x0ull, 0x3full },
    { "ctz", RV_I(OP_IMM, 12, 1, 10, 0x601), 0x3039ull, 0xfffffffffffffff9ull, 0x0ull },
    { "ctz", RV_I(OP_IMM, 12, 1, 10, 0x601), 0x0ull, 0x41ull, 0x40ull },
    { "ctz", RV_I(OP_IMM, 12, 1, 10, 0x601), 0xff00ff0000000000ull, 0x800000ffull, 0x28ull },
    { "cpop", RV_I(OP_IMM, 12, 1, 10, 0x602), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x20ull },
    { "cpop", RV_I(OP_IMM, 12, 1, 10, 0x602), 0x8000000000000000ull, 0xffffffffffffffffull, 0x1ull },
    { "cpop", RV_I(OP_IMM, 12, 1, 10, 0x602), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x40ull },
    { "cpop", RV_I(OP_IMM, 12, 1, 10, 0x602), 0x80000000ull, 0xffffffffull, 0x1ull },
    { "cpop", RV_I(OP_IMM, 12, 1, 10, 0x602), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x21ull },
    { "cpop", RV_I(OP_IMM, 12, 1, 10, 0x602), 0x7ull, 0x0ull, 0x3ull },
    { "cpop", RV_I(OP_IMM, 12, 1, 10, 0x602), 0x8000000000000000ull, 0x0ull, 0x1ull },
    { "cpop", RV_I(OP_IMM, 12, 1, 10, 0x602), 0x3039ull, 0xfffffffffffffff9ull, 0x6ull },
    { "cpop", RV_I(OP_IMM, 12, 1, 10, 0x602), 0x0ull, 0x41ull, 0x0ull },
    { "cpop", RV_I(OP_IMM, 12, 1, 10, 0x602), 0xff00ff0000000000ull, 0x800000ffull, 0x10ull },
    { "clzw", RV_I(OP_IMM32, 12, 1, 10, 0x600), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x0ull },
    { "clzw", RV_I(OP_IMM32, 12, 1, 10, 0x600), 0x8000000000000000ull, 0xffffffffffffffffull, 0x20ull },
    { "clzw", RV_I(OP_IMM32, 12, 1, 10, 0x600), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0ull },
    { "clzw", RV_I(OP_IMM32, 12, 1, 10, 0x600), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "clzw", RV_I(OP_IMM32, 12, 1, 10, 0x600), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "clzw", RV_I(OP_IMM32, 12, 1, 10, 0x600), 0x7ull, 0x0ull, 0x1dull },
    { "clzw", RV_I(OP_IMM32, 12, 1, 10, 0x600), 0x8000000000000000ull, 0x0ull, 0x20ull },
    { "clzw", RV_I(OP_IMM32, 12, 1, 10, 0x600), 0x3039ull, 0xfffffffffffffff9ull, 0x12ull },
    { "clzw", RV_I(OP_IMM32, 12, 1, 10, 0x600), 0x0ull, 0x41ull, 0x20ull },
    { "clzw", RV_I(OP_IMM32, 12, 1, 10, 0x600), 0xff00ff0000000000ull, 0x800000ffull, 0x20ull },
    { "ctzw", RV_I(OP_IMM32, 12, 1, 10, 0x601), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x0ull },
    { "ctzw", RV_I(OP_IMM32, 12, 1, 10, 0x601), 0x8000000000000000ull, 0xffffffffffffffffull, 0x20ull },
    { "ctzw", RV_I(OP_IMM32, 12, 1, 10, 0x601), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0ull },
    { "ctzw", RV_I(OP_IMM32, 12, 1, 10, 0x601), 0x80000000ull, 0xffffffffull, 0x1full },
    { "ctzw", RV_I(OP_IMM32, 12, 1, 10, 0x601), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x1full },
    { "ctzw", RV_I(OP_IMM32, 12, 1, 10, 0x601), 0x7ull, 0x0ull, 0x0ull },
    { "ctzw", RV_I(OP_IMM32, 12, 1, 10, 0x601), 0x8000000000000000ull, 0x0ull, 0x20ull },
    { "ctzw", RV_I(OP_IMM32, 12, 1, 10, 0x601), 0x3039ull, 0xfffffffffffffff9ull, 0x0ull },
    { "ctzw", RV_I(OP_IMM32, 12, 1, 10, 0x601), 0x0ull, 0x41ull, 0x20ull },
    { "ctzw", RV_I(OP_IMM32, 12, 1, 10, 0x601), 0xff00ff0000000000ull, 0x800000ffull, 0x20ull },
    { "cpopw", RV_I(OP_IMM32, 12, 1, 10, 0x602), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x14ull },
    { "cpopw", RV_I(OP_IMM32, 12, 1, 10, 0x602), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "cpopw", RV_I(OP_IMM32, 12, 1, 10, 0x602), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x20ull },
    { "cpopw", RV_I(OP_IMM32, 12, 1, 10, 0x602), 0x80000000ull, 0xffffffffull, 0x1ull },
    { "cpopw", RV_I(OP_IMM32, 12, 1, 10, 0x602), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x1ull },
    { "cpopw", RV_I(OP_IMM32, 12, 1, 10, 0x602), 0x7ull, 0x0ull, 0x3ull },
    { "cpopw", RV_I(OP_IMM32, 12, 1, 10, 0x602), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "cpopw", RV_I(OP_IMM32, 12, 1, 10, 0x602), 0x3039ull, 0xfffffffffffffff9ull, 0x6ull },
    { "cpopw", RV_I(OP_IMM32, 12, 1, 10, 0x602), 0x0ull, 0x41ull, 0x0ull },
    { "cpopw", RV_I(OP_IMM32, 12, 1, 10, 0x602), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "max", RV_R(OP, 12, 6, 10, 11, 0x05), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789abcdefull },
    { "max", RV_R(OP, 12, 6, 10, 11, 0x05), 0x8000000000000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "max", RV_R(OP, 12, 6, 10, 11, 0x05), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "max", RV_R(OP, 12, 6, 10, 11, 0x05), 0x80000000ull, 0xffffffffull, 0xffffffffull },
    { "max", RV_R(OP, 12, 6, 10, 11, 0x05), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "max", RV_R(OP, 12, 6, 10, 11, 0x05), 0x7ull, 0x0ull, 0x7ull },
    { "max", RV_R(OP, 12, 6, 10, 11, 0x05), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "max", RV_R(OP, 12, 6, 10, 11, 0x05), 0x3039ull, 0xfffffffffffffff9ull, 0x3039ull },
    { "max", RV_R(OP, 12, 6, 10, 11, 0x05), 0x0ull, 0x41ull, 0x41ull },
    { "max", RV_R(OP, 12, 6, 10, 11, 0x05), 0xff00ff0000000000ull, 0x800000ffull, 0x800000ffull },
    { "maxu", RV_R(OP, 12, 7, 10, 11, 0x05), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xfedcba9876543210ull },
    { "maxu", RV_R(OP, 12, 7, 10, 11, 0x05), 0x8000000000000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "maxu", RV_R(OP, 12, 7, 10, 11, 0x05), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "maxu", RV_R(OP, 12, 7, 10, 11, 0x05), 0x80000000ull, 0xffffffffull, 0xffffffffull },
    { "maxu", RV_R(OP, 12, 7, 10, 11, 0x05), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "maxu", RV_R(OP, 12, 7, 10, 11, 0x05), 0x7ull, 0x0ull, 0x7ull },
    { "maxu", RV_R(OP, 12, 7, 10, 11, 0x05), 0x8000000000000000ull, 0x0ull, 0x8000000000000000ull },
    { "maxu", RV_R(OP, 12, 7, 10, 11, 0x05), 0x3039ull, 0xfffffffffffffff9ull, 0xfffffffffffffff9ull },
    { "maxu", RV_R(OP, 12, 7, 10, 11, 0x05), 0x0ull, 0x41ull, 0x41ull },
    { "maxu", RV_R(OP, 12, 7, 10, 11, 0x05), 0xff00ff0000000000ull, 0x800000ffull, 0xff00ff0000000000ull },
    { "min", RV_R(OP, 12, 4, 10, 11, 0x05), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xfedcba9876543210ull },
    { "min", RV_R(OP, 12, 4, 10, 11, 0x05), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull },
    { "min", RV_R(OP, 12, 4, 10, 11, 0x05), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "min", RV_R(OP, 12, 4, 10, 11, 0x05), 0x80000000ull, 0xffffffffull, 0x80000000ull },
    { "min", RV_R(OP, 12, 4, 10, 11, 0x05), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull },
    { "min", RV_R(OP, 12, 4, 10, 11, 0x05), 0x7ull, 0x0ull, 0x0ull },
    { "min", RV_R(OP, 12, 4, 10, 11, 0x05), 0x8000000000000000ull, 0x0ull, 0x8000000000000000ull },
    { "min", RV_R(OP, 12, 4, 10, 11, 0x05), 0x3039ull, 0xfffffffffffffff9ull, 0xfffffffffffffff9ull },
    { "min", RV_R(OP, 12, 4, 10, 11, 0x05), 0x0ull, 0x41ull, 0x0ull },
    { "min", RV_R(OP, 12, 4, 10, 11, 0x05), 0xff00ff0000000000ull, 0x800000ffull, 0xff00ff0000000000ull },
    { "minu", RV_R(OP, 12, 5, 10, 11, 0x05), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789abcdefull },
    { "minu", RV_R(OP, 12, 5, 10, 11, 0x05), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull },
    { "minu", RV_R(OP, 12, 5, 10, 11, 0x05), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "minu", RV_R(OP, 12, 5, 10, 11, 0x05), 0x80000000ull, 0xffffffffull, 0x80000000ull },
    { "minu", RV_R(OP, 12, 5, 10, 11, 0x05), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull },
    { "minu", RV_R(OP, 12, 5, 10, 11, 0x05), 0x7ull, 0x0ull, 0x0ull },
    { "minu", RV_R(OP, 12, 5, 10, 11, 0x05), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "minu", RV_R(OP, 12, 5, 10, 11, 0x05), 0x3039ull, 0xfffffffffffffff9ull, 0x3039ull },
    { "minu", RV_R(OP, 12, 5, 10, 11, 0x05), 0x0ull, 0x41ull, 0x0ull },
    { "minu", RV_R(OP, 12, 5, 10, 11, 0x05), 0xff00ff0000000000ull, 0x800000ffull, 0x800000ffull },
    { "sext.b", RV_I(OP_IMM, 12, 1, 10, 0x604), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xffffffffffffffefull },
    { "sext.b", RV_I(OP_IMM, 12, 1, 10, 0x604), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "sext.b", RV_I(OP_IMM, 12, 1, 10, 0x604), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "sext.b", RV_I(OP_IMM, 12, 1, 10, 0x604), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "sext.b", RV_I(OP_IMM, 12, 1, 10, 0x604), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "sext.b", RV_I(OP_IMM, 12, 1, 10, 0x604), 0x7ull, 0x0ull, 0x7ull },
    { "sext.b", RV_I(OP_IMM, 12, 1, 10, 0x604), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "sext.b", RV_I(OP_IMM, 12, 1, 10, 0x604), 0x3039ull, 0xfffffffffffffff9ull, 0x39ull },
    { "sext.b", RV_I(OP_IMM, 12, 1, 10, 0x604), 0x0ull, 0x41ull, 0x0ull },
    { "sext.b", RV_I(OP_IMM, 12, 1, 10, 0x604), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "sext.h", RV_I(OP_IMM, 12, 1, 10, 0x605), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xffffffffffffcdefull },
    { "sext.h", RV_I(OP_IMM, 12, 1, 10, 0x605), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "sext.h", RV_I(OP_IMM, 12, 1, 10, 0x605), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "sext.h", RV_I(OP_IMM, 12, 1, 10, 0x605), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "sext.h", RV_I(OP_IMM, 12, 1, 10, 0x605), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "sext.h", RV_I(OP_IMM, 12, 1, 10, 0x605), 0x7ull, 0x0ull, 0x7ull },
    { "sext.h", RV_I(OP_IMM, 12, 1, 10, 0x605), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "sext.h", RV_I(OP_IMM, 12, 1, 10, 0x605), 0x3039ull, 0xfffffffffffffff9ull, 0x3039ull },
    { "sext.h", RV_I(OP_IMM, 12, 1, 10, 0x605), 0x0ull, 0x41ull, 0x0ull },
    { "sext.h", RV_I(OP_IMM, 12, 1, 10, 0x605), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "zext.h", RV_R(OP32, 12, 4, 10, 0, 0x04), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xcdefull },
    { "zext.h", RV_R(OP32, 12, 4, 10, 0, 0x04), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "zext.h", RV_R(OP32, 12, 4, 10, 0, 0x04), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffull },
    { "zext.h", RV_R(OP32, 12, 4, 10, 0, 0x04), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "zext.h", RV_R(OP32, 12, 4, 10, 0, 0x04), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "zext.h", RV_R(OP32, 12, 4, 10, 0, 0x04), 0x7ull, 0x0ull, 0x7ull },
    { "zext.h", RV_R(OP32, 12, 4, 10, 0, 0x04), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "zext.h", RV_R(OP32, 12, 4, 10, 0, 0x04), 0x3039ull, 0xfffffffffffffff9ull, 0x3039ull },
    { "zext.h", RV_R(OP32, 12, 4, 10, 0, 0x04), 0x0ull, 0x41ull, 0x0ull },
    { "zext.h", RV_R(OP32, 12, 4, 10, 0, 0x04), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "rol", RV_R(OP, 12, 1, 10, 11, 0x30), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x456789abcdef0123ull },
    { "rol", RV_R(OP, 12, 1, 10, 11, 0x30), 0x8000000000000000ull, 0xffffffffffffffffull, 0x4000000000000000ull },
    { "rol", RV_R(OP, 12, 1, 10, 11, 0x30), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "rol", RV_R(OP, 12, 1, 10, 11, 0x30), 0x80000000ull, 0xffffffffull, 0x40000000ull },
    { "rol", RV_R(OP, 12, 1, 10, 11, 0x30), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x7fffffffc0000000ull },
    { "rol", RV_R(OP, 12, 1, 10, 11, 0x30), 0x7ull, 0x0ull, 0x7ull },
    { "rol", RV_R(OP, 12, 1, 10, 11, 0x30), 0x8000000000000000ull, 0x0ull, 0x8000000000000000ull },
    { "rol", RV_R(OP, 12, 1, 10, 11, 0x30), 0x3039ull, 0xfffffffffffffff9ull, 0x7200000000000060ull },
    { "rol", RV_R(OP, 12, 1, 10, 11, 0x30), 0x0ull, 0x41ull, 0x0ull },
    { "rol", RV_R(OP, 12, 1, 10, 11, 0x30), 0xff00ff0000000000ull, 0x800000ffull, 0x7f807f8000000000ull },
    { "ror", RV_R(OP, 12, 5, 10, 11, 0x30), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xcdef0123456789abull },
    { "ror", RV_R(OP, 12, 5, 10, 11, 0x30), 0x8000000000000000ull, 0xffffffffffffffffull, 0x1ull },
    { "ror", RV_R(OP, 12, 5, 10, 11, 0x30), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "ror", RV_R(OP, 12, 5, 10, 11, 0x30), 0x80000000ull, 0xffffffffull, 0x100000000ull },
    { "ror", RV_R(OP, 12, 5, 10, 11, 0x30), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff00000001ull },
    { "ror", RV_R(OP, 12, 5, 10, 11, 0x30), 0x7ull, 0x0ull, 0x7ull },
    { "ror", RV_R(OP, 12, 5, 10, 11, 0x30), 0x8000000000000000ull, 0x0ull, 0x8000000000000000ull },
    { "ror", RV_R(OP, 12, 5, 10, 11, 0x30), 0x3039ull, 0xfffffffffffffff9ull, 0x181c80ull },
    { "ror", RV_R(OP, 12, 5, 10, 11, 0x30), 0x0ull, 0x41ull, 0x0ull },
    { "ror", RV_R(OP, 12, 5, 10, 11, 0x30), 0xff00ff0000000000ull, 0x800000ffull, 0xfe01fe0000000001ull },
    { "rolw", RV_R(OP32, 12, 1, 10, 11, 0x30), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xffffffffcdef89abull },
    { "rolw", RV_R(OP32, 12, 1, 10, 11, 0x30), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "rolw", RV_R(OP32, 12, 1, 10, 11, 0x30), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "rolw", RV_R(OP32, 12, 1, 10, 11, 0x30), 0x80000000ull, 0xffffffffull, 0x40000000ull },
    { "rolw", RV_R(OP32, 12, 1, 10, 11, 0x30), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x40000000ull },
    { "rolw", RV_R(OP32, 12, 1, 10, 11, 0x30), 0x7ull, 0x0ull, 0x7ull },
    { "rolw", RV_R(OP32, 12, 1, 10, 11, 0x30), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "rolw", RV_R(OP32, 12, 1, 10, 11, 0x30), 0x3039ull, 0xfffffffffffffff9ull, 0x72000060ull },
    { "rolw", RV_R(OP32, 12, 1, 10, 11, 0x30), 0x0ull, 0x41ull, 0x0ull },
    { "rolw", RV_R(OP32, 12, 1, 10, 11, 0x30), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "rorw", RV_R(OP32, 12, 5, 10, 11, 0x30), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xffffffffcdef89abull },
    { "rorw", RV_R(OP32, 12, 5, 10, 11, 0x30), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "rorw", RV_R(OP32, 12, 5, 10, 11, 0x30), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "rorw", RV_R(OP32, 12, 5, 10, 11, 0x30), 0x80000000ull, 0xffffffffull, 0x1ull },
    { "rorw", RV_R(OP32, 12, 5, 10, 11, 0x30), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x1ull },
    { "rorw", RV_R(OP32, 12, 5, 10, 11, 0x30), 0x7ull, 0x0ull, 0x7ull },
    { "rorw", RV_R(OP32, 12, 5, 10, 11, 0x30), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "rorw", RV_R(OP32, 12, 5, 10, 11, 0x30), 0x3039ull, 0xfffffffffffffff9ull, 0x181c80ull },
    { "rorw", RV_R(OP32, 12, 5, 10, 11, 0x30), 0x0ull, 0x41ull, 0x0ull },
    { "rorw", RV_R(OP32, 12, 5, 10, 11, 0x30), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "rori 12", RV_I(OP_IMM, 12, 5, 10, 0x600 | 12), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xdef0123456789abcull },
    { "rori 12", RV_I(OP_IMM, 12, 5, 10, 0x600 | 12), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000ull },
    { "rori 12", RV_I(OP_IMM, 12, 5, 10, 0x600 | 12), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "rori 12", RV_I(OP_IMM, 12, 5, 10, 0x600 | 12), 0x80000000ull, 0xffffffffull, 0x80000ull },
    { "rori 12", RV_I(OP_IMM, 12, 5, 10, 0x600 | 12), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000ull },
    { "rori 12", RV_I(OP_IMM, 12, 5, 10, 0x600 | 12), 0x7ull, 0x0ull, 0x70000000000000ull },
    { "rori 12", RV_I(OP_IMM, 12, 5, 10, 0x600 | 12), 0x8000000000000000ull, 0x0ull, 0x8000000000000ull },
    { "rori 12", RV_I(OP_IMM, 12, 5, 10, 0x600 | 12), 0x3039ull, 0xfffffffffffffff9ull, 0x390000000000003ull },
    { "rori 12", RV_I(OP_IMM, 12, 5, 10, 0x600 | 12), 0x0ull, 0x41ull, 0x0ull },
    { "rori 12", RV_I(OP_IMM, 12, 5, 10, 0x600 | 12), 0xff00ff0000000000ull, 0x800000ffull, 0xff00ff0000000ull },
    { "rori 63", RV_I(OP_IMM, 12, 5, 10, 0x600 | 63), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x2468acf13579bdeull },
    { "rori 63", RV_I(OP_IMM, 12, 5, 10, 0x600 | 63), 0x8000000000000000ull, 0xffffffffffffffffull, 0x1ull },
    { "rori 63", RV_I(OP_IMM, 12, 5, 10, 0x600 | 63), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "rori 63", RV_I(OP_IMM, 12, 5, 10, 0x600 | 63), 0x80000000ull, 0xffffffffull, 0x100000000ull },
    { "rori 63", RV_I(OP_IMM, 12, 5, 10, 0x600 | 63), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff00000001ull },
    { "rori 63", RV_I(OP_IMM, 12, 5, 10, 0x600 | 63), 0x7ull, 0x0ull, 0xeull },
    { "rori 63", RV_I(OP_IMM, 12, 5, 10, 0x600 | 63), 0x8000000000000000ull, 0x0ull, 0x1ull },
    { "rori 63", RV_I(OP_IMM, 12, 5, 10, 0x600 | 63), 0x3039ull, 0xfffffffffffffff9ull, 0x6072ull },
    { "rori 63", RV_I(OP_IMM, 12, 5, 10, 0x600 | 63), 0x0ull, 0x41ull, 0x0ull },
    { "rori 63", RV_I(OP_IMM, 12, 5, 10, 0x600 | 63), 0xff00ff0000000000ull, 0x800000ffull, 0xfe01fe0000000001ull },
    { "roriw 7", RV_I(OP_IMM32, 12, 5, 10, 0x600 | 7), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xffffffffdf13579bull },
    { "roriw 7", RV_I(OP_IMM32, 12, 5, 10, 0x600 | 7), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "roriw 7", RV_I(OP_IMM32, 12, 5, 10, 0x600 | 7), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "roriw 7", RV_I(OP_IMM32, 12, 5, 10, 0x600 | 7), 0x80000000ull, 0xffffffffull, 0x1000000ull },
    { "roriw 7", RV_I(OP_IMM32, 12, 5, 10, 0x600 | 7), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x1000000ull },
    { "roriw 7", RV_I(OP_IMM32, 12, 5, 10, 0x600 | 7), 0x7ull, 0x0ull, 0xe000000ull },
    { "roriw 7", RV_I(OP_IMM32, 12, 5, 10, 0x600 | 7), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "roriw 7", RV_I(OP_IMM32, 12, 5, 10, 0x600 | 7), 0x3039ull, 0xfffffffffffffff9ull, 0x72000060ull },
    { "roriw 7", RV_I(OP_IMM32, 12, 5, 10, 0x600 | 7), 0x0ull, 0x41ull, 0x0ull },
    { "roriw 7", RV_I(OP_IMM32, 12, 5, 10, 0x600 | 7), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
    { "orc.b", RV_I(OP_IMM, 12, 5, 10, 0x287), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xffffffffffffffffull },
    { "orc.b", RV_I(OP_IMM, 12, 5, 10, 0x287), 0x8000000000000000ull, 0xffffffffffffffffull, 0xff00000000000000ull },
    { "orc.b", RV_I(OP_IMM, 12, 5, 10, 0x287), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "orc.b", RV_I(OP_IMM, 12, 5, 10, 0x287), 0x80000000ull, 0xffffffffull, 0xff000000ull },
    { "orc.b", RV_I(OP_IMM, 12, 5, 10, 0x287), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffffff000000ull },
    { "orc.b", RV_I(OP_IMM, 12, 5, 10, 0x287), 0x7ull, 0x0ull, 0xffull },
    { "orc.b", RV_I(OP_IMM, 12, 5, 10, 0x287), 0x8000000000000000ull, 0x0ull, 0xff00000000000000ull },
    { "orc.b", RV_I(OP_IMM, 12, 5, 10, 0x287), 0x3039ull, 0xfffffffffffffff9ull, 0xffffull },
    { "orc.b", RV_I(OP_IMM, 12, 5, 10, 0x287), 0x0ull, 0x41ull, 0x0ull },
    { "orc.b", RV_I(OP_IMM, 12, 5, 10, 0x287), 0xff00ff0000000000ull, 0x800000ffull, 0xff00ff0000000000ull },
    { "rev8", RV_I(OP_IMM, 12, 5, 10, 0x6b8), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xefcdab8967452301ull },
    { "rev8", RV_I(OP_IMM, 12, 5, 10, 0x6b8), 0x8000000000000000ull, 0xffffffffffffffffull, 0x80ull },
    { "rev8", RV_I(OP_IMM, 12, 5, 10, 0x6b8), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "rev8", RV_I(OP_IMM, 12, 5, 10, 0x6b8), 0x80000000ull, 0xffffffffull, 0x8000000000ull },
    { "rev8", RV_I(OP_IMM, 12, 5, 10, 0x6b8), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x80ffffffffull },
    { "rev8", RV_I(OP_IMM, 12, 5, 10, 0x6b8), 0x7ull, 0x0ull, 0x700000000000000ull },
    { "rev8", RV_I(OP_IMM, 12, 5, 10, 0x6b8), 0x8000000000000000ull, 0x0ull, 0x80ull },
    { "rev8", RV_I(OP_IMM, 12, 5, 10, 0x6b8), 0x3039ull, 0xfffffffffffffff9ull, 0x3930000000000000ull },
    { "rev8", RV_I(OP_IMM, 12, 5, 10, 0x6b8), 0x0ull, 0x41ull, 0x0ull },
    { "rev8", RV_I(OP_IMM, 12, 5, 10, 0x6b8), 0xff00ff0000000000ull, 0x800000ffull, 0xff00ffull },
    { "clmul", RV_R(OP, 12, 1, 10, 11, 0x05), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x40a0789828c810f0ull },
    { "clmul", RV_R(OP, 12, 1, 10, 11, 0x05), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull },
    { "clmul", RV_R(OP, 12, 1, 10, 11, 0x05), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x5555555555555555ull },
    { "clmul", RV_R(OP, 12, 1, 10, 11, 0x05), 0x80000000ull, 0xffffffffull, 0x7fffffff80000000ull },
    { "clmul", RV_R(OP, 12, 1, 10, 11, 0x05), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xaaaaaaaa80000000ull },
    { "clmul", RV_R(OP, 12, 1, 10, 11, 0x05), 0x7ull, 0x0ull, 0x0ull },
    { "clmul", RV_R(OP, 12, 1, 10, 11, 0x05), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "clmul", RV_R(OP, 12, 1, 10, 11, 0x05), 0x3039ull, 0xfffffffffffffff9ull, 0xb081ull },
    { "clmul", RV_R(OP, 12, 1, 10, 11, 0x05), 0x0ull, 0x41ull, 0x0ull },
    { "clmul", RV_R(OP, 12, 1, 10, 11, 0x05), 0xff00ff0000000000ull, 0x800000ffull, 0x5555550000000000ull },
    { "clmulh", RV_R(OP, 12, 3, 10, 11, 0x05), 0x123456789abcdefull, 0xfedcba9876543210ull, 0xe038d8688850b0ull },
    { "clmulh", RV_R(OP, 12, 3, 10, 11, 0x05), 0x8000000000000000ull, 0xffffffffffffffffull, 0x7fffffffffffffffull },
    { "clmulh", RV_R(OP, 12, 3, 10, 11, 0x05), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x5555555555555555ull },
    { "clmulh", RV_R(OP, 12, 3, 10, 11, 0x05), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "clmulh", RV_R(OP, 12, 3, 10, 11, 0x05), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x555555557fffffffull },
    { "clmulh", RV_R(OP, 12, 3, 10, 11, 0x05), 0x7ull, 0x0ull, 0x0ull },
    { "clmulh", RV_R(OP, 12, 3, 10, 11, 0x05), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "clmulh", RV_R(OP, 12, 3, 10, 11, 0x05), 0x3039ull, 0xfffffffffffffff9ull, 0x1017ull },
    { "clmulh", RV_R(OP, 12, 3, 10, 11, 0x05), 0x0ull, 0x41ull, 0x0ull },
    { "clmulh", RV_R(OP, 12, 3, 10, 11, 0x05), 0xff00ff0000000000ull, 0x800000ffull, 0x7f807fd5ull },
    { "clmulr", RV_R(OP, 12, 2, 10, 11, 0x05), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x1c071b0d110a160ull },
    { "clmulr", RV_R(OP, 12, 2, 10, 11, 0x05), 0x8000000000000000ull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "clmulr", RV_R(OP, 12, 2, 10, 11, 0x05), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xaaaaaaaaaaaaaaaaull },
    { "clmulr", RV_R(OP, 12, 2, 10, 11, 0x05), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "clmulr", RV_R(OP, 12, 2, 10, 11, 0x05), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xaaaaaaaaffffffffull },
    { "clmulr", RV_R(OP, 12, 2, 10, 11, 0x05), 0x7ull, 0x0ull, 0x0ull },
    { "clmulr", RV_R(OP, 12, 2, 10, 11, 0x05), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "clmulr", RV_R(OP, 12, 2, 10, 11, 0x05), 0x3039ull, 0xfffffffffffffff9ull, 0x202eull },
    { "clmulr", RV_R(OP, 12, 2, 10, 11, 0x05), 0x0ull, 0x41ull, 0x0ull },
    { "clmulr", RV_R(OP, 12, 2, 10, 11, 0x05), 0xff00ff0000000000ull, 0x800000ffull, 0xff00ffaaull },
    { "bclr", RV_R(OP, 12, 1, 10, 11, 0x24), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789aacdefull },
    { "bclr", RV_R(OP, 12, 1, 10, 11, 0x24), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "bclr", RV_R(OP, 12, 1, 10, 11, 0x24), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x7fffffffffffffffull },
    { "bclr", RV_R(OP, 12, 1, 10, 11, 0x24), 0x80000000ull, 0xffffffffull, 0x80000000ull },
    { "bclr", RV_R(OP, 12, 1, 10, 11, 0x24), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x7fffffff80000000ull },
    { "bclr", RV_R(OP, 12, 1, 10, 11, 0x24), 0x7ull, 0x0ull, 0x6ull },
    { "bclr", RV_R(OP, 12, 1, 10, 11, 0x24), 0x8000000000000000ull, 0x0ull, 0x8000000000000000ull },
    { "bclr", RV_R(OP, 12, 1, 10, 11, 0x24), 0x3039ull, 0xfffffffffffffff9ull, 0x3039ull },
    { "bclr", RV_R(OP, 12, 1, 10, 11, 0x24), 0x0ull, 0x41ull, 0x0ull },
    { "bclr", RV_R(OP, 12, 1, 10, 11, 0x24), 0xff00ff0000000000ull, 0x800000ffull, 0x7f00ff0000000000ull },
    { "bext", RV_R(OP, 12, 5, 10, 11, 0x24), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x1ull },
    { "bext", RV_R(OP, 12, 5, 10, 11, 0x24), 0x8000000000000000ull, 0xffffffffffffffffull, 0x1ull },
    { "bext", RV_R(OP, 12, 5, 10, 11, 0x24), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x1ull },
    { "bext", RV_R(OP, 12, 5, 10, 11, 0x24), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "bext", RV_R(OP, 12, 5, 10, 11, 0x24), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x1ull },
    { "bext", RV_R(OP, 12, 5, 10, 11, 0x24), 0x7ull, 0x0ull, 0x1ull },
    { "bext", RV_R(OP, 12, 5, 10, 11, 0x24), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "bext", RV_R(OP, 12, 5, 10, 11, 0x24), 0x3039ull, 0xfffffffffffffff9ull, 0x0ull },
    { "bext", RV_R(OP, 12, 5, 10, 11, 0x24), 0x0ull, 0x41ull, 0x0ull },
    { "bext", RV_R(OP, 12, 5, 10, 11, 0x24), 0xff00ff0000000000ull, 0x800000ffull, 0x1ull },
    { "binv", RV_R(OP, 12, 1, 10, 11, 0x34), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789aacdefull },
    { "binv", RV_R(OP, 12, 1, 10, 11, 0x34), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "binv", RV_R(OP, 12, 1, 10, 11, 0x34), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x7fffffffffffffffull },
    { "binv", RV_R(OP, 12, 1, 10, 11, 0x34), 0x80000000ull, 0xffffffffull, 0x8000000080000000ull },
    { "binv", RV_R(OP, 12, 1, 10, 11, 0x34), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x7fffffff80000000ull },
    { "binv", RV_R(OP, 12, 1, 10, 11, 0x34), 0x7ull, 0x0ull, 0x6ull },
    { "binv", RV_R(OP, 12, 1, 10, 11, 0x34), 0x8000000000000000ull, 0x0ull, 0x8000000000000001ull },
    { "binv", RV_R(OP, 12, 1, 10, 11, 0x34), 0x3039ull, 0xfffffffffffffff9ull, 0x200000000003039ull },
    { "binv", RV_R(OP, 12, 1, 10, 11, 0x34), 0x0ull, 0x41ull, 0x2ull },
    { "binv", RV_R(OP, 12, 1, 10, 11, 0x34), 0xff00ff0000000000ull, 0x800000ffull, 0x7f00ff0000000000ull },
    { "bset", RV_R(OP, 12, 1, 10, 11, 0x14), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789abcdefull },
    { "bset", RV_R(OP, 12, 1, 10, 11, 0x14), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull },
    { "bset", RV_R(OP, 12, 1, 10, 11, 0x14), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "bset", RV_R(OP, 12, 1, 10, 11, 0x14), 0x80000000ull, 0xffffffffull, 0x8000000080000000ull },
    { "bset", RV_R(OP, 12, 1, 10, 11, 0x14), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull },
    { "bset", RV_R(OP, 12, 1, 10, 11, 0x14), 0x7ull, 0x0ull, 0x7ull },
    { "bset", RV_R(OP, 12, 1, 10, 11, 0x14), 0x8000000000000000ull, 0x0ull, 0x8000000000000001ull },
    { "bset", RV_R(OP, 12, 1, 10, 11, 0x14), 0x3039ull, 0xfffffffffffffff9ull, 0x200000000003039ull },
    { "bset", RV_R(OP, 12, 1, 10, 11, 0x14), 0x0ull, 0x41ull, 0x2ull },
    { "bset", RV_R(OP, 12, 1, 10, 11, 0x14), 0xff00ff0000000000ull, 0x800000ffull, 0xff00ff0000000000ull },
    { "bclri 63", RV_I(OP_IMM, 12, 1, 10, 0x480 | 63), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789abcdefull },
    { "bclri 63", RV_I(OP_IMM, 12, 1, 10, 0x480 | 63), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "bclri 63", RV_I(OP_IMM, 12, 1, 10, 0x480 | 63), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x7fffffffffffffffull },
    { "bclri 63", RV_I(OP_IMM, 12, 1, 10, 0x480 | 63), 0x80000000ull, 0xffffffffull, 0x80000000ull },
    { "bclri 63", RV_I(OP_IMM, 12, 1, 10, 0x480 | 63), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x7fffffff80000000ull },
    { "bclri 63", RV_I(OP_IMM, 12, 1, 10, 0x480 | 63), 0x7ull, 0x0ull, 0x7ull },
    { "bclri 63", RV_I(OP_IMM, 12, 1, 10, 0x480 | 63), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "bclri 63", RV_I(OP_IMM, 12, 1, 10, 0x480 | 63), 0x3039ull, 0xfffffffffffffff9ull, 0x3039ull },
    { "bclri 63", RV_I(OP_IMM, 12, 1, 10, 0x480 | 63), 0x0ull, 0x41ull, 0x0ull },
    { "bclri 63", RV_I(OP_IMM, 12, 1, 10, 0x480 | 63), 0xff00ff0000000000ull, 0x800000ffull, 0x7f00ff0000000000ull },
    { "bexti 40", RV_I(OP_IMM, 12, 5, 10, 0x480 | 40), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x1ull },
    { "bexti 40", RV_I(OP_IMM, 12, 5, 10, 0x480 | 40), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "bexti 40", RV_I(OP_IMM, 12, 5, 10, 0x480 | 40), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x1ull },
    { "bexti 40", RV_I(OP_IMM, 12, 5, 10, 0x480 | 40), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "bexti 40", RV_I(OP_IMM, 12, 5, 10, 0x480 | 40), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x1ull },
    { "bexti 40", RV_I(OP_IMM, 12, 5, 10, 0x480 | 40), 0x7ull, 0x0ull, 0x0ull },
    { "bexti 40", RV_I(OP_IMM, 12, 5, 10, 0x480 | 40), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "bexti 40", RV_I(OP_IMM, 12, 5, 10, 0x480 | 40), 0x3039ull, 0xfffffffffffffff9ull, 0x0ull },
    { "bexti 40", RV_I(OP_IMM, 12, 5, 10, 0x480 | 40), 0x0ull, 0x41ull, 0x0ull },
    { "bexti 40", RV_I(OP_IMM, 12, 5, 10, 0x480 | 40), 0xff00ff0000000000ull, 0x800000ffull, 0x1ull },
    { "binvi 0", RV_I(OP_IMM, 12, 1, 10, 0x680 | 0), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789abcdeeull },
    { "binvi 0", RV_I(OP_IMM, 12, 1, 10, 0x680 | 0), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000001ull },
    { "binvi 0", RV_I(OP_IMM, 12, 1, 10, 0x680 | 0), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xfffffffffffffffeull },
    { "binvi 0", RV_I(OP_IMM, 12, 1, 10, 0x680 | 0), 0x80000000ull, 0xffffffffull, 0x80000001ull },
    { "binvi 0", RV_I(OP_IMM, 12, 1, 10, 0x680 | 0), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000001ull },
    { "binvi 0", RV_I(OP_IMM, 12, 1, 10, 0x680 | 0), 0x7ull, 0x0ull, 0x6ull },
    { "binvi 0", RV_I(OP_IMM, 12, 1, 10, 0x680 | 0), 0x8000000000000000ull, 0x0ull, 0x8000000000000001ull },
    { "binvi 0", RV_I(OP_IMM, 12, 1, 10, 0x680 | 0), 0x3039ull, 0xfffffffffffffff9ull, 0x3038ull },
    { "binvi 0", RV_I(OP_IMM, 12, 1, 10, 0x680 | 0), 0x0ull, 0x41ull, 0x1ull },
    { "binvi 0", RV_I(OP_IMM, 12, 1, 10, 0x680 | 0), 0xff00ff0000000000ull, 0x800000ffull, 0xff00ff0000000001ull },
    { "bseti 33", RV_I(OP_IMM, 12, 1, 10, 0x280 | 33), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789abcdefull },
    { "bseti 33", RV_I(OP_IMM, 12, 1, 10, 0x280 | 33), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000200000000ull },
    { "bseti 33", RV_I(OP_IMM, 12, 1, 10, 0x280 | 33), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "bseti 33", RV_I(OP_IMM, 12, 1, 10, 0x280 | 33), 0x80000000ull, 0xffffffffull, 0x280000000ull },
    { "bseti 33", RV_I(OP_IMM, 12, 1, 10, 0x280 | 33), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull },
    { "bseti 33", RV_I(OP_IMM, 12, 1, 10, 0x280 | 33), 0x7ull, 0x0ull, 0x200000007ull },
    { "bseti 33", RV_I(OP_IMM, 12, 1, 10, 0x280 | 33), 0x8000000000000000ull, 0x0ull, 0x8000000200000000ull },
    { "bseti 33", RV_I(OP_IMM, 12, 1, 10, 0x280 | 33), 0x3039ull, 0xfffffffffffffff9ull, 0x200003039ull },
    { "bseti 33", RV_I(OP_IMM, 12, 1, 10, 0x280 | 33), 0x0ull, 0x41ull, 0x200000000ull },
    { "bseti 33", RV_I(OP_IMM, 12, 1, 10, 0x280 | 33), 0xff00ff0000000000ull, 0x800000ffull, 0xff00ff0200000000ull },
    { "czero.eqz", RV_R(OP, 12, 5, 10, 11, 0x07), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x123456789abcdefull },
    { "czero.eqz", RV_R(OP, 12, 5, 10, 11, 0x07), 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull },
    { "czero.eqz", RV_R(OP, 12, 5, 10, 11, 0x07), 0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull },
    { "czero.eqz", RV_R(OP, 12, 5, 10, 11, 0x07), 0x80000000ull, 0xffffffffull, 0x80000000ull },
    { "czero.eqz", RV_R(OP, 12, 5, 10, 11, 0x07), 0xffffffff80000000ull, 0xffffffffffffffffull, 0xffffffff80000000ull },
    { "czero.eqz", RV_R(OP, 12, 5, 10, 11, 0x07), 0x7ull, 0x0ull, 0x0ull },
    { "czero.eqz", RV_R(OP, 12, 5, 10, 11, 0x07), 0x8000000000000000ull, 0x0ull, 0x0ull },
    { "czero.eqz", RV_R(OP, 12, 5, 10, 11, 0x07), 0x3039ull, 0xfffffffffffffff9ull, 0x3039ull },
    { "czero.eqz", RV_R(OP, 12, 5, 10, 11, 0x07), 0x0ull, 0x41ull, 0x0ull },
    { "czero.eqz", RV_R(OP, 12, 5, 10, 11, 0x07), 0xff00ff0000000000ull, 0x800000ffull, 0xff00ff0000000000ull },
    { "czero.nez", RV_R(OP, 12, 7, 10, 11, 0x07), 0x123456789abcdefull, 0xfedcba9876543210ull, 0x0ull },
    { "czero.nez", RV_R(OP, 12, 7, 10, 11, 0x07), 0x8000000000000000ull, 0xffffffffffffffffull, 0x0ull },
    { "czero.nez", RV_R(OP, 12, 7, 10, 11, 0x07), 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0ull },
    { "czero.nez", RV_R(OP, 12, 7, 10, 11, 0x07), 0x80000000ull, 0xffffffffull, 0x0ull },
    { "czero.nez", RV_R(OP, 12, 7, 10, 11, 0x07), 0xffffffff80000000ull, 0xffffffffffffffffull, 0x0ull },
    { "czero.nez", RV_R(OP, 12, 7, 10, 11, 0x07), 0x7ull, 0x0ull, 0x7ull },
    { "czero.nez", RV_R(OP, 12, 7, 10, 11, 0x07), 0x8000000000000000ull, 0x0ull, 0x8000000000000000ull },
    { "czero.nez", RV_R(OP, 12, 7, 10, 11, 0x07), 0x3039ull, 0xfffffffffffffff9ull, 0x0ull },
    { "czero.nez", RV_R(OP, 12, 7, 10, 11, 0x07), 0x0ull, 0x41ull, 0x0ull },
    { "czero.nez", RV_R(OP, 12, 7, 10, 11, 0x07), 0xff00ff0000000000ull, 0x800000ffull, 0x0ull },
};

/* Run insns at BASE up to their end. */
static bool run_prog(RvTestBench *tb, const uint32_t *insns, unsigned n)
{
    tb->cpu.pc = BASE;
    rv_bench_load32(tb, BASE, insns, n);
    return rv_bench_run(tb, BASE + 4 * n, RUN_MS);
}

UNITTEST(integer_extension_table)
{
    RvTestBench *tb = rv_bench_new();

    for (size_t i = 0; i < sizeof(rv_cases) / sizeof(rv_cases[0]); i++) {
        const RvCase *c = &rv_cases[i];
        tb->cpu.gpr[10] = c->rs1;
        tb->cpu.gpr[11] = c->rs2;
        tb->cpu.gpr[12] = 0x5a5a5a5a5a5a5a5aull;
        if (!run_prog(tb, &c->insn, 1) || tb->cpu.gpr[12] != c->rd ||
            tb->cpu.gpr[10] != c->rs1 || tb->cpu.gpr[11] != c->rs2) {
            unittest_fail(__FILE__, __LINE__,
                          "%s 0x%" PRIx64 ", 0x%" PRIx64 " = 0x%" PRIx64 ", expected 0x%" PRIx64,
                          c->name, c->rs1, c->rs2, tb->cpu.gpr[12], c->rd);
        }
    }
    CHECK_U64(tb->exceptions, 0);
    rv_bench_free(tb);
}

/* rd = rs1 for every R-type in the table: the destination aliases a source. */
UNITTEST(destination_aliases_source)
{
    RvTestBench *tb = rv_bench_new();

    for (size_t i = 0; i < sizeof(rv_cases) / sizeof(rv_cases[0]); i++) {
        const RvCase *c = &rv_cases[i];
        uint32_t insn = (c->insn & ~(0x1fu << 7)) | 10u << 7;     /* rd = x10 */
        tb->cpu.gpr[10] = c->rs1;
        tb->cpu.gpr[11] = c->rs2;
        if (!run_prog(tb, &insn, 1) || tb->cpu.gpr[10] != c->rd) {
            unittest_fail(__FILE__, __LINE__, "%s with rd = rs1: 0x%" PRIx64 ", expected 0x%"
                          PRIx64, c->name, tb->cpu.gpr[10], c->rd);
        }
    }
    rv_bench_free(tb);
}

/* x0 as destination: no write, for every row. */
UNITTEST(x0_destination_is_dropped)
{
    RvTestBench *tb = rv_bench_new();

    for (size_t i = 0; i < sizeof(rv_cases) / sizeof(rv_cases[0]); i += 7) {
        uint32_t insn = rv_cases[i].insn & ~(0x1fu << 7);
        tb->cpu.gpr[10] = rv_cases[i].rs1;
        tb->cpu.gpr[11] = rv_cases[i].rs2;
        CHECK(run_prog(tb, &insn, 1));
        CHECK_U64(tb->cpu.gpr[0], 0);
    }
    rv_bench_free(tb);
}

/* ---- A ---- */

static uint32_t amo(unsigned f5, unsigned width_f3, unsigned rd, unsigned rs1, unsigned rs2)
{
    return rv_enc_r(AMO, rd, width_f3, rs1, rs2, f5 << 2);
}

#define F5_LR 0x02
#define F5_SC 0x03
#define F5_SWAP 0x01
#define F5_ADD 0x00
#define F5_XOR 0x04
#define F5_AND 0x0c
#define F5_OR 0x08
#define F5_MIN 0x10
#define F5_MAX 0x14
#define F5_MINU 0x18
#define F5_MAXU 0x1c
#define W 2
#define D 3

UNITTEST(lr_sc_pairs)
{
    RvTestBench *tb = rv_bench_new();
    tb->cpu.gpr[10] = DATA;
    tb->cpu.gpr[11] = 0x1111222233334444ull;
    rv_bench_write64(tb, DATA, 0xfffffffe80000001ull);
    const uint32_t p[] = {
        amo(F5_LR, W, 5, 10, 0),        /* lr.w t0: sign-extended low word */
        amo(F5_SC, W, 6, 10, 11),       /* sc.w t1: succeeds -> 0 */
        amo(F5_SC, W, 7, 10, 11),       /* sc.w t2: no reservation -> 1 */
        amo(F5_LR, D, 28, 10, 0),       /* lr.d t3 */
        amo(F5_SC, D, 29, 10, 0),       /* sc.d t4 <- 0: succeeds */
    };
    CHECK(run_prog(tb, p, 5));
    CHECK_U64(tb->cpu.gpr[5], 0xffffffff80000001ull);
    CHECK_U64(tb->cpu.gpr[6], 0);
    CHECK_U64(tb->cpu.gpr[7], 1);
    CHECK_U64(tb->cpu.gpr[28], 0xfffffffe33334444ull);
    CHECK_U64(tb->cpu.gpr[29], 0);
    CHECK_U64(rv_bench_read64(tb, DATA), 0);
    CHECK_U64(tb->cpu.load_res, UINT64_MAX);
    rv_bench_free(tb);
}

UNITTEST(sc_fails_after_store_or_other_address)
{
    RvTestBench *tb = rv_bench_new();
    tb->cpu.gpr[10] = DATA;
    tb->cpu.gpr[11] = 77;
    tb->cpu.gpr[12] = DATA + 8;
    rv_bench_write64(tb, DATA, 5);
    rv_bench_write64(tb, DATA + 8, 6);
    const uint32_t p[] = {
        amo(F5_LR, D, 5, 10, 0),        /* lr.d t0, (a0) */
        amo(F5_SC, D, 6, 12, 11),       /* sc.d t1, a1, (a2): other address: fails */
        amo(F5_LR, D, 5, 10, 0),        /* lr.d again */
        rv_enc_s(0x23, 3, 10, 11, 0),   /* sd a1, (a0): the value changes */
        amo(F5_SC, D, 7, 10, 0),        /* sc.d t2, zero, (a0): fails */
    };
    CHECK(run_prog(tb, p, 5));
    CHECK_U64(tb->cpu.gpr[6], 1);
    CHECK_U64(tb->cpu.gpr[7], 1);
    CHECK_U64(rv_bench_read64(tb, DATA + 8), 6);
    CHECK_U64(rv_bench_read64(tb, DATA), 77);
    rv_bench_free(tb);
}

typedef struct AmoCase {
    const char *name;
    unsigned f5, width;
    uint64_t mem, rs2;
    uint64_t rd, mem_after;
} AmoCase;

static const AmoCase amo_cases[] = {
    { "amoswap.w", F5_SWAP, W, 0x1111111180000000ull, 0x12345678ull, 0xffffffff80000000ull,
      0x1111111112345678ull },
    { "amoadd.w", F5_ADD, W, 0x22222222ffffffffull, 2, 0xffffffffffffffffull,
      0x2222222200000001ull },
    { "amoxor.w", F5_XOR, W, 0x0f0f0f0f, 0xffffffff00ff00ffull, 0x0f0f0f0f, 0x0ff00ff0 },
    { "amoand.w", F5_AND, W, 0xaaaaaaaa, 0x0000ffff, 0xffffffffaaaaaaaaull, 0x0000aaaa },
    { "amoor.w", F5_OR, W, 0x00000001, 0x80000000, 1, 0x80000001 },
    { "amomin.w", F5_MIN, W, 0x00000001, 0x80000000, 1, 0x80000000 },
    { "amomax.w", F5_MAX, W, 0x00000001, 0x80000000, 1, 1 },
    { "amominu.w", F5_MINU, W, 0x00000001, 0x80000000, 1, 1 },
    { "amomaxu.w", F5_MAXU, W, 0x00000001, 0xffffffff80000000ull, 1, 0x80000000 },
    /* The W forms compare only the low words: rs2's upper half is ignored. */
    { "amomin.w hi", F5_MIN, W, 0xfffffffe, 0x7fffffff00000001ull, 0xfffffffffffffffeull,
      0xfffffffe },
    { "amoswap.d", F5_SWAP, D, 0x8000000000000000ull, 5, 0x8000000000000000ull, 5 },
    { "amoadd.d", F5_ADD, D, 0xffffffffffffffffull, 2, 0xffffffffffffffffull, 1 },
    { "amoxor.d", F5_XOR, D, 0xff00ff00ff00ff00ull, 0xffffffffffffffffull,
      0xff00ff00ff00ff00ull, 0x00ff00ff00ff00ffull },
    { "amoand.d", F5_AND, D, 0xf0f0f0f0f0f0f0f0ull, 0xff00000000000000ull,
      0xf0f0f0f0f0f0f0f0ull, 0xf000000000000000ull },
    { "amoor.d", F5_OR, D, 1, 0x8000000000000000ull, 1, 0x8000000000000001ull },
    { "amomin.d", F5_MIN, D, 1, 0x8000000000000000ull, 1, 0x8000000000000000ull },
    { "amomax.d", F5_MAX, D, 1, 0x8000000000000000ull, 1, 1 },
    { "amominu.d", F5_MINU, D, 1, 0x8000000000000000ull, 1, 1 },
    { "amomaxu.d", F5_MAXU, D, 1, 0x8000000000000000ull, 1, 0x8000000000000000ull },
};

UNITTEST(amo_results_and_memory)
{
    RvTestBench *tb = rv_bench_new();

    for (size_t i = 0; i < sizeof(amo_cases) / sizeof(amo_cases[0]); i++) {
        const AmoCase *c = &amo_cases[i];
        /* aq and rl set on every other case: barriers only. */
        uint32_t insn = amo(c->f5, c->width, 12, 10, 11) | (i & 1 ? 3u << 25 : 0);
        rv_bench_write64(tb, DATA, c->width == W ? (0x5555555500000000ull | (uint32_t)c->mem)
                                                 : c->mem);
        tb->cpu.gpr[10] = DATA;
        tb->cpu.gpr[11] = c->rs2;
        uint64_t want_mem = c->width == W ? (0x5555555500000000ull | (uint32_t)c->mem_after)
                                          : c->mem_after;
        if (!run_prog(tb, &insn, 1) || tb->cpu.gpr[12] != c->rd ||
            rv_bench_read64(tb, DATA) != want_mem) {
            unittest_fail(__FILE__, __LINE__, "%s: rd 0x%" PRIx64 " (want 0x%" PRIx64
                          "), memory 0x%" PRIx64 " (want 0x%" PRIx64 ")", c->name,
                          tb->cpu.gpr[12], c->rd, rv_bench_read64(tb, DATA), want_mem);
        }
    }
    rv_bench_free(tb);
}

UNITTEST(misaligned_atomics_raise)
{
    static const struct {
        uint32_t insn;
        uint64_t cause;
    } cases[] = {
        { 0, RISCV_EXCP_LOAD_ADDR_MIS },            /* lr.w (filled below) */
        { 0, RISCV_EXCP_STORE_AMO_ADDR_MIS },       /* sc.w without reservation */
        { 0, RISCV_EXCP_STORE_AMO_ADDR_MIS },       /* amoadd.w */
        { 0, RISCV_EXCP_STORE_AMO_ADDR_MIS },       /* amoswap.d at +4 */
    };
    const uint32_t insns[] = {
        amo(F5_LR, W, 5, 10, 0), amo(F5_SC, W, 5, 10, 11), amo(F5_ADD, W, 5, 10, 11),
        amo(F5_SWAP, D, 5, 13, 11),
    };
    RvTestBench *tb = rv_bench_new();

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tb->cpu.gpr[5] = 0x77;
        tb->cpu.gpr[10] = DATA + 2;
        tb->cpu.gpr[13] = DATA + 4;
        tb->cpu.mtvec = BASE + 0x100;
        tb->cpu.pc = BASE;
        rv_bench_write64(tb, DATA, 0);
        rv_bench_load32(tb, BASE, &insns[i], 1);
        CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
        CHECK_U64(tb->cpu.mcause, cases[i].cause);
        CHECK_U64(tb->cpu.mepc, BASE);
        CHECK_U64(tb->cpu.mtval, i == 3 ? DATA + 4 : DATA + 2);
        CHECK_U64(tb->cpu.gpr[5], 0x77);            /* rd unchanged */
        CHECK_U64(rv_bench_read64(tb, DATA), 0);    /* memory unchanged */
    }
    rv_bench_free(tb);
}

UNITTEST(extension_gating)
{
    RvTestBench *tb = rv_bench_new();

    /* Without Zbb, andn is illegal; without M, mul is. */
    tb->cpu.cfg.ext_zbb = false;
    tb->cpu.misa &= ~RVM;
    tb->cpu.mtvec = BASE + 0x100;
    const uint32_t andn = rv_enc_r(OP, 12, 7, 10, 11, 0x20);
    rv_bench_load32(tb, BASE, &andn, 1);
    CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
    CHECK_U64(tb->cpu.mcause, RISCV_EXCP_ILLEGAL_INST);
    CHECK_U64(tb->cpu.mtval, andn);
    const uint32_t mul = rv_enc_r(OP, 12, 0, 10, 11, 1);
    tb->cpu.pc = BASE;
    rv_bench_load32(tb, BASE, &mul, 1);
    CHECK(rv_bench_run(tb, BASE + 0x100, RUN_MS));
    CHECK_U64(tb->cpu.mtval, mul);
    rv_bench_free(tb);
}
