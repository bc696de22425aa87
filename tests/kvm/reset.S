/*
 * Guest 5, a bzImage for the reset path: counts its boots in a RAM byte
 * no loader writes (0x5000; RAM survives a system reset), prints
 * "boot N\n", and on the first boot triple-faults (an empty IDT, then
 * int3: #GP, #DF, shutdown), which the board turns into a system reset
 * that loads the kernel and enters it again.  The second boot writes 2
 * to isa-debug-exit (exit status 5).  With -no-reboot the reset becomes
 * a clean exit (status 0) after "boot 1".
 */
#include "bzimage_header.h"

#define SERIAL 0x3f8
#define DEBUG_EXIT 0xf4
#define BOOTS 0x5000

    .code64
    .section .text
    .globl _start
_start:
    .org 0x200
startup_64:
    incb BOOTS
    leaq boot_msg(%rip), %rsi
    movw $SERIAL, %dx
1:  lodsb
    testb %al, %al
    jz 2f
    outb %al, %dx
    jmp 1b
2:  movb BOOTS, %al
    addb $'0', %al
    outb %al, %dx
    movb $'\n', %al
    outb %al, %dx

    cmpb $2, BOOTS
    jae done
    lidt empty_idt
    int3
done:
    movb $2, %al
    outb %al, $DEBUG_EXIT
3:  hlt
    jmp 3b

boot_msg:
    .asciz "boot "
    .balign 8
empty_idt:
    .word 0
    .quad 0
