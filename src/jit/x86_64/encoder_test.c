/*
 * Encoder byte tests: each T(hex, text, call) runs one encoder call and
 * compares its bytes with what GNU as produces for the Intel-syntax text
 * (encoder_golden.py keeps the hex column in step with `as`).  Branches,
 * whose bytes depend on the position, are checked by hand below.
 */
#include "jit/x86_64/encoder.h"

#include <stdio.h>
#include <string.h>

#include "util/unittest.h"

static uint8_t buf[64];
static X86Asm as_;

static void check_bytes(const char *hex, const char *text, int line)
{
    char got[200] = "";
    size_t n = x86_asm_size(&as_);
    for (size_t i = 0; i < n; i++) {
        snprintf(got + strlen(got), sizeof(got) - strlen(got), i ? " %02x" : "%02x", buf[i]);
    }
    if (strcmp(got, hex) != 0) {
        unittest_fail(__FILE__, line, "%s: got \"%s\", expected \"%s\"", text, got, hex);
    }
}

#define T(hex, text, ...)                                                   \
    do {                                                                    \
        X86Asm *a = &as_;                                                   \
        x86_asm_init(a, buf, sizeof(buf));                                  \
        __VA_ARGS__;                                                        \
        check_bytes(hex, text, __LINE__);                                   \
    } while (0)

