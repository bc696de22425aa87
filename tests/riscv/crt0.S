/*
 * Start-up for bare-metal guest tests: hart 0 clears .bss, sets a stack and
 * a default M-mode trap vector, and calls main(hartid, dtb); main's return
 * value goes to the test finisher (0 = pass).  Other harts park in wfi.
 * An unexpected trap reports mcause/mepc/mtval and fails the test; tests
 * that expect traps install their own handler with test_set_trap_handler().
 */
    .section .text.start
    .globl _start
_start:
    csrr  t0, mhartid
    bnez  t0, park
    la    sp, __stack_top
    la    t0, __bss_start
    la    t1, __bss_end
1:  bgeu  t0, t1, 2f
    sd    zero, 0(t0)
    addi  t0, t0, 8
    j     1b
2:  la    t0, trap_entry
    csrw  mtvec, t0
    call  main
    call  test_exit
park:
    wfi
    j     park

/* Saves all GPRs in a frame on the stack and calls test_trap(frame). The C
 * handler may change frame->regs[] and mepc; mret resumes. */
    .align 4
    .globl trap_entry
trap_entry:
    addi  sp, sp, -256
    sd    x1, 8(sp)
    sd    x3, 24(sp)
    sd    x4, 32(sp)
    sd    x5, 40(sp)
    sd    x6, 48(sp)
    sd    x7, 56(sp)
    sd    x8, 64(sp)
    sd    x9, 72(sp)
    sd    x10, 80(sp)
    sd    x11, 88(sp)
    sd    x12, 96(sp)
    sd    x13, 104(sp)
    sd    x14, 112(sp)
    sd    x15, 120(sp)
    sd    x16, 128(sp)
    sd    x17, 136(sp)
    sd    x18, 144(sp)
    sd    x19, 152(sp)
    sd    x20, 160(sp)
    sd    x21, 168(sp)
    sd    x22, 176(sp)
    sd    x23, 184(sp)
    sd    x24, 192(sp)
    sd    x25, 200(sp)
    sd    x26, 208(sp)
    sd    x27, 216(sp)
    sd    x28, 224(sp)
    sd    x29, 232(sp)
    sd    x30, 240(sp)
    sd    x31, 248(sp)
    addi  t0, sp, 256
    sd    t0, 16(sp)
    mv    a0, sp
    call  test_trap
    ld    x1, 8(sp)
    ld    x3, 24(sp)
    ld    x4, 32(sp)
    ld    x5, 40(sp)
    ld    x6, 48(sp)
    ld    x7, 56(sp)
    ld    x8, 64(sp)
    ld    x9, 72(sp)
    ld    x10, 80(sp)
    ld    x11, 88(sp)
    ld    x12, 96(sp)
    ld    x13, 104(sp)
    ld    x14, 112(sp)
    ld    x15, 120(sp)
    ld    x16, 128(sp)
    ld    x17, 136(sp)
    ld    x18, 144(sp)
    ld    x19, 152(sp)
    ld    x20, 160(sp)
    ld    x21, 168(sp)
    ld    x22, 176(sp)
    ld    x23, 184(sp)
    ld    x24, 192(sp)
    ld    x25, 200(sp)
    ld    x26, 208(sp)
    ld    x27, 216(sp)
    ld    x28, 224(sp)
    ld    x29, 232(sp)
    ld    x30, 240(sp)
    ld    x31, 248(sp)
    ld    x2, 16(sp)
    mret
