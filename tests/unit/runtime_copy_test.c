/* SPDX-License-Identifier: MIT */
/* kiln_copy: exact bytes for every length and alignment, nothing past the end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

static void test_copy_lengths_and_offsets(void **state)
{
    (void)state;
    unsigned char src[80], dst[80], want[80];
    test_rng r = {3};
    for (int i = 0; i < 80; i++)
        src[i] = (unsigned char)test_next(&r);
    size_t bad = 0;
    for (size_t so = 0; so < 4; so++)
        for (size_t d0 = 0; d0 < 4; d0++)
            for (size_t n = 0; n <= 70; n++) {
                memset(dst, 0x5A, sizeof dst);
                memset(want, 0x5A, sizeof want);
                memcpy(want + d0, src + so, n);
                kiln_copy(dst + d0, src + so, n);
                bad += test_mismatches_bytes("copy", want, dst, sizeof dst);
            }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_lengths_and_offsets),
    };
    return cmocka_run_group_tests_name("runtime_copy", tests, NULL, NULL);
}
