/* SPDX-License-Identifier: MIT */
/* Board support for kiln's emulated targets: semihosting file I/O, console and exit.
 * Used by the verify/run/bench drivers and the examples; never part of generated code. */
#ifndef KILN_BOARD_H
#define KILN_BOARD_H

#include <stddef.h>

/* One semihosting call (defined per architecture in targets/<arch>/). */
int kiln_board_semihost(int op, void *arg);

/* Opens a host file (mode "rb" or "wb"); returns a handle >= 0 or -1. */
int board_open(const char *path, const char *mode);
/* Reads or writes exactly n bytes; 0 on success. */
int board_read(int fd, void *buf, size_t n);
int board_write(int fd, const void *buf, size_t n);
/* Length of an open file in bytes, or -1. */
long board_file_length(int fd);
void board_close(int fd);
/* Prints a string on the emulator's console. */
void board_puts(const char *s);
/* Stops the emulator; its exit status is `code`. */
void board_exit(int code) __attribute__((noreturn));

#endif
