/*
 * The monitor tests' guest: runs forever (a busy loop with a counter in
 * s0), so that stop/cont/system_reset act on a running machine instead of
 * one whose program already ended through the test finisher.
 */
    .section .text.start
    .option norvc           /* 4-byte instructions: the HMP test reads 16 bytes */
    .globl _start
_start:
    li    s0, 0
1:  addi  s0, s0, 1
    j     1b
    nop
