/*
 * Guest 6, a bzImage for the interrupt path: UART -> ISA IRQ 4 -> IOAPIC
 * GSI 4 -> LAPIC -> the guest's IDT, as Linux's 8250 driver uses it for
 * interrupt-driven transmit.  It masks the 8259s, installs an interrupt
 * gate for vector 0x24, programs IOAPIC redirection entry 4 (fixed,
 * edge, physical, APIC 0, vector 0x24: 82093AA datasheet, 3.2.4),
 * software-enables its LAPIC, then sets the UART's IER.ETBEI: with the
 * transmitter empty the 16550 raises its interrupt at once.  The handler
 * reads IIR (0x02: THR empty) and prints "irq vector=0x24 iir=2\n", then
 * writes 0 to isa-debug-exit (exit status 1).
 */
#include "bzimage_header.h"

#define SERIAL 0x3f8
#define DEBUG_EXIT 0xf4
#define LAPIC 0xfee00000
#define IOAPIC 0xfec00000
#define VECTOR 0x24

    .code64
    .section .text
    .globl _start
_start:
    .org 0x200
startup_64:
    movb $0xff, %al                     /* mask both 8259s */
    outb %al, $0x21
    outb %al, $0xa1

    leaq idt(%rip), %rdi                /* gate for VECTOR */
    addq $(VECTOR * 16), %rdi
    leaq handler(%rip), %rax
    movw %ax, 0(%rdi)                   /* offset 15:0 */
    movw $0x10, 2(%rdi)                 /* selector: __BOOT_CS */
    movw $0x8e00, 4(%rdi)               /* present, DPL 0, 64-bit interrupt gate */
    shrq $16, %rax
    movw %ax, 6(%rdi)                   /* offset 31:16 */
    shrq $16, %rax
    movl %eax, 8(%rdi)                  /* offset 63:32 */
    leaq idt(%rip), %rax
    movq %rax, idt_base(%rip)
    lidt idt_desc(%rip)

    movl $IOAPIC, %ebx
    movl $0x19, (%rbx)                  /* redirection entry 4, high: APIC id 0 */
    movl $0, 0x10(%rbx)
    movl $0x18, (%rbx)                  /* low: vector, fixed, edge, unmasked */
    movl $VECTOR, 0x10(%rbx)

    movl $LAPIC, %ebx
    movl $0, 0x80(%rbx)                 /* TPR */
    movl $0x1ff, 0xf0(%rbx)             /* SVR: software enable */

    movw $(SERIAL + 1), %dx             /* IER: transmitter holding register empty */
    movb $0x02, %al
    outb %al, %dx
    sti
1:  hlt
    jmp 1b

handler:
    movw $(SERIAL + 2), %dx             /* IIR */
    inb %dx, %al
    andb $0x0f, %al
    movb %al, %bl
    leaq msg(%rip), %rsi
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
    movl $LAPIC, %ebx
    movl $0, 0xb0(%rbx)                 /* EOI */
    xorl %eax, %eax
    outb %al, $DEBUG_EXIT
3:  hlt
    jmp 3b

msg:
    .asciz "irq vector=0x24 iir="
    .balign 8
idt_desc:
    .word 256 * 16 - 1
idt_base:
    .quad 0
    .balign 16
idt:
    .fill 256 * 16, 1, 0
