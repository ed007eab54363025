/* A boot sector that dirties guest memory without end: each pass changes a
 * 64 KiB pattern below 1 MiB and copies it over 1 MiB..120 MiB with the
 * BIOS block move (INT 15h AH=87h). */
    .code16
    .globl _start
_start:
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %ss
    movw $0x7000, %sp
outer:
    incw counter
    movw counter, %ax
    movw $0x1000, %bx
    movw %bx, %es
    xorw %di, %di
    movw $16, %cx
page:
    movw %ax, %es:(%di)
    addw $0x1000, %di
    loop page
    movl $0x00100000, dst
copy:
    movw dst, %ax
    movw %ax, gdt+26
    movb dst+2, %al
    movb %al, gdt+28
    movb dst+3, %al
    movb %al, gdt+31
    xorw %bx, %bx
    movw %bx, %es
    movw $gdt, %si
    movw $0x8000, %cx
    movb $0x87, %ah
    int $0x15
    addl $0x10000, dst
    cmpl $0x07800000, dst
    jb copy
    jmp outer
counter: .word 0
dst: .long 0
    .balign 8
gdt:
    .quad 0
    .quad 0
    /* source: 0x10000, 64 KiB, data read/write */
    .word 0xffff, 0x0000
    .byte 0x01, 0x93, 0x00, 0x00
    /* destination, base patched */
    .word 0xffff, 0x0000
    .byte 0x00, 0x93, 0x00, 0x00
    .quad 0
    .quad 0
    .org 510
    .word 0xaa55