UNITTEST(encoder_moves)
{
    T("49 89 c0", "mov r8, rax", x86_mov_rr(a, true, X86_R8, X86_RAX));
    T("44 89 f9", "mov ecx, r15d", x86_mov_rr(a, false, X86_RCX, X86_R15));
    T("b8 ff ff ff ff", "mov eax, 0xffffffff", x86_mov_ri(a, X86_RAX, 0xffffffffu));
    T("41 b9 05 00 00 00", "mov r9d, 5", x86_mov_ri(a, X86_R9, 5));
    T("48 c7 c2 fe ff ff ff", "mov rdx, -2", x86_mov_ri(a, X86_RDX, (uint64_t)-2));
    T("49 ba f0 de bc 9a 78 56 34 12", "movabs r10, 0x123456789abcdef0", x86_mov_ri(a, X86_R10, 0x123456789abcdef0ull));
    T("48 b8 01 00 00 00 00 00 00 00", "movabs rax, 1", x86_movabs(a, X86_RAX, 1));
    T("41 0f b6 46 10", "movzx eax, byte ptr [r14+0x10]", x86_load(a, X86_RAX, x86_mem(X86_R14, 0x10), 1, false, false));
    T("48 0f bf 00", "movsx rax, word ptr [rax]", x86_load(a, X86_RAX, x86_mem(X86_RAX, 0), 2, true, true));
    T("0f be 01", "movsx eax, byte ptr [rcx]", x86_load(a, X86_RAX, x86_mem(X86_RCX, 0), 1, true, false));
    T("41 8b 45 00", "mov eax, dword ptr [r13]", x86_load(a, X86_RAX, x86_mem(X86_R13, 0), 4, false, true));
    T("48 63 03", "movsxd rax, dword ptr [rbx]", x86_load(a, X86_RAX, x86_mem(X86_RBX, 0), 4, true, true));
    T("4d 8b 7c 24 08", "mov r15, qword ptr [r12+8]", x86_load(a, X86_R15, x86_mem(X86_R12, 8), 8, false, true));
    T("48 8b 0c 24", "mov rcx, qword ptr [rsp]", x86_load(a, X86_RCX, x86_mem(X86_RSP, 0), 8, false, true));
    T("48 8b 95 00 10 00 00", "mov rdx, qword ptr [rbp+0x1000]", x86_load(a, X86_RDX, x86_mem(X86_RBP, 0x1000), 8, false, true));
    T("48 8b 0c 25 00 10 00 00", "mov rcx, qword ptr [0x1000]", x86_load(a, X86_RCX, x86_mem(X86_NOREG, 0x1000), 8, false, true));
    T("48 8b 84 98 00 01 00 00", "mov rax, qword ptr [rax+rbx*4+0x100]", x86_load(a, X86_RAX, x86_mem_idx(X86_RAX, X86_RBX, 2, 0x100), 8, false, true));
    T("65 49 8b 0c 24", "mov rcx, qword ptr gs:[r12]", x86_load(a, X86_RCX, x86_mem_gs(x86_mem(X86_R12, 0)), 8, false, true));
    T("65 0f b6 43 11", "movzx eax, byte ptr gs:[rbx+0x11]", x86_load(a, X86_RAX, x86_mem_gs(x86_mem(X86_RBX, 0x11)), 1, false, false));
    T("65 4d 63 8d 45 23 01 00", "movsxd r9, dword ptr gs:[r13+0x12345]", x86_load(a, X86_R9, x86_mem_gs(x86_mem(X86_R13, 0x12345)), 4, true, true));
    T("65 66 89 45 f8", "mov word ptr gs:[rbp-8], ax", x86_store(a, x86_mem_gs(x86_mem(X86_RBP, -8)), X86_RAX, 2));
    T("65 40 88 32", "mov byte ptr gs:[rdx], sil", x86_store(a, x86_mem_gs(x86_mem(X86_RDX, 0)), X86_RSI, 1));
    T("4f 8b 4c e5 f8", "mov r9, qword ptr [r13+r12*8-8]", x86_load(a, X86_R9, x86_mem_idx(X86_R13, X86_R12, 3, -8), 8, false, true));
    T("48 8b 04 dd 10 00 00 00", "mov rax, qword ptr [rbx*8+0x10]", x86_load(a, X86_RAX, x86_mem_idx(X86_NOREG, X86_RBX, 3, 0x10), 8, false, true));
    T("40 88 30", "mov byte ptr [rax], sil", x86_store(a, x86_mem(X86_RAX, 0), X86_RSI, 1));
    T("45 88 56 01", "mov byte ptr [r14+1], r10b", x86_store(a, x86_mem(X86_R14, 1), X86_R10, 1));
    T("66 44 89 08", "mov word ptr [rax], r9w", x86_store(a, x86_mem(X86_RAX, 0), X86_R9, 2));
    T("89 7c 24 04", "mov dword ptr [rsp+4], edi", x86_store(a, x86_mem(X86_RSP, 4), X86_RDI, 4));
    T("49 89 9e 00 02 00 00", "mov qword ptr [r14+0x200], rbx", x86_store(a, x86_mem(X86_R14, 0x200), X86_RBX, 8));
    T("c6 00 07", "mov byte ptr [rax], 7", x86_store_imm(a, x86_mem(X86_RAX, 0), 7, 1));
    T("66 c7 03 34 12", "mov word ptr [rbx], 0x1234", x86_store_imm(a, x86_mem(X86_RBX, 0), 0x1234, 2));
    T("41 c7 46 04 03 00 00 00", "mov dword ptr [r14+4], 3", x86_store_imm(a, x86_mem(X86_R14, 4), 3, 4));
    T("49 c7 86 00 01 00 00 ff ff ff ff", "mov qword ptr [r14+0x100], -1", x86_store_imm(a, x86_mem(X86_R14, 0x100), -1, 8));
    T("0f b6 ca", "movzx ecx, dl", x86_movzx_rr(a, X86_RCX, X86_RDX, 1));
    T("40 0f b6 c6", "movzx eax, sil", x86_movzx_rr(a, X86_RAX, X86_RSI, 1));
    T("41 0f b7 c1", "movzx eax, r9w", x86_movzx_rr(a, X86_RAX, X86_R9, 2));
    T("48 0f be c7", "movsx rax, dil", x86_movsx_rr(a, true, X86_RAX, X86_RDI, 1));
    T("0f bf c1", "movsx eax, cx", x86_movsx_rr(a, false, X86_RAX, X86_RCX, 2));
    T("4d 63 c1", "movsxd r8, r9d", x86_movsx_rr(a, true, X86_R8, X86_R9, 4));
    T("48 8d 44 4b 10", "lea rax, [rbx+rcx*2+0x10]", x86_lea(a, true, X86_RAX, x86_mem_idx(X86_RBX, X86_RCX, 1, 0x10)));
    T("44 8d 04 80", "lea r8d, [rax+rax*4]", x86_lea(a, false, X86_R8, x86_mem_idx(X86_RAX, X86_RAX, 2, 0)));
    T("48 87 d1", "xchg rcx, rdx", x86_xchg_rr(a, true, X86_RCX, X86_RDX));
}

