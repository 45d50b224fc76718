#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes the digits example's held-out split and a calibration set for the int8 tests.

Offline only (not part of the build or test path); its outputs are committed:
  digits_test.npy         float32 [450,1,8,8]  the held-out 25% of examples/digits/train.py
  digits_test_labels.npy  int64   [450]
  digits_calib.npy        float32 [200,1,8,8]  the first 200 images of the training split
The split is train.py's: sklearn's load_digits, pixels / 16, train_test_split(test_size=0.25,
random_state=SEED, stratify=y).
"""
import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 0
HERE = os.path.dirname(os.path.abspath(__file__))

digits = load_digits()
x = (digits.images.astype(np.float32) / 16.0)[:, None, :, :]
y = digits.target.astype(np.int64)
x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, random_state=SEED, stratify=y)
np.save(os.path.join(HERE, 'digits_test.npy'), x_te)
np.save(os.path.join(HERE, 'digits_test_labels.npy'), y_te)
np.save(os.path.join(HERE, 'digits_calib.npy'), x_tr[:200])
print(x_te.shape, x_tr[:200].shape)
