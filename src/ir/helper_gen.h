/*
 * Turns a guest's helpers.def into C (QEMU's DEF_HELPER_n, as X-macros).
 * Rows, one per helper, with 0 to 6 argument kinds (void, i32 or i64):
 *
 *   IR_HELPER_2(riscv_csrrw, 0, i64, i32, i64)
 *   IR_HELPER_1(riscv_raise_exception, IR_CALL_NO_RETURN, void, i32)
 *
 * declare `uint64_t helper_riscv_csrrw(void *env, uint32_t, uint64_t)` and
 * `void helper_riscv_raise_exception(void *env, uint32_t)`, and name their
 * records HELPER_riscv_csrrw (a const IrHelperInfo *, what ir_call takes).
 * Helper names must be unique in the whole binary: prefix them with the
 * guest.  Use, in a header:
 *
 *   #define IR_HELPER_DEFS "guest/riscv/helpers.def"
 *   #include "ir/helper_gen.h"
 *
 * and in exactly one .c file (after including the helpers' header):
 *
 *   #define IR_HELPER_DEFS "guest/riscv/helpers.def"
 *   #define IR_HELPER_GEN_INFO
 *   #include "ir/helper_gen.h"
 *
 * Defining IR_HELPER_TABLE name as well (with IR_HELPER_GEN_INFO) also
 * emits `const IrHelperInfo *const name[]` and `const size_t name_count`,
 * the table to pass to ir_helpers_register.
 *
 * No include guard: this is a template included once per use.
 */
#include <stdint.h>

#include "ir/helper.h"

#ifndef IR_HELPER_DEFS
#error "define IR_HELPER_DEFS to the helpers.def path before including ir/helper_gen.h"
#endif

#ifndef IR_HELPER_GEN_COMMON
#define IR_HELPER_GEN_COMMON
#define IR_HCTYPE_void void
#define IR_HCTYPE_i32 uint32_t
#define IR_HCTYPE_i64 uint64_t
#define IR_HKIND_void IR_HT_VOID
#define IR_HKIND_i32 IR_HT_I32
#define IR_HKIND_i64 IR_HT_I64
/* The thunk's call: void helpers yield 0. */
#define IR_HCALL_void(call) ((call), (uint64_t)0)
#define IR_HCALL_i32(call) ((uint64_t)(call))
#define IR_HCALL_i64(call) ((uint64_t)(call))
#endif

#ifndef IR_HELPER_GEN_INFO

/* ---- prototypes and HELPER_x names ---- */
#define IR_HELPER_0(n, fl, r) \
    IR_HCTYPE_##r helper_##n(void *env); \
    extern const IrHelperInfo ir_helper_info_##n;
#define IR_HELPER_1(n, fl, r, a1) \
    IR_HCTYPE_##r helper_##n(void *env, IR_HCTYPE_##a1); \
    extern const IrHelperInfo ir_helper_info_##n;
#define IR_HELPER_2(n, fl, r, a1, a2) \
    IR_HCTYPE_##r helper_##n(void *env, IR_HCTYPE_##a1, IR_HCTYPE_##a2); \
    extern const IrHelperInfo ir_helper_info_##n;
#define IR_HELPER_3(n, fl, r, a1, a2, a3) \
    IR_HCTYPE_##r helper_##n(void *env, IR_HCTYPE_##a1, IR_HCTYPE_##a2, IR_HCTYPE_##a3); \
    extern const IrHelperInfo ir_helper_info_##n;
#define IR_HELPER_4(n, fl, r, a1, a2, a3, a4) \
    IR_HCTYPE_##r helper_##n(void *env, IR_HCTYPE_##a1, IR_HCTYPE_##a2, IR_HCTYPE_##a3, \
                             IR_HCTYPE_##a4); \
    extern const IrHelperInfo ir_helper_info_##n;
#define IR_HELPER_5(n, fl, r, a1, a2, a3, a4, a5) \
    IR_HCTYPE_##r helper_##n(void *env, IR_HCTYPE_##a1, IR_HCTYPE_##a2, IR_HCTYPE_##a3, \
                             IR_HCTYPE_##a4, IR_HCTYPE_##a5); \
    extern const IrHelperInfo ir_helper_info_##n;
#define IR_HELPER_6(n, fl, r, a1, a2, a3, a4, a5, a6) \
    IR_HCTYPE_##r helper_##n(void *env, IR_HCTYPE_##a1, IR_HCTYPE_##a2, IR_HCTYPE_##a3, \
                             IR_HCTYPE_##a4, IR_HCTYPE_##a5, IR_HCTYPE_##a6); \
    extern const IrHelperInfo ir_helper_info_##n;
#include IR_HELPER_DEFS
#undef IR_HELPER_0
#undef IR_HELPER_1
#undef IR_HELPER_2
#undef IR_HELPER_3
#undef IR_HELPER_4
#undef IR_HELPER_5
#undef IR_HELPER_6

#else

/* ---- thunks and IrHelperInfo records ---- */
#define IR_HINFO(n, fl, r, na, ...) \
    const IrHelperInfo ir_helper_info_##n = { \
        .name = #n, .fn = (void *)helper_##n, .thunk = ir_helper_thunk_##n, \
        .flags = (fl), .ret = IR_HKIND_##r, .nargs = (na), .args = { __VA_ARGS__ }, \
    };
