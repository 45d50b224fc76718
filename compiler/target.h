/* SPDX-License-Identifier: MIT */
/* Targets are data: targets/<name>.yaml (or a user's file) parsed into a Target. */
#ifndef KILN_TARGET_H
#define KILN_TARGET_H

#include "util.h"

typedef struct Target {
    char name[64];
    char description[256];
    char cc[256];
    char cflags[512];
    int64_t alignment;
} Target;

/* Loads NAME (targets/NAME.yaml in kiln's data directory) or a path ending in .yaml;
 * NULL or "" means "host". Unknown keys are errors, so typos do not pass silently. */
int target_load(const char *name_or_file, Target *t, Diag *d);
/* Names of the bundled targets, space-separated, for messages. */
void target_list(char *out, size_t size);

#endif