UNITTEST(encoder_arith)
{
    T("48 01 d8", "add rax, rbx", x86_alu_rr(a, X86_ADD, true, X86_RAX, X86_RBX));
    T("4d 39 e3", "cmp r11, r12", x86_alu_rr(a, X86_CMP, true, X86_R11, X86_R12));
    T("31 f6", "xor esi, esi", x86_alu_rr(a, X86_XOR, false, X86_RSI, X86_RSI));
    T("41 19 c0", "sbb r8d, eax", x86_alu_rr(a, X86_SBB, false, X86_R8, X86_RAX));
    T("48 81 ec 88 00 00 00", "sub rsp, 0x88", x86_alu_ri(a, X86_SUB, true, X86_RSP, 0x88));
    T("81 e1 ff 00 00 00", "and ecx, 0xff", x86_alu_ri(a, X86_AND, false, X86_RCX, 0xff));
    T("48 83 ca fe", "or rdx, -2", x86_alu_ri(a, X86_OR, true, X86_RDX, -2));
    T("49 81 d7 45 23 01 00", "adc r15, 0x12345", x86_alu_ri(a, X86_ADC, true, X86_R15, 0x12345));
    T("49 03 46 08", "add rax, qword ptr [r14+8]", x86_alu_rm(a, X86_ADD, true, X86_RAX, x86_mem(X86_R14, 8)));
    T("49 01 46 08", "add qword ptr [r14+8], rax", x86_alu_mr(a, X86_ADD, true, x86_mem(X86_R14, 8), X86_RAX));
    T("48 83 7d f8 7f", "cmp qword ptr [rbp-8], 0x7f", x86_alu_mi(a, X86_CMP, true, x86_mem(X86_RBP, -8), 0x7f));
    T("81 ab 00 01 00 00 00 10 00 00", "sub dword ptr [rbx+0x100], 0x1000", x86_alu_mi(a, X86_SUB, false, x86_mem(X86_RBX, 0x100), 0x1000));
    T("48 85 c0", "test rax, rax", x86_test_rr(a, true, X86_RAX, X86_RAX));
    T("41 85 c9", "test r9d, ecx", x86_test_rr(a, false, X86_R9, X86_RCX));
    T("48 f7 c1 00 01 00 00", "test rcx, 0x100", x86_test_ri(a, true, X86_RCX, 0x100));
    T("41 f7 c2 01 00 00 00", "test r10d, 1", x86_test_ri(a, false, X86_R10, 1));
    T("48 f7 d8", "neg rax", x86_unary(a, X86_NEG, true, X86_RAX));
    T("f7 d1", "not ecx", x86_unary(a, X86_NOT, false, X86_RCX));
    T("49 f7 f2", "div r10", x86_unary(a, X86_DIV, true, X86_R10));
    T("41 f7 f8", "idiv r8d", x86_unary(a, X86_IDIV, false, X86_R8));
    T("48 f7 e1", "mul rcx", x86_unary(a, X86_MUL, true, X86_RCX));
    T("48 f7 eb", "imul rbx", x86_unary(a, X86_IMUL1, true, X86_RBX));
    T("48 0f af c1", "imul rax, rcx", x86_imul_rr(a, true, X86_RAX, X86_RCX));
    T("45 0f af e5", "imul r12d, r13d", x86_imul_rr(a, false, X86_R12, X86_R13));
    T("4d 69 c1 e8 03 00 00", "imul r8, r9, 1000", x86_imul_rri(a, true, X86_R8, X86_R9, 1000));
    T("6b c3 05", "imul eax, ebx, 5", x86_imul_rri(a, false, X86_RAX, X86_RBX, 5));
    T("99", "cdq", x86_cdq(a, false));
    T("48 99", "cqo", x86_cdq(a, true));
    T("d1 e0", "shl eax, 1", x86_shift_ri(a, X86_SHL, false, X86_RAX, 1));
    T("41 c1 ed 07", "shr r13d, 7", x86_shift_ri(a, X86_SHR, false, X86_R13, 7));
    T("48 c1 f8 3f", "sar rax, 63", x86_shift_ri(a, X86_SAR, true, X86_RAX, 63));
    T("49 c1 c3 0d", "rol r11, 13", x86_shift_ri(a, X86_ROL, true, X86_R11, 13));
    T("c1 ce 03", "ror esi, 3", x86_shift_ri(a, X86_ROR, false, X86_RSI, 3));
    T("48 d3 f8", "sar rax, cl", x86_shift_cl(a, X86_SAR, true, X86_RAX));
    T("41 d3 e1", "shl r9d, cl", x86_shift_cl(a, X86_SHL, false, X86_R9));
    T("48 d3 c2", "rol rdx, cl", x86_shift_cl(a, X86_ROL, true, X86_RDX));
    T("49 d3 cc", "ror r12, cl", x86_shift_cl(a, X86_ROR, true, X86_R12));
    T("d3 e8", "shr eax, cl", x86_shift_cl(a, X86_SHR, false, X86_RAX));
    T("48 0f ba e0 3f", "bt rax, 63", x86_bt_ri(a, X86_BT, true, X86_RAX, 63));
    T("0f ba e9 05", "bts ecx, 5", x86_bt_ri(a, X86_BTS, false, X86_RCX, 5));
    T("49 0f ba f1 01", "btr r9, 1", x86_bt_ri(a, X86_BTR, true, X86_R9, 1));
    T("0f ba fa 1f", "btc edx, 31", x86_bt_ri(a, X86_BTC, false, X86_RDX, 31));
    T("48 0f bc c1", "bsf rax, rcx", x86_bitcount(a, X86_BSF, true, X86_RAX, X86_RCX));
    T("44 0f bd c0", "bsr r8d, eax", x86_bitcount(a, X86_BSR, false, X86_R8, X86_RAX));
    T("f3 48 0f bd c3", "lzcnt rax, rbx", x86_bitcount(a, X86_LZCNT, true, X86_RAX, X86_RBX));
    T("f3 41 0f bc cb", "tzcnt ecx, r11d", x86_bitcount(a, X86_TZCNT, false, X86_RCX, X86_R11));
    T("f3 41 0f b8 c8", "popcnt ecx, r8d", x86_bitcount(a, X86_POPCNT, false, X86_RCX, X86_R8));
    T("f3 4c 0f b8 ff", "popcnt r15, rdi", x86_bitcount(a, X86_POPCNT, true, X86_R15, X86_RDI));
    T("0f c8", "bswap eax", x86_bswap(a, false, X86_RAX));
    T("49 0f cc", "bswap r12", x86_bswap(a, true, X86_R12));
    T("41 0f c9", "bswap r9d", x86_bswap(a, false, X86_R9));
    T("66 c1 c1 08", "rol cx, 8", x86_rol16_8(a, X86_RCX));
    T("66 41 c1 c2 08", "rol r10w, 8", x86_rol16_8(a, X86_R10));
}

