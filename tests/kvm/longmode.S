/*
 * Guest 1: starts in real mode at 0000:1000 (reached from the reset
 * vector through the runner's one-instruction ROM), switches itself to long mode the direct way (PAE, LME,
 * then PE|PG in one write, AMD64 APM vol. 2, 14.6), prints
 * "hello from long mode\n" on port 0x3f8 and exits through isa-debug-exit
 * (port 0xf4) with value 0x10.  Page tables and GDT are in the image.
 */
#define SERIAL 0x3f8
#define DEBUG_EXIT 0xf4

    .section .text
    .code16
    .globl _start
_start:
    cli
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %ss
    movw $0x7000, %sp
    lgdtl gdt_desc

    movl %cr4, %eax
    orl $0x20, %eax                 /* PAE */
    movl %eax, %cr4
    movl $pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx          /* EFER */
    rdmsr
    orl $0x100, %eax                /* LME */
    wrmsr
    movl %cr0, %eax
    orl $0x80000001, %eax           /* PG | PE */
    movl %eax, %cr0
    ljmpl $0x08, $long_entry

    .code64
long_entry:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    leaq msg(%rip), %rsi
    movw $SERIAL, %dx
1:  lodsb
    testb %al, %al
    jz 2f
    outb %al, %dx
    jmp 1b
2:  movb $0x10, %al
    outb %al, $DEBUG_EXIT
3:  hlt
    jmp 3b

msg:
    .asciz "hello from long mode\n"

    .balign 8
gdt:
    .quad 0
    .quad 0x00af9b000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf93000000ffff        /* 0x10: data */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt

    .balign 4096
pml4:
    .quad pdpt + 3
    .balign 4096
pdpt:
    .quad pd + 3
    .balign 4096
pd:
    .quad 0x83                      /* 0-2 MiB, 2 MiB page, present, writable */
    .balign 4096
