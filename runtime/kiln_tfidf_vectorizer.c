/* SPDX-License-Identifier: MIT */
/* TfIdfVectorizer: counts, for each row, the pool's n-grams (with skips), weighted as
 * the mode says. Linear search of the pool: the pools of the models it serves are small. */
#include "kiln.h"

static int64_t item(const kiln_tfidf_params *p, const void *x, ptrdiff_t i)
{
    return p->x_is_64 ? ((const int64_t *)x)[i] : (int64_t)((const int32_t *)x)[i];
}

/* Pool index of the n-gram of n items at row[start], row[start + step], ...; -1 if it is
 * not in the pool. */
static int32_t find_gram(const kiln_tfidf_params *p, const void *x, ptrdiff_t row,
                         int32_t start, int32_t step, int32_t n)
{
    for (int32_t g = 0; g < p->n_grams; g++) {
        if (p->gram_len[g] != n)
            continue;
        const int64_t *want = p->pool + p->gram_start[g];
        int32_t k = 0;
        while (k < n && item(p, x, row + start + (ptrdiff_t)k * step) == want[k])
            k++;
        if (k == n)
            return g;
    }
    return -1;
}

/* Gram g seen once more: TF counts, TFIDF adds its weight, IDF sets it. */
static void seen(const kiln_tfidf_params *p, int32_t g, float *out)
{
    const float w = p->weight ? p->weight[g] : 1.0f;
    float *o = out + p->gram_out[g];
    *o = p->mode == KILN_TFIDF_TF ? *o + 1.0f : p->mode == KILN_TFIDF_TFIDF ? *o + w : w;
}

static void count_row(const kiln_tfidf_params *p, const void *x, ptrdiff_t row, float *out)
{
    int32_t first_n = p->min_n;
    for (int32_t skip = 0; skip <= p->max_skip; skip++) {
        const int32_t step = skip + 1;
        for (int32_t start = 0; start < p->cols; start++) {
            for (int32_t n = first_n; n <= p->max_n; n++) {
                if ((int64_t)start + (int64_t)(n - 1) * step >= p->cols)
                    break;
                const int32_t g = find_gram(p, x, row, start, step, n);
                if (g >= 0)
                    seen(p, g, out);
            }
        }
        /* a unigram is the same at every skip: counted at skip 0 only */
        if (first_n == 1 && ++first_n > p->max_n)
            break;
    }
}

void kiln_tfidf_vectorizer(const kiln_tfidf_params *p, const void *x, float *y)
{
    for (int32_t r = 0; r < p->rows; r++) {
        float *out = y + (ptrdiff_t)r * p->out_size;
        for (int32_t i = 0; i < p->out_size; i++)
            out[i] = 0.0f;
        count_row(p, x, (ptrdiff_t)r * p->cols, out);
    }
}
