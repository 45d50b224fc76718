/* SPDX-License-Identifier: MIT */
/* Firmware for a Cortex-M4 board (QEMU mps2-an386) around kiln's generated digits model:
 * the application's own main, which classifies one 8x8 digit and prints the class over
 * semihosting. The generated files are built in as any other sources (see Makefile). */
#include "board.h"
#include "digits.h"
#include "digit_input.h"

/* The model's working memory, owned by the application (placed in .bss like any array). */
static float arena[(DIGITS_ARENA_SIZE + sizeof(float) - 1) / sizeof(float)]
    __attribute__((aligned(DIGITS_ARENA_ALIGN)));

int main(void)
{
    float probs[DIGITS_OUTPUT_0_SIZE];
    if (digits_run_arena(arena, digit_image, probs) != 0) {
        board_puts("inference failed\n");
        return 1;
    }
    int best = 0;
    for (int i = 1; i < DIGITS_OUTPUT_0_SIZE; i++)
        if (probs[i] > probs[best])
            best = i;
    char line[] = "predicted digit: ?\n";
    line[sizeof line - 3] = (char)('0' + best);
    board_puts(line);
    return best == DIGIT_LABEL ? 0 : 2;
}
