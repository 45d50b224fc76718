/* SPDX-License-Identifier: MIT */
/* A QEMU TCG plugin that counts executed guest instructions exactly (one inline add per
 * instruction) and records the running count each time the guest enters a marker
 * function. kiln's bench driver calls the marker around its measured inferences; the
 * differences between marks are deterministic instruction counts.
 *   -plugin libinsncount.so,mark=0xADDR,out=FILE[,profile=FILE2]
 * FILE gets one line per mark ("mark COUNT") and a final "total COUNT". With profile,
 * FILE2 gets "0xPC COUNT" per translation block start: the instructions executed in the
 * block that starts there (kiln maps them to functions). Built by kiln at bench time:
 * cc -O2 -fPIC -shared -fvisibility=hidden -o libinsncount.so insncount.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin_api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

#define MAX_MARKS 64

/* Cortex-M and the RISC-V virt board have one vCPU, so plain counters are race-free. */
static uint64_t count;
static uint64_t marks[MAX_MARKS];
static int n_marks;
static uint64_t mark_addr;
static char out_path[4096], profile_path[4096];

/* Profile: one record per translated block, chained in a list; QEMU may translate the
 * same address again, which adds a second record that the report simply sums. */
typedef struct Block {
    uint64_t pc, insns, execs;
    struct Block *next;
} Block;
static Block *blocks;

static void on_block(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    ((Block *)udata)->execs++;
}

static void on_mark(unsigned int vcpu, void *udata)
{
    (void)vcpu;
    (void)udata;
    if (n_marks < MAX_MARKS)
        marks[n_marks++] = count;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    if (profile_path[0] && n > 0) {
        Block *b = calloc(1, sizeof *b);
        if (b) {
            b->pc = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, 0));
            b->insns = n;
            b->next = blocks;
            blocks = b;
            qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, b);
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &count, 1);
        if (qemu_plugin_insn_vaddr(insn) == mark_addr)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
    }
}

/* Semihosting exit ends QEMU with exit(), which runs destructors but not always the
 * plugin's atexit callback, so the report is written here. */
__attribute__((destructor)) static void report(void)
{
    if (!out_path[0])
        return;
    FILE *f = fopen(out_path, "w");
    if (!f)
        return;
    for (int i = 0; i < n_marks; i++)
        fprintf(f, "mark %llu\n", (unsigned long long)marks[i]);
    fprintf(f, "total %llu\n", (unsigned long long)count);
    fclose(f);
    FILE *p = profile_path[0] ? fopen(profile_path, "w") : NULL;
    for (Block *b = blocks; p && b; b = b->next)
        if (b->execs)
            fprintf(p, "0x%llx %llu\n", (unsigned long long)b->pc,
                    (unsigned long long)(b->insns * b->execs));
    if (p)
        fclose(p);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (!strncmp(argv[i], "mark=", 5)) {
            /* Thumb function addresses carry bit 0; instructions do not */
            mark_addr = strtoull(argv[i] + 5, NULL, 0) & ~1ull;
        } else if (!strncmp(argv[i], "profile=", 8)) {
            snprintf(profile_path, sizeof profile_path, "%s", argv[i] + 8);
        } else if (!strncmp(argv[i], "out=", 4)) {
            snprintf(out_path, sizeof out_path, "%s", argv[i] + 4);
        } else {
            char msg[256];
            snprintf(msg, sizeof msg, "insncount: unknown argument '%s'\n", argv[i]);
            qemu_plugin_outs(msg);
            return -1;
        }
    }
    if (!mark_addr || !out_path[0]) {
        qemu_plugin_outs("insncount: needs mark=0xADDR,out=FILE\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    return 0;
}
