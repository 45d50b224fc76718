#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Offline generator of the malformed models for NegativeLogLikelihoodLoss and
SoftmaxCrossEntropyLoss (same layout as make_malformed.py: NAME.onnx + NAME.expect).

    /usr/bin/python3 tests/malformed/make_malformed_loss.py

| file | expect | why it must fail |
|---|---|---|
| loss_target_float | expected int64 | NLL target is float32; ONNX wants int64 class indices |
| loss_target_shape | does not match | NLL x [3,5,2] with target [3,5]: the target must be [3,2] |
| loss_weight_shape | one per class | SCE weight [4] for 5 classes |
| loss_bad_reduction | reduction 'avg' | reduction is none, sum or mean |
| loss_ignore_index_float | 'ignore_index' | ignore_index given as a FLOAT |
| loss_no_classes | no classes | constant x [3,0] (a graph input cannot have a 0 dim): C = 0, no class a target could name |
| loss_const_target_out_of_range | outside [0, 5) | constant x and target (folded at compile time) with target 5 |
"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_malformed import mk, vi, write_cases  # noqa: E402

I64 = TensorProto.INT64
CASES = {}


def add(name, model, expect):
    CASES[name] = (model.SerializeToString(), expect)


def loss(op, inputs, **attrs):
    return helper.make_node(op, inputs, ['loss'], name='loss0', **attrs)


add('loss_target_float',
    mk([loss('NegativeLogLikelihoodLoss', ['x', 't'])],
       [vi('x', [3, 5]), vi('t', [3])], [vi('loss', [])]),
    'expected int64')
add('loss_target_shape',
    mk([loss('NegativeLogLikelihoodLoss', ['x', 't'])],
       [vi('x', [3, 5, 2]), vi('t', [3, 5], I64)], [vi('loss', [])]),
    'does not match')
add('loss_weight_shape',
    mk([loss('SoftmaxCrossEntropyLoss', ['x', 't', 'w'])],
       [vi('x', [3, 5]), vi('t', [3], I64), vi('w', [4])], [vi('loss', [])]),
    'one per class')
add('loss_bad_reduction',
    mk([loss('SoftmaxCrossEntropyLoss', ['x', 't'], reduction='avg')],
       [vi('x', [3, 5]), vi('t', [3], I64)], [vi('loss', [])]),
    "reduction 'avg'")
add('loss_ignore_index_float',
    mk([loss('NegativeLogLikelihoodLoss', ['x', 't'], ignore_index=1.5)],
       [vi('x', [3, 5]), vi('t', [3], I64)], [vi('loss', [])]),
    "'ignore_index'")
add('loss_no_classes',
    mk([loss('SoftmaxCrossEntropyLoss', ['x', 't'])],
       [vi('t', [3], I64)], [vi('loss', [])],
       [numpy_helper.from_array(np.zeros([3, 0], np.float32), 'x')]),
    'no classes')
add('loss_const_target_out_of_range',
    mk([loss('NegativeLogLikelihoodLoss', ['x', 't'], reduction='sum')],
       [], [vi('loss', [])],
       [numpy_helper.from_array(np.full([3, 5], -0.5, np.float32), 'x'),
        numpy_helper.from_array(np.array([0, 5, 1], np.int64), 't')]),
    'outside [0, 5)')


def main():
    write_cases(CASES)


if __name__ == '__main__':
    main()
