/*
 * Guest 2: every vCPU enters here in 64-bit mode (the runner's boot state:
 * the hw/x86 identity map and GDT), reads its APIC id and the logical
 * processor count from CPUID leaf 1 (EBX[31:24], EBX[23:16]), its x2APIC id
 * from leaf 0xB (EDX), and the in-kernel LAPIC's ID register (0xfee00020,
 * bits 31:24), prints "cpu apic=A count=C x2apic=X lapic=L\n" on port
 * 0x3f8 (the runner keeps one output buffer per vCPU) and writes 0 to
 * isa-debug-exit.  All numbers are single decimal digits (< 10 vCPUs).
 */
#define SERIAL 0x3f8
#define DEBUG_EXIT 0xf4

    .code64
    .section .text
    .globl _start
_start:
    movl $1, %eax
    xorl %ecx, %ecx
    cpuid
    movl %ebx, %r12d

    leaq s_apic(%rip), %rsi
    call puts
    movl %r12d, %eax
    shrl $24, %eax
    call putdigit

    leaq s_count(%rip), %rsi
    call puts
    movl %r12d, %eax
    shrl $16, %eax
    andl $0xff, %eax
    call putdigit

    leaq s_x2apic(%rip), %rsi
    call puts
    movl $0xb, %eax
    xorl %ecx, %ecx
    cpuid
    movl %edx, %eax
    call putdigit

    leaq s_lapic(%rip), %rsi
    call puts
    /* Through a register: a bare disp32 would be sign-extended to
     * 0xfffffffffee00020 (clang encodes it so), outside the identity map. */
    movl $0xfee00020, %ecx
    movl (%rcx), %eax
    shrl $24, %eax
    call putdigit

    movb $'\n', %al
    movw $SERIAL, %dx
    outb %al, %dx
    xorl %eax, %eax
    outb %al, $DEBUG_EXIT
1:  hlt
    jmp 1b

/* puts: NUL-terminated string at %rsi to the serial port. */
puts:
    movw $SERIAL, %dx
1:  lodsb
    testb %al, %al
    jz 2f
    outb %al, %dx
    jmp 1b
2:  ret

/* putdigit: %eax (0-9) as one decimal digit; '?' when larger. */
putdigit:
    cmpl $9, %eax
    jbe 1f
    movl $('?' - '0'), %eax
1:  addb $'0', %al
    movw $SERIAL, %dx
    outb %al, %dx
    ret

s_apic:   .asciz "cpu apic="
s_count:  .asciz " count="
s_x2apic: .asciz " x2apic="
s_lapic:  .asciz " lapic="
