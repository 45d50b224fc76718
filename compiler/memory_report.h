/* SPDX-License-Identifier: MIT */
/* The memory plan as JSON fields, a terminal table and an SVG picture. */
#ifndef KILN_MEMORY_REPORT_H
#define KILN_MEMORY_REPORT_H

#include <stdio.h>
#include "ir.h"

struct cJSON;
/* Adds arena_lower_bound_bytes, file_order_lower_bound_bytes, plan_strategy,
 * step_live_bytes and scratch (offset, bytes, steps per node) to root. */
void memory_report_json(const Graph *g, struct cJSON *root);
/* Adds first_step, last_step (and in_place_of) to a planned tensor's report entry. */
void memory_tensor_json(const Tensor *t, struct cJSON *o);
/* kiln inspect --memory: every arena buffer, live bytes per step, the bounds. */
void memory_print_table(const Graph *g, FILE *out);
/* One box per buffer at (step, offset), the peak step marked. */
int memory_write_svg(const Graph *g, const char *path, Diag *d);

#endif