UNITTEST(encoder_conditions_and_calls)
{
    T("40 0f 95 c7", "setne dil", x86_setcc(a, X86_CC_NE, X86_RDI));
    T("41 0f 94 c1", "sete r9b", x86_setcc(a, X86_CC_E, X86_R9));
    T("0f 92 c0", "setb al", x86_setcc(a, X86_CC_B, X86_RAX));
    T("0f 9f c3", "setg bl", x86_setcc(a, X86_CC_G, X86_RBX));
    T("49 0f 4c c3", "cmovl rax, r11", x86_cmovcc(a, X86_CC_L, true, X86_RAX, X86_R11));
    T("0f 43 ca", "cmovae ecx, edx", x86_cmovcc(a, X86_CC_AE, false, X86_RCX, X86_RDX));
    T("ff e0", "jmp rax", x86_jmp_r(a, X86_RAX));
    T("41 ff 66 10", "jmp qword ptr [r14+0x10]", x86_jmp_m(a, x86_mem(X86_R14, 0x10)));
    T("41 ff d3", "call r11", x86_call_r(a, X86_R11));
    T("c3", "ret", x86_ret(a));
    T("c2 08 00", "ret 8", x86_ret_imm(a, 8));
    T("6a 01", "push 1", x86_push_imm(a, 1));
    T("68 04 00 00 80", "push -0x7ffffffc", x86_push_imm(a, -0x7ffffffc));
    T("68 74 00 01 00", "push 0x10074", x86_push_imm(a, 0x10074));
    T("41 ff b6 34 12 00 00", "push qword ptr [r14+0x1234]", x86_push_m(a, x86_mem(X86_R14, 0x1234)));
    T("41 8f 86 34 12 00 00", "pop qword ptr [r14+0x1234]", x86_pop_m(a, x86_mem(X86_R14, 0x1234)));
    T("48 3b 44 24 08", "cmp rax, qword ptr [rsp+8]", x86_alu_rm(a, X86_CMP, true, X86_RAX, x86_mem(X86_RSP, 8)));
    T("49 3b a6 00 08 00 00", "cmp rsp, qword ptr [r14+0x800]", x86_alu_rm(a, X86_CMP, true, X86_RSP, x86_mem(X86_R14, 0x800)));
    T("49 8b a6 08 08 00 00", "mov rsp, qword ptr [r14+0x808]", x86_load(a, X86_RSP, x86_mem(X86_R14, 0x808), 8, false, true));
    T("41 56", "push r14", x86_push(a, X86_R14));
    T("53", "push rbx", x86_push(a, X86_RBX));
    T("5d", "pop rbp", x86_pop(a, X86_RBP));
    T("41 5f", "pop r15", x86_pop(a, X86_R15));
    T("0f 0b", "ud2", x86_ud2(a));
}

