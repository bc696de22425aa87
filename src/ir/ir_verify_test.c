/*
 * The verifier must accept well-formed blocks and reject each kind of bad
 * IR with a message naming the problem.  Bad IR is made with ir_emit or by
 * editing ops after the fact (the typed emitters assert instead).
 */
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"
#include "util/unittest.h"

static IrContext *vctx;
static IrVal g64, g32;

static IrBuilder *vbuilder(void)
{
    if (!vctx) {
        vctx = ir_context_new();
        g64 = ir_global(vctx, IR_I64, 0, "g64");
        g32 = ir_global(vctx, IR_I32, 8, "g32");
    }
    return ir_builder_new(vctx);
}

/* Expect rejection with a message containing needle. */
static void vreject(IrBuilder *b, const char *needle, const char *file, int line)
{
    Error *err = NULL;
    if (ir_verify(b, &err)) {
        unittest_fail(file, line, "accepted bad IR (expected \"%s\")", needle);
    } else {
        if (!strstr(error_get_pretty(err), needle)) {
            unittest_fail(file, line, "message \"%s\" lacks \"%s\"", error_get_pretty(err),
                          needle);
        }
        error_free(err);
    }
    ir_builder_free(b);
}
#define VREJECT(b, needle) vreject(b, needle, __FILE__, __LINE__)

UNITTEST(verify_accepts_good_block)
{
    IrBuilder *b = vbuilder();
    IrVal t = ir_new_temp(b, IR_I64);
    IrLabel l = ir_new_label(b);
    ir_insn_start(b, 0x100, 0, 0);
    ir_movi(b, t, 1);
    ir_brcond_imm(b, IR_COND_NE, g64, 0, l);
    ir_add(b, g64, g64, t);
    ir_set_label(b, l);
    ir_goto_tb(b, 0);
    ir_exit_tb(b, IR_EXIT_SLOT0);
    Error *err = NULL;
    CHECK(ir_verify(b, &err));
    ir_builder_free(b);
}

UNITTEST(verify_rejects_type_mismatch)
{
    IrBuilder *b = vbuilder();
    IrVal ins[2] = { g64, g32 };
    ir_emit(b, IR_OP_add, IR_I64, &g64, 1, ins, 2, NULL, 0);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    VREJECT(b, "operand 2: type i32, expected i64");
}

UNITTEST(verify_rejects_i64_only_op_as_i32)
{
    IrBuilder *b = vbuilder();
    ir_emit(b, IR_OP_bswap64, IR_I32, &g32, 1, &g32, 1, NULL, 0);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    VREJECT(b, "exists only as i64");
}

UNITTEST(verify_rejects_use_before_def)
{
    IrBuilder *b = vbuilder();
    IrVal t = ir_new_temp(b, IR_I64);
    ir_add(b, g64, g64, t);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    VREJECT(b, "reads TB temp t0 before it is written");
}

UNITTEST(verify_rejects_ebb_temp_across_label)
{
    IrBuilder *b = vbuilder();
    IrVal e = ir_new_ebb_temp(b, IR_I64);
    IrLabel l = ir_new_label(b);
    ir_movi(b, e, 1);
    ir_set_label(b, l);
    ir_mov(b, g64, e);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    VREJECT(b, "reads EBB temp");
}

UNITTEST(verify_rejects_unset_and_double_labels)
{
    IrBuilder *b = vbuilder();
    IrLabel l = ir_new_label(b);
    ir_br(b, l);
    VREJECT(b, "label L0 is never set");

    b = vbuilder();
    l = ir_new_label(b);
    ir_set_label(b, l);
    ir_set_label(b, l);
    ir_exit_tb(b, IR_EXIT_NORMAL);
    VREJECT(b, "set twice");
}

UNITTEST(verify_rejects_bad_constants)
{
    IrBuilder *b = vbuilder();
    ir_extract(b, g32, g32, 0, 8);
    ir_op_at(b, 0)->consts[1] = 33;           /* field past i32 */
    ir_exit_tb(b, IR_EXIT_NORMAL);
    VREJECT(b, "bit field");

    b = vbuilder();
    ir_setcond(b, IR_COND_EQ, g64, g64, g64);
    ir_op_at(b, 0)->consts[0] = 99;
    ir_exit_tb(b, IR_EXIT_NORMAL);
    VREJECT(b, "bad condition");

    b = vbuilder();
    IrVal a = ir_new_temp(b, IR_I64);
    ir_movi(b, a, 0);
    ir_guest_ld(b, g32, a, MO_UL, 0);
    ir_op_at(b, 1)->consts[0] = MO_UQ;        /* 64-bit into i32 */
    ir_exit_tb(b, IR_EXIT_NORMAL);
    VREJECT(b, "64-bit access into i32");
}

UNITTEST(verify_rejects_write_to_constant_and_fallthrough)
{
    IrBuilder *b = vbuilder();
    IrVal c = ir_const(b, IR_I64, 5);
    ir_movi(b, g64, 1);
    ir_op_at(b, 0)->vals[0] = c.id;
    ir_exit_tb(b, IR_EXIT_NORMAL);
    VREJECT(b, "writes constant");

    b = vbuilder();
    ir_movi(b, g64, 1);
    VREJECT(b, "does not end with an exit");
}

/* Return-predictor hints sit right before their block end, and a call's
 * return slot is free. */
UNITTEST(verify_checks_return_predictor_hints)
{
    IrBuilder *b = vbuilder();
    ir_call_hint(b, 0x104, 1, 0);
    ir_goto_tb(b, 0);
    ir_exit_tb(b, IR_EXIT_SLOT0);
    Error *err = NULL;
    CHECK(ir_verify(b, &err));
    ir_builder_free(b);

    b = vbuilder();
    ir_return_hint(b);
    ir_lookup_and_goto_ptr(b);
    CHECK(ir_verify(b, &err));
    ir_builder_free(b);

    b = vbuilder();
    ir_call_hint(b, 0x104, 1, 0);
    ir_movi(b, g64, 1);
    ir_lookup_and_goto_ptr(b);
    VREJECT(b, "not right before a goto_tb or lookup_and_goto_ptr");

    b = vbuilder();
    ir_return_hint(b);
    ir_goto_tb(b, 0);
    ir_exit_tb(b, IR_EXIT_SLOT0);
    VREJECT(b, "not right before a lookup_and_goto_ptr");

    b = vbuilder();
    IrLabel l = ir_new_label(b);
    ir_brcond_imm(b, IR_COND_EQ, g64, 0, l);
    ir_goto_tb(b, 1);
    ir_exit_tb(b, IR_EXIT_SLOT1);
    ir_set_label(b, l);
    ir_call_hint(b, 0x104, 1, 0);
    ir_goto_tb(b, 0);
    ir_exit_tb(b, IR_EXIT_SLOT0);
    VREJECT(b, "return slot 1 is also op 1's");

    b = vbuilder();
    ir_call_hint(b, 0x104, 0, 0);
    ir_op_at(b, 0)->consts[1] = IR_GOTO_TB_SLOTS;
    ir_lookup_and_goto_ptr(b);
    VREJECT(b, "return slot 4");
}