#define IR_HELPER_0(n, fl, r) \
    static uint64_t ir_helper_thunk_##n(void *env, const uint64_t *a) \
    { (void)a; return IR_HCALL_##r(helper_##n(env)); } \
    IR_HINFO(n, fl, r, 0, 0)
#define IR_HELPER_1(n, fl, r, a1) \
    static uint64_t ir_helper_thunk_##n(void *env, const uint64_t *a) \
    { return IR_HCALL_##r(helper_##n(env, (IR_HCTYPE_##a1)a[0])); } \
    IR_HINFO(n, fl, r, 1, IR_HKIND_##a1)
#define IR_HELPER_2(n, fl, r, a1, a2) \
    static uint64_t ir_helper_thunk_##n(void *env, const uint64_t *a) \
    { return IR_HCALL_##r(helper_##n(env, (IR_HCTYPE_##a1)a[0], (IR_HCTYPE_##a2)a[1])); } \
    IR_HINFO(n, fl, r, 2, IR_HKIND_##a1, IR_HKIND_##a2)
#define IR_HELPER_3(n, fl, r, a1, a2, a3) \
    static uint64_t ir_helper_thunk_##n(void *env, const uint64_t *a) \
    { return IR_HCALL_##r(helper_##n(env, (IR_HCTYPE_##a1)a[0], (IR_HCTYPE_##a2)a[1], \
                                     (IR_HCTYPE_##a3)a[2])); } \
    IR_HINFO(n, fl, r, 3, IR_HKIND_##a1, IR_HKIND_##a2, IR_HKIND_##a3)
#define IR_HELPER_4(n, fl, r, a1, a2, a3, a4) \
    static uint64_t ir_helper_thunk_##n(void *env, const uint64_t *a) \
    { return IR_HCALL_##r(helper_##n(env, (IR_HCTYPE_##a1)a[0], (IR_HCTYPE_##a2)a[1], \
                                     (IR_HCTYPE_##a3)a[2], (IR_HCTYPE_##a4)a[3])); } \
    IR_HINFO(n, fl, r, 4, IR_HKIND_##a1, IR_HKIND_##a2, IR_HKIND_##a3, IR_HKIND_##a4)
#define IR_HELPER_5(n, fl, r, a1, a2, a3, a4, a5) \
    static uint64_t ir_helper_thunk_##n(void *env, const uint64_t *a) \
    { return IR_HCALL_##r(helper_##n(env, (IR_HCTYPE_##a1)a[0], (IR_HCTYPE_##a2)a[1], \
                                     (IR_HCTYPE_##a3)a[2], (IR_HCTYPE_##a4)a[3], \
                                     (IR_HCTYPE_##a5)a[4])); } \
    IR_HINFO(n, fl, r, 5, IR_HKIND_##a1, IR_HKIND_##a2, IR_HKIND_##a3, IR_HKIND_##a4, \
             IR_HKIND_##a5)
#define IR_HELPER_6(n, fl, r, a1, a2, a3, a4, a5, a6) \
    static uint64_t ir_helper_thunk_##n(void *env, const uint64_t *a) \
    { return IR_HCALL_##r(helper_##n(env, (IR_HCTYPE_##a1)a[0], (IR_HCTYPE_##a2)a[1], \
                                     (IR_HCTYPE_##a3)a[2], (IR_HCTYPE_##a4)a[3], \
                                     (IR_HCTYPE_##a5)a[4], (IR_HCTYPE_##a6)a[5])); } \
    IR_HINFO(n, fl, r, 6, IR_HKIND_##a1, IR_HKIND_##a2, IR_HKIND_##a3, IR_HKIND_##a4, \
             IR_HKIND_##a5, IR_HKIND_##a6)
#include IR_HELPER_DEFS
#undef IR_HELPER_0
#undef IR_HELPER_1
#undef IR_HELPER_2
#undef IR_HELPER_3
#undef IR_HELPER_4
#undef IR_HELPER_5
#undef IR_HELPER_6
#undef IR_HINFO

/* Optionally, the whole table as an array (for ir_helpers_register):
 * #define IR_HELPER_TABLE riscv_helpers  ->  riscv_helpers[], riscv_helpers_count */
#ifdef IR_HELPER_TABLE
#define IR_HELPER_TABLE_ROW(n, ...) &ir_helper_info_##n,
#define IR_HELPER_0(n, ...) IR_HELPER_TABLE_ROW(n)
#define IR_HELPER_1(n, ...) IR_HELPER_TABLE_ROW(n)
#define IR_HELPER_2(n, ...) IR_HELPER_TABLE_ROW(n)
#define IR_HELPER_3(n, ...) IR_HELPER_TABLE_ROW(n)
#define IR_HELPER_4(n, ...) IR_HELPER_TABLE_ROW(n)
#define IR_HELPER_5(n, ...) IR_HELPER_TABLE_ROW(n)
#define IR_HELPER_6(n, ...) IR_HELPER_TABLE_ROW(n)
const IrHelperInfo *const IR_HELPER_TABLE[] = {
#include IR_HELPER_DEFS
};
#define IR_HELPER_TABLE_COUNT_(t) t##_count
#define IR_HELPER_TABLE_COUNT(t) IR_HELPER_TABLE_COUNT_(t)
const size_t IR_HELPER_TABLE_COUNT(IR_HELPER_TABLE) =
    sizeof(IR_HELPER_TABLE) / sizeof(IR_HELPER_TABLE[0]);
#undef IR_HELPER_0
#undef IR_HELPER_1
#undef IR_HELPER_2
#undef IR_HELPER_3
#undef IR_HELPER_4
#undef IR_HELPER_5
#undef IR_HELPER_6
#undef IR_HELPER_TABLE_ROW
#undef IR_HELPER_TABLE_COUNT_
#undef IR_HELPER_TABLE_COUNT
#undef IR_HELPER_TABLE
#endif

#undef IR_HELPER_GEN_INFO

#endif

#undef IR_HELPER_DEFS

/* HELPER(x): the record to pass to ir_call. */
#ifndef HELPER
#define HELPER(n) (&ir_helper_info_##n)
#endif