UNITTEST(encoder_atomics)
{
    T("f0 48 0f b1 37", "lock cmpxchg qword ptr [rdi], rsi", x86_lock_cmpxchg(a, x86_mem(X86_RDI, 0), X86_RSI, 8));
    T("f0 0f b1 0c 18", "lock cmpxchg dword ptr [rax+rbx], ecx", x86_lock_cmpxchg(a, x86_mem_idx(X86_RAX, X86_RBX, 0, 0), X86_RCX, 4));
    T("66 f0 0f b1 37", "lock cmpxchg word ptr [rdi], si", x86_lock_cmpxchg(a, x86_mem(X86_RDI, 0), X86_RSI, 2));
    T("f0 40 0f b0 37", "lock cmpxchg byte ptr [rdi], sil", x86_lock_cmpxchg(a, x86_mem(X86_RDI, 0), X86_RSI, 1));
    T("48 87 08", "xchg qword ptr [rax], rcx", x86_xchg_mr(a, x86_mem(X86_RAX, 0), X86_RCX, 8));
    T("41 86 10", "xchg byte ptr [r8], dl", x86_xchg_mr(a, x86_mem(X86_R8, 0), X86_RDX, 1));
    T("f0 0f c1 48 04", "lock xadd dword ptr [rax+4], ecx", x86_lock_xadd(a, x86_mem(X86_RAX, 4), X86_RCX, 4));
    T("f0 4d 0f c1 2c 24", "lock xadd qword ptr [r12], r13", x86_lock_xadd(a, x86_mem(X86_R12, 0), X86_R13, 8));
    T("0f ae f0", "mfence", x86_mfence(a));
}

