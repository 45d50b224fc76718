/* SPDX-License-Identifier: MIT */
/* One 8x8 test digit (label 2) from examples/digits/sample.npy, pixels in [0, 1].
 * Made from sample.npy[0] with numpy; see examples/digits/README.md. */
#define DIGIT_LABEL 2
static const float digit_image[64] = {
    0.0f, 0.0f, 0.4375f, 1.0f, 0.875f, 0.1875f, 0.0f, 0.0f,
    0.0f, 0.0f, 0.5625f, 0.875f, 0.6875f, 0.9375f, 0.0f, 0.0f,
    0.0f, 0.0f, 0.0625f, 0.3125f, 0.0f, 0.9375f, 0.3125f, 0.0f,
    0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.3125f, 0.0f,
    0.0f, 0.0f, 0.0f, 0.0f, 0.1875f, 1.0f, 0.25f, 0.0f,
    0.0f, 0.0f, 0.0f, 0.0625f, 0.75f, 0.875f, 0.0625f, 0.0f,
    0.0f, 0.0f, 0.3125f, 0.75f, 1.0f, 1.0f, 0.875f, 0.0625f,
    0.0f, 0.0f, 0.5f, 1.0f, 0.875f, 0.625f, 0.8125f, 0.1875f,
};
