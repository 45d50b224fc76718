/* SPDX-License-Identifier: MIT */
/* kiln_tfidf_vectorizer: skips, unigrams counted once, min_gram_length, the three modes
 * with weights, int32 and int64 rows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

/* Pool: unigram 5 -> output 2, bigrams (5,6) -> output 0 and (6,7) -> output 1. */
static const int64_t pool[5] = {5, 5, 6, 6, 7};
static const int32_t gram_start[3] = {0, 1, 3}, gram_len[3] = {1, 2, 2}, gram_out[3] = {2, 0, 1};

static kiln_tfidf_params params(int32_t rows, int32_t cols, int32_t is_64, int32_t min_n,
                                int32_t max_skip, int32_t mode, const float *weight)
{
    kiln_tfidf_params p = {rows, cols, is_64, min_n, 2, max_skip, 3, 3, mode,
                           pool, gram_start, gram_len, gram_out, weight};
    return p;
}

static void test_tfidf_skips_count_unigrams_once(void **state)
{
    (void)state;
    const int32_t x[5] = {5, 6, 5, 6, 7};
    float y[3];
    /* skip 0: (5,6) at 0 and 2, (6,7) at 3, unigram 5 twice; skip 1: (5,5) (6,6) (5,7)
     * match nothing; skip 2: (5,6) at 0 and (6,7) at 1; unigrams not again */
    kiln_tfidf_params p = params(1, 5, 0, 1, 2, KILN_TFIDF_TF, NULL);
    kiln_tfidf_vectorizer(&p, x, y);
    const float want[3] = {3, 2, 2};
    size_t bad = test_mismatches("skip 2", want, y, 3);
    p.min_n = 2, p.max_skip = 0;   /* bigrams only, adjacent only */
    kiln_tfidf_vectorizer(&p, x, y);
    const float want_bigrams[3] = {2, 1, 0};
    bad += test_mismatches("min 2, skip 0", want_bigrams, y, 3);
    assert_int_equal(bad, 0);
}

static void test_tfidf_weighted_modes_int64(void **state)
{
    (void)state;
    const float w[3] = {0.5f, 2.0f, 4.0f};   /* per gram: unigram 5, (5,6), (6,7) */
    const int64_t two_rows[6] = {5, 6, 9, 9, 9, 9};
    const int64_t x[5] = {5, 6, 5, 6, 7};
    float y[6];
    kiln_tfidf_params p = params(2, 3, 1, 1, 0, KILN_TFIDF_IDF, w);
    kiln_tfidf_vectorizer(&p, two_rows, y);
    const float want_idf[6] = {2.0f, 0, 0.5f, 0, 0, 0};
    size_t bad = test_mismatches("IDF", want_idf, y, 6);
    p = params(1, 5, 1, 1, 0, KILN_TFIDF_TFIDF, w);
    kiln_tfidf_vectorizer(&p, x, y);
    const float want_tfidf[3] = {4.0f, 4.0f, 1.0f};   /* 2 x 2.0, 1 x 4.0, 2 x 0.5 */
    bad += test_mismatches("TFIDF", want_tfidf, y, 3);
    p.weight = NULL, p.mode = KILN_TFIDF_IDF;   /* no weights: 1 where a gram occurs */
    kiln_tfidf_vectorizer(&p, x, y);
    const float want_idf1[3] = {1, 1, 1};
    bad += test_mismatches("IDF without weights", want_idf1, y, 3);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tfidf_skips_count_unigrams_once),
        cmocka_unit_test(test_tfidf_weighted_modes_int64),
    };
    return cmocka_run_group_tests_name("runtime_tfidf", tests, NULL, NULL);
}