UNITTEST(encoder_sse)
{
    T("f2 0f 10 4b 08", "movsd xmm1, qword ptr [rbx+8]", x86_movs_xm(a, true, 1, x86_mem(X86_RBX, 8)));
    T("f3 44 0f 11 04 24", "movss dword ptr [rsp], xmm8", x86_movs_mx(a, false, x86_mem(X86_RSP, 0), 8));
    T("f2 45 0f 11 be 00 01 00 00", "movsd qword ptr [r14+0x100], xmm15", x86_movs_mx(a, true, x86_mem(X86_R14, 0x100), 15));
    T("f2 0f 10 ca", "movsd xmm1, xmm2", x86_movs_xx(a, true, 1, 2));
    T("0f 28 ca", "movaps xmm1, xmm2", x86_movaps_xx(a, 1, 2));
    T("41 0f 28 c7", "movaps xmm0, xmm15", x86_movaps_xx(a, 0, 15));
    T("44 0f 28 d3", "movaps xmm10, xmm3", x86_movaps_xx(a, 10, 3));
    T("f2 41 0f 58 c1", "addsd xmm0, xmm9", x86_sse_arith(a, X86_SSE_ADD, true, 0, 9));
    T("f3 0f 5c dc", "subss xmm3, xmm4", x86_sse_arith(a, X86_SSE_SUB, false, 3, 4));
    T("f2 45 0f 59 d3", "mulsd xmm10, xmm11", x86_sse_arith(a, X86_SSE_MUL, true, 10, 11));
    T("f2 0f 5e c1", "divsd xmm0, xmm1", x86_sse_arith(a, X86_SSE_DIV, true, 0, 1));
    T("f2 0f 51 d3", "sqrtsd xmm2, xmm3", x86_sse_arith(a, X86_SSE_SQRT, true, 2, 3));
    T("f3 0f 5d d3", "minss xmm2, xmm3", x86_sse_arith(a, X86_SSE_MIN, false, 2, 3));
    T("f2 0f 5f d3", "maxsd xmm2, xmm3", x86_sse_arith(a, X86_SSE_MAX, true, 2, 3));
    T("66 0f 2e c1", "ucomisd xmm0, xmm1", x86_ucomis(a, true, 0, 1));
    T("44 0f 2e c1", "ucomiss xmm8, xmm1", x86_ucomis(a, false, 8, 1));
    T("f2 48 0f 2a c0", "cvtsi2sd xmm0, rax", x86_cvtsi2s(a, true, true, 0, X86_RAX));
    T("f3 41 0f 2a c9", "cvtsi2ss xmm1, r9d", x86_cvtsi2s(a, false, false, 1, X86_R9));
    T("f2 48 0f 2c c1", "cvttsd2si rax, xmm1", x86_cvtts2si(a, true, true, X86_RAX, 1));
    T("f3 45 0f 2c d4", "cvttss2si r10d, xmm12", x86_cvtts2si(a, false, false, X86_R10, 12));
    T("f2 0f 5a c1", "cvtsd2ss xmm0, xmm1", x86_cvtsd2ss(a, 0, 1));
    T("f3 44 0f 5a c9", "cvtss2sd xmm9, xmm1", x86_cvtss2sd(a, 9, 1));
    T("66 48 0f 6e c0", "movq xmm0, rax", x86_movq_xr(a, true, 0, X86_RAX));
    T("66 0f 6e c0", "movd xmm0, eax", x86_movq_xr(a, false, 0, X86_RAX));
    T("66 49 0f 7e d8", "movq r8, xmm3", x86_movq_rx(a, true, X86_R8, 3));
    T("c4 e2 f1 a9 c2", "vfmadd213sd xmm0, xmm1, xmm2", x86_vfma_s(a, X86_VFMADD213, true, 0, 1, 2));
    T("c4 42 a9 ab cb", "vfmsub213sd xmm9, xmm10, xmm11", x86_vfma_s(a, X86_VFMSUB213, true, 9, 10, 11));
    T("c4 e2 99 ad dc", "vfnmadd213sd xmm3, xmm12, xmm4", x86_vfma_s(a, X86_VFNMADD213, true, 3, 12, 4));
    T("c4 62 f9 af f9", "vfnmsub213sd xmm15, xmm0, xmm1", x86_vfma_s(a, X86_VFNMSUB213, true, 15, 0, 1));
    T("c4 c2 41 a9 d5", "vfmadd213ss xmm2, xmm7, xmm13", x86_vfma_s(a, X86_VFMADD213, false, 2, 7, 13));
}

/* Branches: displacements from the end of the instruction. */
UNITTEST(encoder_branches)
{
    X86Asm *a = &as_;
    x86_asm_init(a, buf, sizeof(buf));
    x86_jmp(a, buf);                        /* eb fe: jump to itself */
    CHECK_INT(buf[0], 0xeb);
    CHECK_INT(buf[1], 0xfe);
    x86_jcc(a, X86_CC_NE, buf);             /* 75 fc */
    CHECK_INT(buf[2], 0x75);
    CHECK_INT(buf[3], 0xfc);
    uint8_t *loc = x86_jcc32_fwd(a, X86_CC_L);  /* 0f 8c rel32 */
    CHECK_INT(buf[4], 0x0f);
    CHECK_INT(buf[5], 0x8c);
    x86_ret(a);
    x86_patch_rel32(loc, a->p);             /* skip the ret */
    CHECK_INT(buf[6], 1);
    CHECK_INT(buf[7] | buf[8] | buf[9], 0);
    uint8_t *l8 = x86_jmp8_fwd(a);
    x86_patch_rel8(l8, l8 - 1);             /* back to the jmp itself */
    CHECK_INT(l8[0], 0xfe);
    CHECK_INT(x86_asm_size(a), 13);
    uint8_t *call = x86_call32_fwd(a);      /* e8 rel32 */
    CHECK_INT(buf[13], 0xe8);
    x86_ret(a);
    x86_patch_rel32(call, a->p);            /* call past the ret */
    CHECK_INT(buf[14], 1);
    CHECK_INT(buf[15] | buf[16] | buf[17], 0);

    /* far targets take the rel32 forms */
    static uint8_t big[400];
    x86_asm_init(a, big, sizeof(big));
    a->p = big + 300;
    x86_jmp(a, big);
    CHECK_INT(big[300], 0xe9);
    int32_t d;
    memcpy(&d, big + 301, 4);
    CHECK_INT(d, -305);
    x86_jcc(a, X86_CC_E, big);
    CHECK_INT(big[305], 0x0f);
    CHECK_INT(big[306], 0x84);
    memcpy(&d, big + 307, 4);
    CHECK_INT(d, -311);
}

