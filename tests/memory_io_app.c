/* SPDX-License-Identifier: MIT */
/* --io-in-arena check (tests/run_memory.sh): the zero-copy entry point on a caller
 * arena gives the same bits as the copying NAME_run, and the input/output pointers lie
 * inside the arena. Built against a model compiled with --name net --io-in-arena. */
#include <stdio.h>
#include <string.h>

#include "net.h"

static unsigned char arena[NET_ARENA_SIZE] __attribute__((aligned(NET_ARENA_ALIGN)));
static float in[NET_INPUT_0_SIZE], want[NET_OUTPUT_0_SIZE];

int main(void)
{
    for (int i = 0; i < NET_INPUT_0_SIZE; i++)
        in[i] = (float)((i * 7) % 13) / 8.0f - 0.5f;
    if (net_run(in, want) != 0)
        return 1;
    unsigned char *x = (unsigned char *)net_input_ptr(arena);
    unsigned char *y = (unsigned char *)net_output_ptr(arena);
    if (x < arena || x + sizeof in > arena + sizeof arena || y < arena ||
        y + sizeof want > arena + sizeof arena) {
        fprintf(stderr, "input or output pointer outside the arena\n");
        return 1;
    }
    memcpy(x, in, sizeof in);
    if (net_run_in_arena(arena) != 0)
        return 1;
    if (memcmp(y, want, sizeof want) != 0) {
        fprintf(stderr, "zero-copy output differs from net_run's\n");
        return 1;
    }
    puts("io-in-arena ok");
    return 0;
}
