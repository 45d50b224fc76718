/* SPDX-License-Identifier: MIT */
/* The passes, in pipeline order. Each reports through Diag and returns non-zero on error. */
#ifndef KILN_PASSES_H
#define KILN_PASSES_H

#include "ir.h"

/* --quantize int8: where the calibration samples are and how ranges are chosen. */
typedef struct QuantOptions {
    const char *const *calib;  /* .npy files (one per input) or one test_data_set directory */
    int n_calib;
    const char *method;        /* "minmax" (default), "percentile:P", "mse" */
    int quiet;                 /* no progress bar, no fallback note */
    int bias_correction;       /* --bias-correction */
    int weight_mse;            /* --weight-clip mse: per-channel clipping by least error */
} QuantOptions;
typedef enum { SPARSE_AUTO = 0, SPARSE_OFF, SPARSE_FORCE } SparseMode;

typedef struct PassOptions {
    int64_t max_fold_bytes;   /* constant folding refuses more output bytes than this (per
                                 node and summed over the model) */
    SparseMode sparse;        /* --sparse: sparse weight encodings per the cost model */
    int64_t alignment;        /* arena alignment in bytes */
    const QuantOptions *quant;/* NULL: the model stays float (unless it is a QDQ model) */
    int quiet;                /* no notes on stderr */
} PassOptions;

/* QDQ models: Q/DQ pairs and dequantized constant weights become quantization
 * parameters on float tensors (no-op with --quantize). */
int pass_qdq_import(Graph *g, const PassOptions *o, Diag *d);
int pass_shapes(Graph *g, const PassOptions *o, Diag *d);
int pass_fold(Graph *g, const PassOptions *o, Diag *d);
/* Folds one node if its inputs are constant (used by pass_shapes as it goes). */
int pass_fold_node(Graph *g, Node *n, const PassOptions *o, Diag *d);
int pass_dce(Graph *g, const PassOptions *o, Diag *d);
int pass_fold_pad(Graph *g, const PassOptions *o, Diag *d);
int pass_transpose_pair(Graph *g, const PassOptions *o, Diag *d);
int pass_view_chain(Graph *g, const PassOptions *o, Diag *d);
int pass_matmul_gemm(Graph *g, const PassOptions *o, Diag *d);
int pass_fold_affine(Graph *g, const PassOptions *o, Diag *d);
int pass_fold_bn(Graph *g, const PassOptions *o, Diag *d);
int pass_prune(Graph *g, const PassOptions *o, Diag *d);
int pass_fuse_act(Graph *g, const PassOptions *o, Diag *d);
/* Calibrates on o->quant's samples and rewrites the graph to int8 (no-op without quant). */
int pass_quantize(Graph *g, const PassOptions *o, Diag *d);
int pass_sparse(Graph *g, const PassOptions *o, Diag *d);
/* The int8 half of pass_sparse (passes/sparse_s8.c): encodes one Conv.s8 or
 * FullyConnected.s8 as kiln_sparse_s8 when the mode and its cost model say so. */
void sparse_s8_node(Graph *g, Node *n, SparseMode mode);
int pass_layout(Graph *g, const PassOptions *o, Diag *d);
int pass_views(Graph *g, const PassOptions *o, Diag *d);
int pass_schedule(Graph *g, const PassOptions *o, Diag *d);
int pass_plan(Graph *g, const PassOptions *o, Diag *d);

/* Plan checker: every arena buffer lies inside the arena and no two buffers live at the
 * same step overlap. Returns the number of violations (reported through d). */
int plan_check(const Graph *g, Diag *d);

/* ---- quantization helpers (passes/calibrate.c, passes/quantize.c) ---- */

/* Real range of a tensor over the calibration samples. */
typedef struct {
    float lo, hi;
    int seen;
    double *mean;   /* per element, over the samples (for bias correction); NULL if none */
} CalibRange;

/* Runs the float graph (the runtime kernels, through each op's eval) on every sample and
 * fills ranges[tensor id] for every non-constant f32 tensor, with o->method. */
int calib_ranges(Graph *g, const QuantOptions *o, CalibRange *ranges, Diag *d);
/* Chooses the clipping range of a histogram of `bins` counts over [lo, hi]: the
 * percentile P on each side, or the range minimising expected int8 error (mse). */
void calib_percentile(const double *hist, int bins, float lo, float hi, double p,
                      float *out_lo, float *out_hi);
void calib_mse(const double *hist, int bins, float lo, float hi, float *out_lo, float *out_hi);
/* Scale and zero point of an int8 tensor covering [lo, hi] (widened to include 0). */
void quant_affine(float lo, float hi, float *scale, int32_t *zero_point);
/* (multiplier, shift) with kiln_requantize(x, m, s) == round(x * real) for real >= 0. */
void quant_multiplier(double real, int32_t *multiplier, int32_t *shift);

#endif
