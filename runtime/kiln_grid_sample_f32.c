/* SPDX-License-Identifier: MIT */
/* GridSample (2-D): nearest, bilinear or bicubic sampling of x at normalised grid points,
 * with zeros, border or reflection padding; follows the ONNX reference step by step. */
#include "kiln.h"

#include <math.h>

/* The reachable coordinate range [lo, hi] of one axis: pixel centres with align_corners,
 * else pixel edges. */
typedef struct {
    float lo, hi;
    int32_t len;
} gs_axis;

static float clampf(float v, float lo, float hi)
{
    /* NaN (a NaN grid value) lands on lo, so no cast below sees it */
    return v >= lo ? (v <= hi ? v : hi) : lo;
}

/* Mirrors v into [lo, hi] as often as needed (period 2 * (hi - lo)). */
static float reflect(float v, float lo, float hi)
{
    const float range = hi - lo;
    if (v >= lo && v <= hi)
        return v;
    if (!(range > 0.0f))
        return lo;
    const float dx = v < lo ? lo - v : v - hi;
    const float m = fmodf(dx, 2.0f * range);
    float r;
    if (v < lo)
        r = m <= range ? lo + m : hi - (m - range);
    else
        r = m <= range ? hi - m : lo + (m - range);
    return clampf(r, lo, hi);
}

static float denormalize(float g, int32_t len, int32_t align_corners)
{
    return align_corners ? (g + 1.0f) / 2.0f * (float)(len - 1)
                         : ((g + 1.0f) * (float)len - 1.0f) / 2.0f;
}

/* Bounds a coordinate so tap indices fit int32 (far outside every tap reads the same). */
static float bound(float v, const gs_axis *a)
{
    return clampf(v, -8.0f, (float)a->len + 8.0f);
}

/* Index i of an axis after padding, or -1 where zeros padding reads 0. */
static int32_t pad_index(int32_t i, const gs_axis *a, int32_t padding)
{
    if (i >= 0 && i < a->len)
        return i;
    if (padding == KILN_GS_ZEROS)
        return -1;
    if (padding == KILN_GS_BORDER)
        return i < 0 ? 0 : a->len - 1;
    int32_t r = (int32_t)reflect((float)i, a->lo, a->hi);
    return r < 0 ? 0 : r >= a->len ? a->len - 1 : r;
}

static float pixel(const float *plane, int32_t yi, int32_t xi, const gs_axis *ay,
                   const gs_axis *ax, int32_t padding)
{
    const int32_t r = pad_index(yi, ay, padding), c = pad_index(xi, ax, padding);
    return r < 0 || c < 0 ? 0.0f : plane[(ptrdiff_t)r * ax->len + c];
}

/* Cubic convolution weights (A = -0.75) of the taps at -1, 0, 1, 2 for fraction t. */
static void cubic_coeffs(float t, float w[4])
{
    const float a = -0.75f, u = t + 1.0f, v = 1.0f - t, z = 2.0f - t;
    w[0] = ((a * u - 5.0f * a) * u + 8.0f * a) * u - 4.0f * a;
    w[1] = ((a + 2.0f) * t - (a + 3.0f)) * t * t + 1.0f;
    w[2] = ((a + 2.0f) * v - (a + 3.0f)) * v * v + 1.0f;
    w[3] = ((a * z - 5.0f * a) * z + 8.0f * a) * z - 4.0f * a;
}

static float sample_linear(const float *plane, float fy, float fx, const gs_axis *ay,
                           const gs_axis *ax, int32_t padding)
{
    const float y0f = floorf(fy), x0f = floorf(fx);
    const int32_t y0 = (int32_t)y0f, x0 = (int32_t)x0f;
    const float ty = fy - y0f, tx = fx - x0f;
    float row[2];
    for (int32_t j = 0; j < 2; j++)
        row[j] = pixel(plane, y0 + j, x0, ay, ax, padding) * (1.0f - tx) +
                 pixel(plane, y0 + j, x0 + 1, ay, ax, padding) * tx;
    return row[0] * (1.0f - ty) + row[1] * ty;
}

static float sample_cubic(const float *plane, float fy, float fx, const gs_axis *ay,
                          const gs_axis *ax, int32_t padding)
{
    const float y0f = floorf(fy), x0f = floorf(fx);
    const int32_t y0 = (int32_t)y0f, x0 = (int32_t)x0f;
    float wy[4], wx[4], sum = 0.0f;
    cubic_coeffs(fy - y0f, wy);
    cubic_coeffs(fx - x0f, wx);
    for (int32_t j = 0; j < 4; j++) {
        float row = 0.0f;
        for (int32_t i = 0; i < 4; i++)
            row += wx[i] * pixel(plane, y0 - 1 + j, x0 - 1 + i, ay, ax, padding);
        sum += wy[j] * row;
    }
    return sum;
}

/* Source coordinate of one grid value on an axis; border and reflection padding move
 * coordinates outside [lo, hi] back in before interpolation (as the reference does). */
static float source_coord(float g, const gs_axis *a, const kiln_grid_sample_params *p)
{
    float v = denormalize(g, a->len, p->align_corners);
    if (p->mode == KILN_GS_NEAREST)
        v = nearbyintf(v);
    if (!(v >= a->lo && v <= a->hi)) {
        if (p->padding == KILN_GS_BORDER)
            v = clampf(v, 0.0f, (float)(a->len - 1));
        else if (p->padding == KILN_GS_REFLECTION)
            v = reflect(v, a->lo, a->hi);
    }
    return bound(v, a);
}

static float sample(const float *plane, float fy, float fx, const gs_axis *ay,
                    const gs_axis *ax, const kiln_grid_sample_params *p)
{
    if (p->mode == KILN_GS_NEAREST)
        return pixel(plane, (int32_t)fy, (int32_t)fx, ay, ax, p->padding);
    if (p->mode == KILN_GS_LINEAR)
        return sample_linear(plane, fy, fx, ay, ax, p->padding);
    return sample_cubic(plane, fy, fx, ay, ax, p->padding);
}

static gs_axis make_axis(int32_t len, int32_t align_corners)
{
    gs_axis a;
    a.len = len;
    a.lo = align_corners ? 0.0f : -0.5f;
    a.hi = align_corners ? (float)(len - 1) : (float)len - 0.5f;
    return a;
}

void kiln_grid_sample_f32(const kiln_grid_sample_params *p, const float *x, const float *grid,
                          float *y)
{
    const gs_axis ay = make_axis(p->h, p->align_corners), ax = make_axis(p->w, p->align_corners);
    const ptrdiff_t plane = (ptrdiff_t)p->h * p->w, out_plane = (ptrdiff_t)p->out_h * p->out_w;
    for (int32_t n = 0; n < p->n; n++) {
        const float *g = grid + (ptrdiff_t)n * out_plane * 2;
        for (ptrdiff_t o = 0; o < out_plane; o++) {
            const float fx = source_coord(g[2 * o], &ax, p);
            const float fy = source_coord(g[2 * o + 1], &ay, p);
            for (int32_t c = 0; c < p->c; c++) {
                const ptrdiff_t nc = (ptrdiff_t)n * p->c + c;
                y[nc * out_plane + o] = sample(x + nc * plane, fy, fx, &ay, &ax, p);
            }
        }
    }
}
