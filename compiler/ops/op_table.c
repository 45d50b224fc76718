/* SPDX-License-Identifier: MIT */
/* The op table: every entry listed once, looked up by ONNX op_type. */
#include "op_common.h"

#include <string.h>

#define OP_ADDRESS(id) &op_##id,
static const OpDef *const table[] = {OP_ENTRIES(OP_ADDRESS)};
#undef OP_ADDRESS

const OpDef *op_find(const char *name)
{
    for (size_t i = 0; i < KILN_ARRAY_LEN(table); i++)
        if (strcmp(table[i]->name, name) == 0)
            return table[i];
    return NULL;
}

const OpDef *const *op_all(int *count)
{
    *count = (int)KILN_ARRAY_LEN(table);
    return table;
}
