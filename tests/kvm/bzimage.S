/*
 * Guest 3: a minimal bzImage (boot protocol 2.15 setup header, one setup
 * sector, a protected-mode payload whose startup_64 is at +0x200) that
 * checks the zero page the way Linux reads it (boot.rst, zero-page.rst):
 * setup header copied from the image, type_of_loader, the e820 map for
 * 16 MiB of RAM, cmd_line_ptr and the string, ramdisk_image/size and the
 * initrd bytes, CS = __BOOT_CS.  The first failed check writes its number
 * to isa-debug-exit (0xf4); success prints "bzimage ok\n" and writes 0.
 * Must match kvm_guest_test.c: RAM 16 MiB, the command line below, an
 * 8 KiB initrd starting with "INITRD!!".
 */
#define SERIAL 0x3f8
#define DEBUG_EXIT 0xf4
#define RAM_BYTES 0x1000000

    .section .setup, "a"
    .org 0x1f1
    .byte 1                         /* setup_sects */
    .word 0                         /* root_flags */
    .long syssize_paras             /* syssize */
    .word 0                         /* ram_size */
    .word 0xffff                    /* vid_mode */
    .word 0                         /* root_dev */
    .word 0xaa55                    /* boot_flag */
jump:
    .byte 0xeb, hdr_end - header    /* jump over the header: 0x202 + this byte */
header:
    .ascii "HdrS"
    .word 0x020f                    /* version 2.15 */
    .long 0                         /* realmode_swtch */
    .word 0x1000                    /* start_sys_seg */
    .word 0                         /* kernel_version */
    .byte 0                         /* type_of_loader */
    .byte 0x01                      /* loadflags: LOADED_HIGH */
    .word 0x8000                    /* setup_move_size */
    .long 0x100000                  /* code32_start */
    .long 0                         /* ramdisk_image */
    .long 0                         /* ramdisk_size */
    .long 0                         /* bootsect_kludge */
    .word 0                         /* heap_end_ptr */
    .byte 0, 0                      /* ext_loader_ver, ext_loader_type */
    .long 0                         /* cmd_line_ptr */
    .long 0x7fffffff                /* initrd_addr_max */
    .long 0x200000                  /* kernel_alignment */
    .byte 1, 21                     /* relocatable_kernel, min_alignment */
    .word 0x0001                    /* xloadflags: XLF_KERNEL_64 */
    .long 255                       /* cmdline_size */
    .long 0                         /* hardware_subarch */
    .quad 0                         /* hardware_subarch_data */
    .long 0, 0                      /* payload_offset, payload_length */
    .quad 0                         /* setup_data */
    .quad 0x200000                  /* pref_address (LOAD_PHYSICAL_ADDR): fits 16 MiB */
    .long 0x100000                  /* init_size */
    .long 0                         /* handover_offset */
    .long 0                         /* kernel_info_offset */
hdr_end:

    .code64
    .section .text
    .globl _start
_start:
    .org 0x200
startup_64:
    movb $1, %al
    cmpl $0x53726448, 0x202(%rsi)       /* "HdrS" */
    jne fail
    movb $2, %al
    cmpw $0x020f, 0x206(%rsi)
    jne fail
    movb $3, %al
    cmpb $0xff, 0x210(%rsi)             /* type_of_loader */
    jne fail
    movb $4, %al
    testb $1, 0x211(%rsi)               /* loadflags LOADED_HIGH */
    jz fail
    movb $5, %al
    cmpb $3, 0x1e8(%rsi)                /* e820_entries */
    jne fail

    leaq 0x2d0(%rsi), %rbx              /* e820_table[0] */
    movb $6, %al
    cmpq $0, 0(%rbx)
    jne fail
    cmpq $0x9fc00, 8(%rbx)
    jne fail
    cmpl $1, 16(%rbx)
    jne fail
    movb $7, %al
    cmpq $0x9fc00, 20(%rbx)
    jne fail
    cmpl $2, 36(%rbx)
    jne fail
    movb $8, %al
    cmpq $0x100000, 40(%rbx)
    jne fail
    cmpq $(RAM_BYTES - 0x100000), 48(%rbx)
    jne fail
    cmpl $1, 56(%rbx)
    jne fail

    movb $9, %al                        /* the command line, byte for byte */
    movl 0x228(%rsi), %edi
    testl %edi, %edi
    jz fail
    leaq expected_cmdline(%rip), %r8
1:  movb (%r8), %cl
    cmpb %cl, (%rdi)
    jne fail
    incq %rdi
    incq %r8
    testb %cl, %cl
    jnz 1b

    movb $10, %al
    cmpl $8192, 0x21c(%rsi)             /* ramdisk_size */
    jne fail
    movb $11, %al
    movl 0x218(%rsi), %edi              /* ramdisk_image: page aligned, inside RAM */
    testl $0xfff, %edi
    jnz fail
    cmpl $0x300000, %edi                /* above 2 MiB + init_size, where it decompresses */
    jb fail
    leal 8192(%rdi), %ecx
    cmpl $RAM_BYTES, %ecx
    ja fail
    movb $12, %al
    movabsq $0x2121445254494e49, %rcx   /* "INITRD!!" */
    cmpq %rcx, (%rdi)
    jne fail

    movb $13, %al
    cmpl $0x200000, 0x230(%rsi)         /* kernel_alignment, from the image */
    jne fail
    movb $14, %al
    movw %cs, %cx
    cmpw $0x10, %cx
    jne fail
    movb $15, %al
    leaq startup_64(%rip), %rcx
    cmpq $0x100200, %rcx
    jne fail

    leaq ok_msg(%rip), %rsi
    movw $SERIAL, %dx
2:  lodsb
    testb %al, %al
    jz 3f
    outb %al, %dx
    jmp 2b
3:  xorl %eax, %eax
fail:
    outb %al, $DEBUG_EXIT
4:  hlt
    jmp 4b

expected_cmdline:
    .asciz "console=ttyS0 morpho=bzimage"
ok_msg:
    .asciz "bzimage ok\n"
