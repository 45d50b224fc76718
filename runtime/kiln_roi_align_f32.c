/* SPDX-License-Identifier: MIT */
/* RoiAlign: bilinear samples on a regular grid inside each output bin, averaged (or the
 * max of their weighted corners), step by step as ONNX Runtime computes them. */
#include "kiln.h"

#include <math.h>

typedef struct {
    float start_h, start_w, bin_h, bin_w;
    int32_t grid_h, grid_w;
} roi_geom;

/* Samples per bin on one axis: the attribute, or ceil(roi size / bins) (0 for an empty or
 * inverted roi, whose bins are then 0); -1 if too many or NaN. */
static int32_t grid_size(int32_t ratio, float roi_size, int32_t bins)
{
    if (ratio > 0)
        return ratio;
    const float g = ceilf(roi_size / (float)bins);
    return g <= (float)KILN_ROI_MAX_SAMPLES ? (g < 0.0f ? 0 : (int32_t)g) : -1;
}

static int geometry(const kiln_roi_align_params *p, const float *roi, roi_geom *g)
{
    const float off = p->half_pixel ? 0.5f : 0.0f;
    const float x1 = roi[0] * p->spatial_scale - off, y1 = roi[1] * p->spatial_scale - off;
    float rw = roi[2] * p->spatial_scale - off - x1, rh = roi[3] * p->spatial_scale - off - y1;
    if (!p->half_pixel) {
        rw = rw > 1.0f ? rw : 1.0f;
        rh = rh > 1.0f ? rh : 1.0f;
    }
    g->start_h = y1, g->start_w = x1;
    g->bin_h = rh / (float)p->out_h, g->bin_w = rw / (float)p->out_w;
    g->grid_h = grid_size(p->sampling_ratio, rh, p->out_h);
    g->grid_w = grid_size(p->sampling_ratio, rw, p->out_w);
    return g->grid_h >= 0 && g->grid_w >= 0 &&
                   (int64_t)g->grid_h * g->grid_w <= KILN_ROI_MAX_SAMPLES ? 0 : -1;
}

/* One bilinear sample at (y, x): the four weighted corners (all 0 outside the map). */
static void corners(const float *plane, int32_t h, int32_t w, float y, float x, float v[4])
{
    v[0] = v[1] = v[2] = v[3] = 0.0f;
    if (!(y >= -1.0f && y <= (float)h && x >= -1.0f && x <= (float)w))
        return;
    y = y <= 0.0f ? 0.0f : y;
    x = x <= 0.0f ? 0.0f : x;
    int32_t y0 = (int32_t)y, x0 = (int32_t)x, y1 = y0 + 1, x1 = x0 + 1;
    if (y0 >= h - 1)
        y0 = y1 = h - 1, y = (float)y0;
    if (x0 >= w - 1)
        x0 = x1 = w - 1, x = (float)x0;
    const float ly = y - (float)y0, lx = x - (float)x0, hy = 1.0f - ly, hx = 1.0f - lx;
    v[0] = hy * hx * plane[(ptrdiff_t)y0 * w + x0];
    v[1] = hy * lx * plane[(ptrdiff_t)y0 * w + x1];
    v[2] = ly * hx * plane[(ptrdiff_t)y1 * w + x0];
    v[3] = ly * lx * plane[(ptrdiff_t)y1 * w + x1];
}

static float pool_bin(const kiln_roi_align_params *p, const roi_geom *g, const float *plane,
                      int32_t ph, int32_t pw)
{
    float acc = 0.0f;
    int first = 1;
    for (int32_t iy = 0; iy < g->grid_h; iy++) {
        const float y = g->start_h + (float)ph * g->bin_h +
                        ((float)iy + 0.5f) * g->bin_h / (float)g->grid_h;
        for (int32_t ix = 0; ix < g->grid_w; ix++) {
            const float x = g->start_w + (float)pw * g->bin_w +
                            ((float)ix + 0.5f) * g->bin_w / (float)g->grid_w;
            float v[4];
            corners(plane, p->h, p->w, y, x, v);
            if (!p->max_mode) {
                acc += v[0] + v[1] + v[2] + v[3];
                continue;
            }
            for (int k = 0; k < 4; k++)
                if (first || v[k] > acc)
                    acc = v[k], first = 0;
        }
    }
    const int32_t count = g->grid_h * g->grid_w;
    return p->max_mode ? acc : acc / (float)(count > 0 ? count : 1);
}

int kiln_roi_align_f32(const kiln_roi_align_params *p, const float *x, const float *rois,
                       const int64_t *batch_indices, float *y)
{
    const ptrdiff_t plane = (ptrdiff_t)p->h * p->w, out_plane = (ptrdiff_t)p->out_h * p->out_w;
    for (int32_t r = 0; r < p->n_rois; r++) {
        roi_geom g;
        const int64_t b = batch_indices[r];
        if (b < 0 || b >= p->n || geometry(p, rois + 4 * r, &g))
            return -1;
        for (int32_t c = 0; c < p->c; c++) {
            const float *src = x + ((ptrdiff_t)b * p->c + c) * plane;
            float *dst = y + ((ptrdiff_t)r * p->c + c) * out_plane;
            for (int32_t ph = 0; ph < p->out_h; ph++)
                for (int32_t pw = 0; pw < p->out_w; pw++)
                    dst[(ptrdiff_t)ph * p->out_w + pw] = pool_bin(p, &g, src, ph, pw);
        }
    }
    return 0;
}
