/* SPDX-License-Identifier: MIT */
/* Target files: nested YAML fields, sizes and addresses, the bundled boards, the linker
 * script made from a memory map, and the errors for malformed files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "target.h"

static char tmpdir[256];

static const char *write_yaml(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void bundled_cortex_m55(void **state)
{
    Target t;
    Diag d = {0};
    assert_int_equal(target_load("cortex-m55", &t, &d), 0);
    assert_string_equal(t.cpu, "cortex-m55");
    assert_string_equal(t.mve, "float");
    assert_int_equal(t.dsp, 1);
    assert_int_equal(t.n_regions, 3);
    const MemRegion *itcm = target_region(&t, t.code_region);
    assert_non_null(itcm);
    assert_int_equal(itcm->origin, 0x10000000);
    assert_int_equal(itcm->length, 512 * 1024);
    assert_string_equal(t.weights_region, "qspi");
    assert_int_equal(t.flash_budget, 8 << 20);
    assert_true(target_is_emulated(&t));
    char v[64];
    target_variants(&t, v, sizeof v);
    assert_string_equal(v, "mvef mve fpu dsp");
}

static void host_is_not_emulated(void **state)
{
    Target t;
    Diag d = {0};
    assert_int_equal(target_load(NULL, &t, &d), 0);
    assert_string_equal(t.name, "host");
    assert_false(target_is_emulated(&t));
    char v[64];
    target_variants(&t, v, sizeof v);
    assert_string_equal(v, "");
}

/* Variants follow the ISA fields: a scalar FPU alone (RISC-V F) selects runtime/fpu, no
 * FPU (Cortex-M0+) nothing, and a short buffer truncates rather than overflows. */
static void variants_follow_isa_fields(void **state)
{
    (void)state;
    const char *cases[][2] = {{"cortex-m4", "fpu dsp"}, {"riscv32", "fpu"},
                              {"cortex-m0plus", ""}, {"cortex-m3", ""}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Target t;
        Diag d = {0};
        assert_int_equal(target_load(cases[i][0], &t, &d), 0);
        char v[64];
        target_variants(&t, v, sizeof v);
        assert_string_equal(v, cases[i][1]);
    }
    Target t;
    Diag d = {0};
    assert_int_equal(target_load("cortex-m55", &t, &d), 0);
    char small[8];
    target_variants(&t, small, sizeof small);
    assert_string_equal(small, "mvef mv");
}

static void sizes_and_flow_mappings(void **state)
{
    const char *p = write_yaml("b.yaml", "name: b\nbudget: {flash: 0x1000, ram: 64K, stack: 512}\n"
                                         "memory:\n  rom: {origin: 0x08000000, length: 1M}\n");
    Target t;
    Diag d = {0};
    assert_int_equal(target_load(p, &t, &d), 0);
    assert_int_equal(t.flash_budget, 4096);
    assert_int_equal(t.ram_budget, 65536);
    assert_int_equal(t.stack_estimate, 512);
    assert_int_equal(target_region(&t, "rom")->origin, 0x08000000);
    assert_int_equal(target_region(&t, "rom")->length, 1 << 20);
}

static void errors_name_the_key(void **state)
{
    const char *bad[] = {
        "name: x\nbudget:\n  flash: lots\n",                 /* not a size */
        "name: x\nisa:\n  dsp: perhaps\n",                    /* not a boolean */
        "name: x\nisa:\n  mve: sometimes\n",                  /* not an MVE kind */
        "name: x\nmemory:\n  ram: {origin: 0x0}\n",            /* no length */
        "name: x\nmemory:\n  ram: {start: 0x0}\n",             /* unknown region key */
        "name: x\nbudget:\n  flsh: 1K\n",                     /* typo */
        "name: x\ncflags: [a, b]\n",                          /* a list */
        "name: x\nemulator: {command: qemu}\n",               /* emulated, no sections */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Target t;
        Diag d = {.quiet = 1};
        assert_int_not_equal(target_load(write_yaml("bad.yaml", bad[i]), &t, &d), 0);
        assert_true(d.errors > 0);
    }
}

static void linker_script_from_regions(void **state)
{
    Target t;
    Diag d = {0};
    assert_int_equal(target_load("cortex-m55", &t, &d), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/link.ld", tmpdir);
    assert_int_equal(board_write_linker_script(&t, path, &d), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    assert_non_null(strstr(text, "itcm (rwx) : ORIGIN = 0x10000000, LENGTH = 0x80000"));
    assert_non_null(strstr(text, "qspi (rwx) : ORIGIN = 0x38000000, LENGTH = 0x800000"));
    assert_non_null(strstr(text, "KEEP(*(.kiln_weights .kiln_weights.*)) } > qspi"));
    assert_non_null(strstr(text, "} > isram AT > itcm"));
    assert_non_null(strstr(text, "__stack_top = ORIGIN(isram) + LENGTH(isram)"));
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/kiln-target-test-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bundled_cortex_m55),
        cmocka_unit_test(host_is_not_emulated),
        cmocka_unit_test(variants_follow_isa_fields),
        cmocka_unit_test(sizes_and_flow_mappings),
        cmocka_unit_test(errors_name_the_key),
        cmocka_unit_test(linker_script_from_regions),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
