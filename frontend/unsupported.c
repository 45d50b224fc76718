/* SPDX-License-Identifier: MIT */
/* Operators kiln leaves out on purpose, each with the reason it is out of scope for an
 * ahead-of-time compiler of static-shape inference graphs. Errors quote the reason, so a
 * user (and the conformance runner) can tell "out of scope" from "not written yet". */
#include "onnx_internal.h"

#include <string.h>

#define WHY_TRAINING "training operator; kiln compiles inference graphs"
#define WHY_SEQUENCE "sequence-typed values; kiln handles tensors only"
#define WHY_OPTIONAL "optional-typed values; kiln handles tensors only"
#define WHY_STRING "string tensors; kiln generates numeric code only"
#define WHY_RANDOM "random number generator; generated code is deterministic"
#define WHY_DATA_SHAPE "its output shape depends on input values at run time; kiln needs " \
                       "static shapes"
#define WHY_CONTROL "control flow with subgraphs (trip count, branch and output shapes are " \
                    "run-time data)"

static const struct {
    const char *op;
    const char *why;
} out_of_scope[] = {
    {"Adagrad", WHY_TRAINING},
    {"Adam", WHY_TRAINING},
    {"Momentum", WHY_TRAINING},
    {"Gradient", WHY_TRAINING},
    {"SequenceAt", WHY_SEQUENCE},
    {"SequenceConstruct", WHY_SEQUENCE},
    {"SequenceEmpty", WHY_SEQUENCE},
    {"SequenceErase", WHY_SEQUENCE},
    {"SequenceInsert", WHY_SEQUENCE},
    {"SequenceLength", WHY_SEQUENCE},
    {"SequenceMap", WHY_SEQUENCE},
    {"SplitToSequence", WHY_SEQUENCE},
    {"ConcatFromSequence", WHY_SEQUENCE},
    {"Optional", WHY_OPTIONAL},
    {"OptionalGetElement", WHY_OPTIONAL},
    {"OptionalHasElement", WHY_OPTIONAL},
    {"StringNormalizer", WHY_STRING},
    {"StringConcat", WHY_STRING},
    {"StringSplit", WHY_STRING},
    {"RegexFullMatch", WHY_STRING},
    {"RandomNormal", WHY_RANDOM},
    {"RandomNormalLike", WHY_RANDOM},
    {"RandomUniform", WHY_RANDOM},
    {"RandomUniformLike", WHY_RANDOM},
    {"Bernoulli", WHY_RANDOM},
    {"Multinomial", WHY_RANDOM},
    {"NonZero", WHY_DATA_SHAPE},
    {"Unique", WHY_DATA_SHAPE},
    {"Compress", WHY_DATA_SHAPE},
    {"NonMaxSuppression", WHY_DATA_SHAPE},
    {"Loop", WHY_CONTROL},
    {"If", WHY_CONTROL},
    {"Scan", WHY_CONTROL},
};

const char *fe_unsupported_reason(const char *op_type)
{
    for (size_t i = 0; i < KILN_ARRAY_LEN(out_of_scope); i++)
        if (!strcmp(out_of_scope[i].op, op_type))
            return out_of_scope[i].why;
    return NULL;
}

const char *fe_unsupported_domain_reason(const char *domain)
{
    return domain && !strcmp(domain, "ai.onnx.preview.training") ? WHY_TRAINING : NULL;
}
