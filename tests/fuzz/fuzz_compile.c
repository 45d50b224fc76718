/* SPDX-License-Identifier: MIT */
/* libFuzzer target: one input = the bytes of an ONNX file, run through the whole compile
 * (frontend, every pass, code generation into a scratch directory). Any crash, sanitizer
 * report, exit() (kiln_internal_error or an out-of-memory exit) or timeout is a bug; a
 * clean diagnostic is the expected way to reject a hostile file.
 * Built by `make fuzz` (tests/fuzz/fuzz.mk); see docs/robustness.md. */
#include "pipeline.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char work_dir[4096];     /* holds fuzz.onnx's (empty) folder and the output */
static char model_path[4200];
static char out_dir[4200];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    Diag d = {0};
    if (make_temp_dir(NULL, "kiln-fuzz-", work_dir, sizeof work_dir, &d))
        abort();
    cleanup_register_dir(work_dir);
    /* The model is never written: its path only names the folder external data would be
     * read from, which stays empty, so every external reference must fail cleanly. */
    snprintf(model_path, sizeof model_path, "%s/fuzz.onnx", work_dir);
    snprintf(out_dir, sizeof out_dir, "%s/out", work_dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Diag d = {.file = model_path, .quiet = getenv("KILN_FUZZ_VERBOSE") == NULL};
    Options o = {.model = model_path, .tgt = {.alignment = 16}};
    Graph *g = fe_load_onnx_buffer(data, size, model_path, NULL, 0, &d);
    if (!g || pipeline_run(g, &o, &d))
        return 0;
    if (mkdir_p(out_dir, &d) == 0)
        pipeline_write(g, &o, out_dir, &d);
    remove_tree(out_dir);
    ir_graph_free(g);
    return 0;
}
