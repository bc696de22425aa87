/*
 * Guest 4, a bzImage for `-smp 2` through the real command line: the
 * board starts only vCPU 0 (at startup_64, long mode); it enables its
 * LAPIC, copies a real-mode trampoline to 0x10000 and wakes APIC id 1
 * the way Linux does (INIT, then STARTUP with vector 0x10: Intel SDM 3A,
 * 8.4.4.1).  The AP reads its APIC id from CPUID leaf 1, prints
 * "ap up apic=1\n" and sets a flag at 0x5000; the BSP waits for the flag,
 * prints "smp ok\n" and writes 0 to isa-debug-exit (exit status 1).
 */
#include "bzimage_header.h"

#define SERIAL 0x3f8
#define DEBUG_EXIT 0xf4
#define LAPIC 0xfee00000
#define TRAMPOLINE 0x10000
#define FLAG 0x5000

    .code64
    .section .text
    .globl _start
_start:
    .org 0x200
startup_64:
    leaq bsp_msg(%rip), %rsi
    call puts
    movl $0, FLAG

    leaq tramp_start(%rip), %rsi        /* the AP's first instructions */
    movl $TRAMPOLINE, %edi
    movl $(tramp_end - tramp_start), %ecx
    rep movsb

    movl $LAPIC, %ebx
    movl $0x1ff, 0xf0(%rbx)             /* SVR: software enable, spurious 0xff */
    movl $(1 << 24), 0x310(%rbx)        /* ICR high: destination APIC id 1 */
    movl $0x4500, 0x300(%rbx)           /* INIT, level assert */
    movl $(1 << 24), 0x310(%rbx)
    movl $(0x4600 | (TRAMPOLINE >> 12)), 0x300(%rbx)   /* STARTUP */

1:  pause
    cmpl $1, FLAG
    jne 1b

    leaq ok_msg(%rip), %rsi
    call puts
    xorl %eax, %eax
    outb %al, $DEBUG_EXIT
2:  hlt
    jmp 2b

puts:
    movw $SERIAL, %dx
1:  lodsb
    testb %al, %al
    jz 2f
    outb %al, %dx
    jmp 1b
2:  ret

bsp_msg:
    .asciz "bsp up\n"
ok_msg:
    .asciz "smp ok\n"

/* Runs at 1000:0000 in real mode: every address is relative to tramp_start. */
    .code16
tramp_start:
    cli
    movw %cs, %ax
    movw %ax, %ds
    movl $1, %eax
    xorl %ecx, %ecx
    cpuid
    shrl $24, %ebx
    movw $(ap_msg - tramp_start), %si
    movw $SERIAL, %dx
1:  lodsb
    testb %al, %al
    jz 2f
    outb %al, %dx
    jmp 1b
2:  movb %bl, %al
    addb $'0', %al
    outb %al, %dx
    movb $'\n', %al
    outb %al, %dx
    xorw %ax, %ax
    movw %ax, %ds
    movl $1, FLAG
3:  hlt
    jmp 3b
ap_msg:
    .asciz "ap up apic="
tramp_end:
