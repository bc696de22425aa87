/*
 * Golden tests of the RISC-V disassembler: instruction words with the text
 * worked out by hand from the ISA manual's encodings.  The 32-bit rows agree
 * with `riscv64-linux-gnu-objdump -d -M no-aliases` (bar the 0x on targets);
 * compressed rows print as the instruction they expand to (see disas.h).
 * disas_objdump_test.sh compares a few hundred more against objdump.
 */
#include "guest/riscv/disas.h"
#include "util/unittest.h"

typedef struct {
    uint32_t offset;
    uint32_t insn;
    const char *text;
} DisasGolden;

static void check_rows(uint64_t base, const DisasGolden *rows, size_t n, size_t want_len)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t w = rows[i].insn;
        uint8_t b[4] = { w, w >> 8, w >> 16, w >> 24 };
        char buf[128];
        size_t len = riscv_disas(base + rows[i].offset, b, sizeof(b), buf, sizeof(buf));

        CHECK_INT(len, want_len);
        CHECK_STR(buf, rows[i].text);
    }
}

UNITTEST(golden_32bit)
{
    static const DisasGolden rows[] = {
        { 0x00, 0x00150513, "addi\ta0,a0,1" },
        { 0x04, 0xff010113, "addi\tsp,sp,-16" },
        { 0x08, 0x00813783, "ld\ta5,8(sp)" },
        { 0x0c, 0x00113c23, "sd\tra,24(sp)" },
        { 0x10, 0x12345537, "lui\ta0,0x12345" },
        { 0x14, 0xfffff297, "auipc\tt0,0xfffff" },
        { 0x18, 0x001000ef, "jal\tra,0x80000818" },
        { 0x1c, 0xfeb508e3, "beq\ta0,a1,0x8000000c" },
        { 0x20, 0x7fbfffe3, "bgeu\tt6,s11,0x8000101e" },
        { 0x24, 0x00008067, "jalr\tzero,0(ra)" },
        { 0x28, 0x03f59513, "slli\ta0,a1,0x3f" },
        { 0x2c, 0x41f5d51b, "sraiw\ta0,a1,0x1f" },
        { 0x30, 0x30002573, "csrrs\ta0,mstatus,zero" },
        { 0x34, 0x7c02d073, "csrrwi\tzero,0x7c0,5" },
        { 0x38, 0x180312f3, "csrrw\tt0,satp,t1" },
        { 0x3c, 0x0ff0000f, "fence\tiorw,iorw" },
        { 0x40, 0x8330000f, "fence.tso" },
        { 0x44, 0x0100000f, "pause" },
        { 0x48, 0x0000100f, "fence.i" },
        { 0x4c, 0x00000073, "ecall" },
        { 0x50, 0x00100073, "ebreak" },
        { 0x54, 0x10200073, "sret" },
        { 0x58, 0x30200073, "mret" },
        { 0x5c, 0x10500073, "wfi" },
        { 0x60, 0x12b50073, "sfence.vma\ta0,a1" },
        { 0x64, 0x1605b52f, "lr.d.aqrl\ta0,(a1)" },
        { 0x68, 0x1ad7262f, "sc.w.rl\ta2,a3,(a4)" },
        { 0x6c, 0x04b6252f, "amoadd.w.aq\ta0,a1,(a2)" },
        { 0x70, 0x02c5f553, "fadd.d\tfa0,fa1,fa2" },
        { 0x74, 0x00209053, "fadd.s\tft0,ft1,ft2,rtz" },
        { 0x78, 0x6ac5f543, "fmadd.d\tfa0,fa1,fa2,fa3" },
        { 0x7c, 0xc2051553, "fcvt.w.d\ta0,fa0,rtz" },
        { 0x80, 0xd2257553, "fcvt.d.l\tfa0,a0" },
        { 0x84, 0xe2078553, "fmv.x.d\ta0,fa5" },
        { 0x88, 0xff843407, "fld\tfs0,-8(s0)" },
        { 0x8c, 0x7fffae27, "fsw\tft11,2044(t6)" },
        { 0x90, 0xa0102553, "feq.s\ta0,ft0,ft1" },
        { 0x94, 0x20c5c533, "sh2add\ta0,a1,a2" },
        { 0x98, 0x6b85d513, "rev8\ta0,a1" },
        { 0x9c, 0x6075d513, "rori\ta0,a1,0x7" },
        { 0xa0, 0x2bf59513, "bseti\ta0,a1,0x3f" },
        { 0xa4, 0x0ec5d533, "czero.eqz\ta0,a1,a2" },
        { 0xa8, 0x0805c53b, "zext.h\ta0,a1" },
        { 0xac, 0x0349a933, "mulhsu\ts2,s3,s4" },
        { 0xb0, 0xffffffff, ".insn\t0xffffffff" },
        { 0xb4, 0x0000707f, ".insn\t0x0000707f" },
        { 0xb8, 0xd20002d3, "fcvt.d.w\tft5,zero" },        /* exact: rne not shown */
        { 0xbc, 0xd200f2d3, "fcvt.d.w\tft5,ra" },          /* dyn */
        { 0xc0, 0xd200b2d3, "fcvt.d.w\tft5,ra,rup" },
        { 0xc4, 0xd20002d3 ^ 0x1000, "fcvt.d.w\tft5,zero,rtz" },
        { 0xc8, 0xc20002d3, "fcvt.w.d\tt0,ft0,rne" },      /* inexact: rne shown */
    };

    check_rows(0x80000000, rows, sizeof(rows) / sizeof(rows[0]), 4);
}

