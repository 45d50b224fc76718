/* SPDX-License-Identifier: MIT */
/* Test helper: top-1 accuracy of predictions (.npy float32 [N, C]) against labels
 * (.npy int64 [N]). Prints the accuracy in percent with two decimals. Host only. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a version 1 .npy file's data (little-endian host assumed); returns bytes read. */
static long read_npy(const char *path, void **data)
{
    FILE *f = fopen(path, "rb");
    unsigned char head[10];
    if (!f || fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6) != 0) {
        fprintf(stderr, "%s: not a .npy file\n", path);
        exit(2);
    }
    long hlen = head[8] | head[9] << 8;
    fseek(f, 0, SEEK_END);
    long size = ftell(f) - 10 - hlen;
    fseek(f, 10 + hlen, SEEK_SET);
    *data = malloc((size_t)size + 1);
    if (fread(*data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "%s: short read\n", path);
        exit(2);
    }
    fclose(f);
    return size;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: accuracy PRED.npy LABELS.npy CLASSES\n");
        return 2;
    }
    float *pred;
    int64_t *labels;
    long n = read_npy(argv[2], (void **)&labels) / 8, classes = atol(argv[3]);
    if (read_npy(argv[1], (void **)&pred) != n * classes * 4) {
        fprintf(stderr, "%s: expected %ld x %ld floats\n", argv[1], n, classes);
        return 2;
    }
    long right = 0;
    for (long i = 0; i < n; i++) {
        long best = 0;
        for (long c = 1; c < classes; c++)
            best = pred[i * classes + c] > pred[i * classes + best] ? c : best;
        right += best == labels[i];
    }
    printf("%.2f\n", 100.0 * (double)right / (double)n);
    free(pred);
    free(labels);
    return 0;
}
