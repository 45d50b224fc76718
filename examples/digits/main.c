/* SPDX-License-Identifier: MIT */
/* A tiny application around kiln's generated code, as a user's project would hold it:
 * include the generated header, pass an input and an output buffer, read the result. */
#include <stdio.h>

#include "digits.h"
#include "digit_input.h"

int main(void)
{
    float probs[DIGITS_OUTPUT_0_SIZE];
    if (digits_run(digit_image, probs) != 0) {
        fprintf(stderr, "inference failed\n");
        return 1;
    }
    int best = 0;
    for (int i = 0; i < DIGITS_OUTPUT_0_SIZE; i++) {
        printf("  class %d: %.4f\n", i, (double)probs[i]);
        if (probs[i] > probs[best])
            best = i;
    }
    printf("predicted digit: %d (label %d)\n", best, DIGIT_LABEL);
    return best == DIGIT_LABEL ? 0 : 1;
}
