/* SPDX-License-Identifier: MIT */
/* The passes, in pipeline order. Each reports through Diag and returns non-zero on error. */
#ifndef KILN_PASSES_H
#define KILN_PASSES_H

#include "ir.h"

typedef struct PassOptions {
    int64_t max_fold_bytes;   /* constant folding refuses more output bytes than this (per
                                 node and summed over the model) */
    int64_t alignment;        /* arena alignment in bytes */
} PassOptions;

int pass_shapes(Graph *g, const PassOptions *o, Diag *d);
int pass_fold(Graph *g, const PassOptions *o, Diag *d);
/* Folds one node if its inputs are constant (used by pass_shapes as it goes). */
int pass_fold_node(Graph *g, Node *n, const PassOptions *o, Diag *d);
int pass_dce(Graph *g, const PassOptions *o, Diag *d);
int pass_fold_bn(Graph *g, const PassOptions *o, Diag *d);
int pass_fuse_act(Graph *g, const PassOptions *o, Diag *d);
int pass_layout(Graph *g, const PassOptions *o, Diag *d);
int pass_views(Graph *g, const PassOptions *o, Diag *d);
int pass_plan(Graph *g, const PassOptions *o, Diag *d);

/* Plan checker: every arena buffer lies inside the arena and no two buffers live at the
 * same step overlap. Returns the number of violations (reported through d). */
int plan_check(const Graph *g, Diag *d);

#endif