/* Overflow: a full buffer takes no partial instruction and stays void. */
UNITTEST(encoder_overflow)
{
    uint8_t small[12];
    X86Asm a;
    x86_asm_init(&a, small, sizeof(small));
    x86_movabs(&a, X86_RAX, 1);             /* 10 bytes */
    CHECK(!a.overflow);
    x86_mov_rr(&a, true, X86_RAX, X86_RBX); /* 3 more: does not fit */
    CHECK(a.overflow);
    CHECK_INT(x86_asm_size(&a), 10);
    x86_ret(&a);                            /* would fit, but the output is void */
    CHECK_INT(x86_asm_size(&a), 10);
}

/* Instructions are built in place when the buffer has room for the longest
 * one plus its 8-byte immediate store, else in scratch: whatever the room
 * left, the bytes that fit are the same, an instruction is whole or absent,
 * and nothing is written at or past the end. */
static size_t encoder_emit_mix(X86Asm *a, size_t *ends)
{
    size_t n = 0;
    x86_movabs(a, X86_R9, 0x1122334455667788ull);
    ends[n++] = x86_asm_size(a);
    x86_mov_rr(a, true, X86_RAX, X86_R12);
    ends[n++] = x86_asm_size(a);
    x86_alu_ri(a, X86_ADD, true, X86_RBX, 0x12345678);
    ends[n++] = x86_asm_size(a);
    x86_load(a, X86_R10, x86_mem(X86_R13, 0x7654321), 4, true, true);
    ends[n++] = x86_asm_size(a);
    x86_store_imm(a, x86_mem(X86_RSP, -8), -2, 8);
    ends[n++] = x86_asm_size(a);
    x86_ret(a);
    ends[n++] = x86_asm_size(a);
    return n;
}

UNITTEST(encoder_room_left)
{
    uint8_t ref[64], buf[64 + 32];
    size_t ref_ends[8], ends[8];
    X86Asm a;
    x86_asm_init(&a, ref, sizeof(ref));
    size_t n = encoder_emit_mix(&a, ref_ends);
    CHECK(!a.overflow);
    for (size_t room = 0; room <= ref_ends[n - 1] + 24; room++) {
        memset(buf, 0xa5, sizeof(buf));
        x86_asm_init(&a, buf, room);
        encoder_emit_mix(&a, ends);
        size_t fit = 0;
        while (fit < n && ref_ends[fit] <= room) {
            fit++;
        }
        size_t used = fit ? ref_ends[fit - 1] : 0;
        CHECK_INT(x86_asm_size(&a), used);
        CHECK(a.overflow == (fit < n));
        CHECK(memcmp(buf, ref, used) == 0);
        for (size_t k = room; k < sizeof(buf); k++) {
            CHECK_INT(buf[k], 0xa5);
        }
    }
}

UNITTEST(encoder_align)
{
    static uint8_t b[64] __attribute__((aligned(16)));
    X86Asm a;
    x86_asm_init(&a, b, sizeof(b));
    x86_ret(&a);
    x86_align(&a, 16);
    CHECK_INT(x86_asm_size(&a), 16);
    x86_align(&a, 16);
    CHECK_INT(x86_asm_size(&a), 16);
}

UNITTEST(encoder_features)
{
    const X86Features *f = x86_features();
    /* whatever the host has, the probe is stable */
    CHECK(f == x86_features());
    CHECK(f->lzcnt == x86_features()->lzcnt);
}
