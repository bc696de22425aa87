/*
 * Entry of the gdbstub test program: no CSR instructions (so it runs on a
 * hart without Zicsr), a stack, main(), and the test finisher with main's
 * result (0 = pass).
 */
    .section .text.start
    .globl _start
_start:
    la    sp, __stack_top
    call  main
    li    t0, 0x100000
    li    t1, 0x5555
    beqz  a0, 1f
    slli  a0, a0, 16
    li    t1, 0x3333
    or    t1, t1, a0
1:  sw    t1, 0(t0)
2:  j     2b
