#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes int8 calibration sets for golden MLPerf Tiny models from their own test data.

Offline only (not part of the build or test path); its outputs are committed:
  mlperf_kws_dscnn_calib.npy    float32 [2,1,49,10]  test_data_set_0/1 inputs
  mlperf_ic_resnet8_calib.npy   float32 [2,3,32,32]  test_data_set_0/1 inputs
Used by tests/run_memory.sh and the compiler unit tests (int8 memory plans).
"""
import glob
import os

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, '..', 'golden')

for name in ('mlperf_kws_dscnn', 'mlperf_ic_resnet8'):
    samples = []
    for ds in sorted(glob.glob(os.path.join(GOLDEN, name, 'test_data_set_*'))):
        t = onnx.TensorProto()
        with open(os.path.join(ds, 'input_0.pb'), 'rb') as f:
            t.ParseFromString(f.read())
        samples.append(numpy_helper.to_array(t).astype(np.float32))
    x = np.concatenate(samples, axis=0)
    np.save(os.path.join(HERE, name + '_calib.npy'), x)
    print(name, x.shape)
