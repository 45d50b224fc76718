/* SPDX-License-Identifier: MIT */
/* Reset for RISC-V (QEMU virt, -bios none): gp and sp, a trap handler that exits with
 * status 100 (never a hang), the FPU when the ISA has one, .data copy, .bss clear, main,
 * exit through semihosting. Symbols come from kiln's linker script. */
    .section .text.kiln_reset, "ax"
    .globl kiln_reset
kiln_reset:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, __stack_top
    la t0, trap
    csrw mtvec, t0
#ifdef __riscv_flen
    li t0, 0x2000           /* mstatus.FS = initial */
    csrs mstatus, t0
#endif
    la t0, __data_load
    la t1, __data_start
    la t2, __data_end
1:  bgeu t1, t2, 2f
    lw t3, 0(t0)
    sw t3, 0(t1)
    addi t0, t0, 4
    addi t1, t1, 4
    j 1b
2:  la t1, __bss_start
    la t2, __bss_end
3:  bgeu t1, t2, 4f
    sw zero, 0(t1)
    addi t1, t1, 4
    j 3b
4:  call main
    call board_exit

    .balign 4
trap:
    li a0, 100
    call board_exit

/* int kiln_board_semihost(int op, void *arg): the semihosting trap is ebreak between two
 * marker instructions, all uncompressed and in one page. */
    .section .text.kiln_board_semihost, "ax"
    .globl kiln_board_semihost
    .balign 16
kiln_board_semihost:
    .option push
    .option norvc
    slli x0, x0, 0x1f
    ebreak
    srai x0, x0, 7
    .option pop
    ret
