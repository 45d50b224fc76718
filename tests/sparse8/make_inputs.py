#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Offline: sample inputs (.npy, samples on axis 0) for the int8 sparsity checks of
# tests/run_prune.sh: 24 seeded normal samples shaped like each golden model's
# test_data_set_0/input_0.pb (batch 1 dropped), used both to calibrate and to run.
import numpy as np
import onnx
from onnx import numpy_helper

MODELS = ["sparse_cnn", "conv_1x1", "conv_group2", "conv_depthwise_mult2_stride2",
          "conv_stride2_asym_pads", "conv_dilation2", "conv_k10x4_stride2_pads"]

rng = np.random.default_rng(8)
for m in MODELS:
    t = onnx.TensorProto()
    with open(f"tests/golden/{m}/test_data_set_0/input_0.pb", "rb") as f:
        t.ParseFromString(f.read())
    shape = numpy_helper.to_array(t).shape
    x = rng.standard_normal((24,) + shape[1:]).astype(np.float32)
    np.save(f"tests/sparse8/{m}.npy", x)
