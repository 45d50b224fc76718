/* SPDX-License-Identifier: MIT */
/* Semihosting (Arm's protocol, also used by RISC-V): the host does the file and console
 * work; each call passes an operation number and a block of 32-bit words. */
#include "board.h"

#include <stdint.h>
#include <string.h>

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_FLEN = 0x0c,
    SYS_EXIT_EXTENDED = 0x20,
};

/* Argument blocks hold pointers and sizes as machine words (32 bits on these targets). */
typedef uintptr_t word;

int board_open(const char *path, const char *mode)
{
    /* SYS_OPEN modes follow fopen's table: 1 = "rb", 5 = "wb" */
    word args[3] = {(word)path, mode[0] == 'w' ? 5u : 1u, (word)strlen(path)};
    return kiln_board_semihost(SYS_OPEN, args);
}

int board_read(int fd, void *buf, size_t n)
{
    word args[3] = {(word)fd, (word)buf, (word)n};
    return kiln_board_semihost(SYS_READ, args) == 0 ? 0 : -1;   /* returns bytes NOT read */
}

int board_write(int fd, const void *buf, size_t n)
{
    word args[3] = {(word)fd, (word)buf, (word)n};
    return kiln_board_semihost(SYS_WRITE, args) == 0 ? 0 : -1;
}

long board_file_length(int fd)
{
    word args[1] = {(word)fd};
    return kiln_board_semihost(SYS_FLEN, args);
}

void board_close(int fd)
{
    word args[1] = {(word)fd};
    kiln_board_semihost(SYS_CLOSE, args);
}

void board_puts(const char *s)
{
    kiln_board_semihost(SYS_WRITE0, (void *)s);
}

void board_exit(int code)
{
    /* ADP_Stopped_ApplicationExit: the emulator exits with `code` */
    word args[2] = {0x20026u, (word)code};
    for (;;)
        kiln_board_semihost(SYS_EXIT_EXTENDED, args);
}
