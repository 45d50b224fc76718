/* SPDX-License-Identifier: MIT */
/* Loading and storing one element of any type, for the typed kernels (conversions follow
 * C, with float-to-integer truncation made total: saturated, NaN gives 0). */
#include "kiln.h"

int kiln_is_float(kiln_dtype t)
{
    return t == KILN_F32 || t == KILN_F64;
}

double kiln_load_f(kiln_dtype t, const void *p, ptrdiff_t i)
{
    switch (t) {
    case KILN_F32: return ((const float *)p)[i];
    case KILN_F64: return ((const double *)p)[i];
    case KILN_U64: return (double)((const uint64_t *)p)[i];
    default: break;
    }
    switch (t) {
    case KILN_S8: return ((const int8_t *)p)[i];
    case KILN_U8: case KILN_BOOL: return ((const uint8_t *)p)[i];
    case KILN_S16: return ((const int16_t *)p)[i];
    case KILN_U16: return ((const uint16_t *)p)[i];
    case KILN_S32: return ((const int32_t *)p)[i];
    case KILN_U32: return ((const uint32_t *)p)[i];
    default: return (double)((const int64_t *)p)[i];
    }
}

/* Integer types only. */
int64_t kiln_load_i(kiln_dtype t, const void *p, ptrdiff_t i)
{
    switch (t) {
    case KILN_S8: return ((const int8_t *)p)[i];
    case KILN_U8: case KILN_BOOL: return ((const uint8_t *)p)[i];
    case KILN_S16: return ((const int16_t *)p)[i];
    case KILN_U16: return ((const uint16_t *)p)[i];
    case KILN_S32: return ((const int32_t *)p)[i];
    case KILN_U32: return ((const uint32_t *)p)[i];
    case KILN_U64: return (int64_t)((const uint64_t *)p)[i];
    default: return ((const int64_t *)p)[i];
    }
}

/* Truncates toward zero and saturates to [lo, hi]; NaN gives 0 (C leaves these undefined). */
static int64_t f_to_i(double v, double lo, double hi)
{
    if (v != v)
        return 0;
    if (v <= lo)
        return (int64_t)lo;
    if (v >= hi)
        return v >= 9.2233720368547758e18 ? INT64_MAX : (int64_t)hi;
    return (int64_t)v;
}

static uint64_t f_to_u(double v, double hi)
{
    if (!(v > 0))
        return 0;
    return v >= hi ? (hi >= 1.8446744073709552e19 ? UINT64_MAX : (uint64_t)hi) : (uint64_t)v;
}

void kiln_store_f(kiln_dtype t, void *p, ptrdiff_t i, double v)
{
    switch (t) {
    case KILN_F32: ((float *)p)[i] = (float)v; break;
    case KILN_F64: ((double *)p)[i] = v; break;
    case KILN_BOOL: ((uint8_t *)p)[i] = v != 0; break;
    case KILN_S8: ((int8_t *)p)[i] = (int8_t)f_to_i(v, -128.0, 127.0); break;
    case KILN_U8: ((uint8_t *)p)[i] = (uint8_t)f_to_u(v, 255.0); break;
    case KILN_S16: ((int16_t *)p)[i] = (int16_t)f_to_i(v, -32768.0, 32767.0); break;
    case KILN_U16: ((uint16_t *)p)[i] = (uint16_t)f_to_u(v, 65535.0); break;
    case KILN_S32: ((int32_t *)p)[i] = (int32_t)f_to_i(v, -2147483648.0, 2147483647.0); break;
    case KILN_U32: ((uint32_t *)p)[i] = (uint32_t)f_to_u(v, 4294967295.0); break;
    case KILN_S64:
        ((int64_t *)p)[i] = f_to_i(v, -9.2233720368547758e18, 9.2233720368547758e18);
        break;
    case KILN_U64: ((uint64_t *)p)[i] = f_to_u(v, 1.8446744073709552e19); break;
    }
}

/* v holds the two's-complement bits of the value; narrower types keep the low bits. */
void kiln_store_i(kiln_dtype t, void *p, ptrdiff_t i, uint64_t v)
{
    switch (t) {
    case KILN_F32: ((float *)p)[i] = (float)(int64_t)v; break;
    case KILN_F64: ((double *)p)[i] = (double)(int64_t)v; break;
    case KILN_BOOL: ((uint8_t *)p)[i] = v != 0; break;
    case KILN_S8: ((int8_t *)p)[i] = (int8_t)(uint8_t)v; break;
    case KILN_U8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case KILN_S16: ((int16_t *)p)[i] = (int16_t)(uint16_t)v; break;
    case KILN_U16: ((uint16_t *)p)[i] = (uint16_t)v; break;
    case KILN_S32: ((int32_t *)p)[i] = (int32_t)(uint32_t)v; break;
    case KILN_U32: ((uint32_t *)p)[i] = (uint32_t)v; break;
    case KILN_S64: ((int64_t *)p)[i] = (int64_t)v; break;
    case KILN_U64: ((uint64_t *)p)[i] = v; break;
    }
}