UNITTEST(golden_compressed)
{
    static const DisasGolden rows[] = {
        { 0x00, 0x1141, "addi\tsp,sp,-16" },        /* c.addi sp,-16 */
        { 0x02, 0x4505, "addi\ta0,zero,1" },        /* c.li a0,1 */
        { 0x04, 0x852e, "add\ta0,zero,a1" },        /* c.mv a0,a1 */
        { 0x06, 0x8082, "jalr\tzero,0(ra)" },       /* c.jr ra */
        { 0x08, 0x9782, "jalr\tra,0(a5)" },         /* c.jalr a5 */
        { 0x0a, 0x60a2, "ld\tra,8(sp)" },           /* c.ldsp */
        { 0x0c, 0xe406, "sd\tra,8(sp)" },           /* c.sdsp */
        { 0x0e, 0x557e, "lw\ta0,252(sp)" },         /* c.lwsp */
        { 0x10, 0xc22e, "sw\ta1,4(sp)" },           /* c.swsp */
        { 0x12, 0xb001, "jal\tzero,0x80000812" },   /* c.j .-2048 */
        { 0x14, 0xc501, "beq\ta0,zero,0x8000101c" },/* c.beqz a0,.+8 */
        { 0x16, 0xf081, "bne\ts1,zero,0x80000f16" },/* c.bnez s1,.-256 */
        { 0x18, 0x1fe0, "addi\ts0,sp,1020" },       /* c.addi4spn */
        { 0x1a, 0x7505, "lui\ta0,0xfffe1" },        /* c.lui */
        { 0x1c, 0x7101, "addi\tsp,sp,-512" },       /* c.addi16sp */
        { 0x1e, 0x357d, "addiw\ta0,a0,-1" },        /* c.addiw */
        { 0x20, 0x97fd, "srai\ta5,a5,0x3f" },       /* c.srai */
        { 0x22, 0x9b01, "andi\ta4,a4,-32" },        /* c.andi */
        { 0x24, 0x9c05, "subw\ts0,s0,s1" },         /* c.subw */
        { 0x26, 0x7de8, "ld\ta0,248(a1)" },         /* c.ld */
        { 0x28, 0xdf7c, "sw\ta5,124(a4)" },         /* c.sw */
        { 0x2a, 0x2588, "fld\tfa0,8(a1)" },         /* c.fld */
        { 0x2c, 0xbfa2, "fsd\tfs0,504(sp)" },       /* c.fsdsp */
        { 0x2e, 0x9002, "ebreak" },                 /* c.ebreak */
        { 0x30, 0x0001, "addi\tzero,zero,0" },      /* c.nop */
        { 0x32, 0x952e, "add\ta0,a0,a1" },          /* c.add */
        { 0x34, 0x0506, "slli\ta0,a0,0x1" },        /* c.slli */
        { 0x36, 0x0000, "unimp" },                  /* defined illegal */
        { 0x38, 0x0004, ".insn\t0x0004" },          /* c.addi4spn, nzuimm=0 */
        { 0x3a, 0x8000, ".insn\t0x8000" },          /* quadrant 0, funct3=100 */
        { 0x3c, 0x6002, ".insn\t0x6002" },          /* c.ldsp rd=0 */
        { 0x3e, 0x8002, ".insn\t0x8002" },          /* c.jr rs1=0 */
        { 0x40, 0x6101, ".insn\t0x6101" },          /* c.addi16sp imm=0 */
        { 0x42, 0x6501, ".insn\t0x6501" },          /* c.lui a0,0 */
        { 0x44, 0x2001, ".insn\t0x2001" },          /* c.addiw rd=0 */
        { 0x46, 0x9c41, ".insn\t0x9c41" },          /* funct2=10 after c.subw */
    };

    check_rows(0x80001000, rows, sizeof(rows) / sizeof(rows[0]), 2);
}

UNITTEST(short_buffers)
{
    uint8_t b[4] = { 0x13, 0x05, 0x15, 0x00 };      /* addi a0,a0,1 */
    char buf[8];

    CHECK_INT(riscv_disas(0, b, 1, buf, sizeof(buf)), 0);
    CHECK_INT(riscv_disas(0, b, 3, buf, sizeof(buf)), 0);
    CHECK_INT(riscv_disas(0, b, 4, buf, sizeof(buf)), 4);
    CHECK_STR(buf, "addi\ta0");                     /* truncated to fit */
    CHECK_INT(riscv_disas(0, b, 4, NULL, 0), 4);
}
