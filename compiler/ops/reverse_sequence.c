/* SPDX-License-Identifier: MIT */
/* ReverseSequence (opset 10+): any element type; sequence_lens is read at run time, and a
 * length outside [0, time] makes the generated NAME_run() return 1. */
#include "op_common.h"

static int reverse_sequence_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0], *lens = n->inputs[1];
    int64_t time_axis = ir_attr_int(n, "time_axis", 0), batch_axis = ir_attr_int(n, "batch_axis", 1);
    if (x->rank < 2 || !((time_axis == 0 && batch_axis == 1) || (time_axis == 1 && batch_axis == 0))) {
        node_error(d, n, "needs an input of rank >= 2 and time_axis, batch_axis of 0 and 1 "
                         "(got rank %d, time_axis %lld, batch_axis %lld)", x->rank,
                   (long long)time_axis, (long long)batch_axis);
        return -1;
    }
    const int64_t batch = x->dims[batch_axis], time = x->dims[time_axis];
    if (lens->dtype != DT_S64 || lens->rank != 1 || lens->dims[0] != batch) {
        node_error(d, n, "sequence_lens must be int64 of shape [%lld] (got %s, rank %d)",
                   (long long)batch, dtype_name(lens->dtype), lens->rank);
        return -1;
    }
    ir_set_shape(n->outputs[0], x->dtype, x->rank, x->dims);
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    const int64_t rows = batch * time;
    kiln_reverse_sequence_params *p = arena_alloc(g->arena, sizeof *p);
    *p = (kiln_reverse_sequence_params){(int32_t)dtype_size(x->dtype), (int32_t)time_axis,
                                        (int32_t)time, (int32_t)batch,
                                        (int32_t)(rows > 0 ? ir_numel(x) / rows : 0)};
    n->params = p;
    return 0;
}

static int reverse_sequence_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    if (kiln_reverse_sequence(n->params, n->inputs[0]->data, n->inputs[1]->data,
                              n->outputs[0]->data)) {
        node_error(d, n, "a sequence length is outside [0, %d]",
                   ((const kiln_reverse_sequence_params *)n->params)->time);
        return -1;
    }
    return 0;
}

static int reverse_sequence_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_reverse_sequence_params *p = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_reverse_sequence_params");
    cg_decl(e, "{%d, %d, %d, %d, %d};\n", p->elem_size, p->time_axis, p->time, p->batch, p->inner);
    cg_stmt(e, "if (kiln_reverse_sequence(&%s, %s, %s, %s) != 0)\n        return 1;\n", pn,
            cg_ptr(e, n->inputs[0]), cg_ptr(e, n->inputs[1]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_reverse_sequence");
    return 0;
}

const OpDef op_reverse_sequence = {
    .name = "ReverseSequence", .min_opset = 10, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = reverse_sequence_infer, .eval = reverse_sequence_eval, .emit = reverse_sequence_emit,
};
