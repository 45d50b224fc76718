/* SPDX-License-Identifier: MIT */
/* Targets are data: targets/<name>.yaml (or a user's file) parsed into a Target. */
#ifndef KILN_TARGET_H
#define KILN_TARGET_H

#include "util.h"

#define TARGET_MAX_REGIONS 8

/* A memory region of the board, as the linker script's MEMORY block will list it. */
typedef struct {
    char name[32];
    int64_t origin, length;
} MemRegion;

typedef struct Target {
    char name[64];
    char description[256];
    /* toolchain: the C compiler builds verify/run/bench programs; size and nm measure
     * and inspect the result (empty: not available, estimates are used) */
    char cc[256];
    char cflags[512];
    char ldflags[512];
    char size_tool[128];
    char nm_tool[128];
    int64_t alignment;
    /* CPU and ISA features; they pick kernel variants (runtime/<variant>/) */
    char cpu[64];
    char arch[32];            /* board support directory: targets/<arch>/ */
    char fpu[32];             /* "none", or the FPU name gcc's -mfpu takes */
    int dsp;                  /* Cortex-M DSP extension (SMLAD and friends) */
    char mve[16];             /* "none", "int" or "float" (Helium) */
    /* budgets in bytes; 0 = unknown */
    int64_t flash_budget, ram_budget, stack_estimate;
    /* memory map and where each kind of section goes (region names) */
    MemRegion regions[TARGET_MAX_REGIONS];
    int n_regions;
    char code_region[32], weights_region[32], data_region[32], stack_region[32];
    /* emulator: command with {elf}; count arguments with {plugin}, {mark}, {out} */
    char emulator[1024];
    char emulator_count[512];
    int emulator_timeout;
} Target;

/* Loads NAME (targets/NAME.yaml in kiln's data directory) or a path ending in .yaml;
 * NULL or "" means "host". Unknown keys are errors, so typos do not pass silently. */
int target_load(const char *name_or_file, Target *t, Diag *d);
/* Names of the bundled targets, space-separated, for messages. */
void target_list(char *out, size_t size);
/* 1 when generated code runs under an emulator (a cross target), 0 on the host. */
int target_is_emulated(const Target *t);
/* The region named `name`, or NULL. */
const MemRegion *target_region(const Target *t, const char *name);
/* Kernel variant directories the target's ISA allows, best first ("mvef mve fpu dsp"), or "". */
void target_variants(const Target *t, char *out, size_t size);

#endif
