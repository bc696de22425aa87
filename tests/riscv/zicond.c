/*
 * Zicond 1.0 on the virt board: czero.eqz rd = (rs2 == 0) ? 0 : rs1 and
 * czero.nez rd = (rs2 != 0) ? 0 : rs1, with rd aliasing either source and
 * the usual select idiom.  Encoded with .insn (binutils 2.40 predates
 * Zicond): opcode OP, funct7 0000111, funct3 101 (eqz) / 111 (nez).
 */
#include "testlib.h"

#define CZERO_EQZ(a, b) ({ uint64_t r_; __asm__ volatile(".insn r 0x33, 5, 7, %0, %1, %2"      \
                           : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b))); r_; })
#define CZERO_NEZ(a, b) ({ uint64_t r_; __asm__ volatile(".insn r 0x33, 7, 7, %0, %1, %2"      \
                           : "=r"(r_) : "r"((uint64_t)(a)), "r"((uint64_t)(b))); r_; })

int main(void)
{
    CHECK_EQ(CZERO_EQZ(0x1234, 0), 0);
    CHECK_EQ(CZERO_EQZ(0x1234, 1), 0x1234);
    CHECK_EQ(CZERO_EQZ(0xffffffffffffffffull, 0x8000000000000000ull), 0xffffffffffffffffull);
    CHECK_EQ(CZERO_EQZ(0x1234, 0x100000000ull), 0x1234);   /* all 64 bits of rs2 count */
    CHECK_EQ(CZERO_NEZ(0x1234, 0), 0x1234);
    CHECK_EQ(CZERO_NEZ(0x1234, 2), 0);
    CHECK_EQ(CZERO_NEZ(0x1234, 0x8000000000000000ull), 0);

    /* rd = rs1 and rd = rs2 */
    uint64_t v = 77;
    __asm__ volatile(".insn r 0x33, 5, 7, %0, %0, %1" : "+r"(v) : "r"(0ull));
    CHECK_EQ(v, 0);
    v = 5;
    __asm__ volatile(".insn r 0x33, 7, 7, %0, %1, %0" : "+r"(v) : "r"(99ull));
    CHECK_EQ(v, 0);
    v = 0;
    __asm__ volatile(".insn r 0x33, 7, 7, %0, %1, %0" : "+r"(v) : "r"(99ull));
    CHECK_EQ(v, 99);

    /* cond ? a : b  ==  czero.nez(b, cond) | czero.eqz(a, cond) */
    for (uint64_t cond = 0; cond < 2; cond++) {
        uint64_t sel = CZERO_NEZ(222, cond) | CZERO_EQZ(111, cond);
        CHECK_EQ(sel, cond ? 111 : 222);
    }
    return test_result("zicond");
}
