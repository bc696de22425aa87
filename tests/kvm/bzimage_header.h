/*
 * The setup header of our test bzImages (Linux boot.rst, "THE REAL-MODE
 * KERNEL HEADER"): protocol 2.15, one setup sector, a 64-bit payload
 * linked at 1 MiB by bzimage.ld whose startup_64 sits at +0x200.  A guest
 * includes this, then writes its code in .text starting with `.org 0x200`.
 */
    .section .setup, "a"
    .org 0x1f1
    .byte 1                         /* setup_sects */
    .word 0                         /* root_flags */
    .long syssize_paras             /* syssize */
    .word 0, 0xffff, 0              /* ram_size, vid_mode, root_dev */
    .word 0xaa55                    /* boot_flag */
    .byte 0xeb, 0x66                /* jump over the header */
    .ascii "HdrS"
    .word 0x020f                    /* version 2.15 */
    .long 0                         /* realmode_swtch */
    .word 0x1000, 0                 /* start_sys_seg, kernel_version */
    .byte 0, 0x01                   /* type_of_loader, loadflags: LOADED_HIGH */
    .word 0x8000                    /* setup_move_size */
    .long 0x100000                  /* code32_start */
    .long 0, 0, 0                   /* ramdisk_image, ramdisk_size, bootsect_kludge */
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
    .quad 0x200000                  /* pref_address */
    .long 0x100000                  /* init_size */
    .long 0, 0                      /* handover_offset, kernel_info_offset */
