/* SPDX-License-Identifier: MIT */
/* Helpers shared by the runtime kernel tests: deterministic data and comparisons. */
#ifndef RUNTIME_TEST_H
#define RUNTIME_TEST_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kiln.h"

/* A tiny LCG (Numerical Recipes constants) so every run sees the same data. */
typedef struct { uint32_t s; } test_rng;

static inline uint32_t test_next(test_rng *r)
{
    r->s = r->s * 1664525u + 1013904223u;
    return r->s >> 8;
}

/* Uniform in [lo, hi). */
static inline float test_uniform(test_rng *r, float lo, float hi)
{
    return lo + (hi - lo) * ((float)test_next(r) / 16777216.0f);
}

static inline void test_fill(test_rng *r, float *x, size_t n, float lo, float hi)
{
    for (size_t i = 0; i < n; i++)
        x[i] = test_uniform(r, lo, hi);
}

/* Compares n floats with |got - want| <= 1e-6 + 1e-5 * |want|; prints every mismatch
 * (up to 10) with its index and returns the number of mismatches. */
static inline size_t test_mismatches(const char *what, const float *want, const float *got,
                                     size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        const float tol = 1e-6f + 1e-5f * fabsf(want[i]);
        const int same_nan = isnan(want[i]) && isnan(got[i]);
        if (!same_nan && !(fabsf(got[i] - want[i]) <= tol)) {
            if (bad < 10)
                printf("%s: index %zu: expected %.9g, got %.9g\n", what, i,
                       (double)want[i], (double)got[i]);
            bad++;
        }
    }
    return bad;
}

/* Exact byte comparison for data-movement kernels. */
static inline size_t test_mismatches_bytes(const char *what, const void *want,
                                           const void *got, size_t n)
{
    const unsigned char *w = want, *g = got;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] != g[i]) {
            if (bad < 10)
                printf("%s: byte %zu: expected 0x%02x, got 0x%02x\n", what, i, w[i], g[i]);
            bad++;
        }
    }
    return bad;
}

/* The activations written straight from the ONNX operator definitions. */
static inline float ref_act(const kiln_act *a, float x)
{
    switch (a->kind) {
    case KILN_ACT_NONE: return x;
    case KILN_ACT_RELU: return x < 0.0f ? 0.0f : x;
    case KILN_ACT_CLIP: return fminf(fmaxf(x, a->a), a->b);
    case KILN_ACT_LEAKY_RELU: return x < 0.0f ? a->a * x : x;
    case KILN_ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case KILN_ACT_TANH: return tanhf(x);
    case KILN_ACT_HARD_SIGMOID: return fmaxf(0.0f, fminf(1.0f, a->a * x + a->b));
    case KILN_ACT_HARD_SWISH: return x * fmaxf(0.0f, fminf(1.0f, x / 6.0f + 0.5f));
    }
    return x;
}

/* Every activation kind with parameters that make its shape visible on [-4, 4). */
static const kiln_act test_acts[] = {
    {KILN_ACT_NONE, 0.0f, 0.0f},         {KILN_ACT_RELU, 0.0f, 0.0f},
    {KILN_ACT_CLIP, -0.5f, 0.75f},       {KILN_ACT_LEAKY_RELU, 0.1f, 0.0f},
    {KILN_ACT_SIGMOID, 0.0f, 0.0f},      {KILN_ACT_TANH, 0.0f, 0.0f},
    {KILN_ACT_HARD_SIGMOID, 0.2f, 0.5f}, {KILN_ACT_HARD_SWISH, 0.0f, 0.0f},
};
#define TEST_N_ACTS (sizeof test_acts / sizeof test_acts[0])

/* Fills a buffer with NaN so a kernel that leaves an output unwritten fails the test. */
static inline void test_poison(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = NAN;
}

#endif
