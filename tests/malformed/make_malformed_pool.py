#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Offline generator of the malformed models for the pooling and normalisation paths
(MaxPool Indices/int8/uint8/3-D, BatchNormalization training mode,
MeanVarianceNormalization); same layout as make_malformed.py: NAME.onnx + NAME.expect.

    /usr/bin/python3 tests/malformed/make_malformed_pool.py

| file | expect | why it must fail |
|---|---|---|
| pool_indices_3d | Indices output is supported for 1-D and 2-D | MaxPool with Indices on a rank-5 input: kiln has no 3-D argmax kernel |
| pool_indices_uint8 | Indices output is supported for 1-D and 2-D float | MaxPool with Indices on uint8 input |
| pool_storage_order | storage_order must be 0 or 1 | storage_order=2 |
| pool_avg_uint8 | this op supports f32 | AveragePool on uint8 (only MaxPool takes integer tensors) |
| pool_rank6 | rank 6 | MaxPool on a rank-6 input (4 spatial dims) |
| bn_train_mean_length | must have 3 elements | training-mode BatchNormalization with input_mean of 4 elements for 3 channels |
| bn_train_mode_2 | training_mode must be 0 or 1 | training_mode=2 |
| mvn_axis_out_of_range | axis | MeanVarianceNormalization axes [0, 4] on a rank-4 input |
| mvn_axes_empty | axes is empty | MeanVarianceNormalization axes [] (ONNX Runtime rejects it too) |
"""
import os
import sys

from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_malformed import mk, vi, write_cases  # noqa: E402

U8 = TensorProto.UINT8
I64 = TensorProto.INT64
CASES = {}


def add(name, model, expect):
    CASES[name] = (model.SerializeToString(), expect)


def pool(op, outputs, **attrs):
    return helper.make_node(op, ['x'], outputs, name='pool0', **attrs)


def bn(**attrs):
    return helper.make_node('BatchNormalization', ['x', 's', 'b', 'm', 'v'],
                            ['y', 'rm', 'rv'], name='bn0', **attrs)


add('pool_indices_3d',
    mk([pool('MaxPool', ['y', 'i'], kernel_shape=[2, 2, 2])],
       [vi('x', [1, 1, 4, 4, 4])], [vi('y', [1, 1, 3, 3, 3]), vi('i', [1, 1, 3, 3, 3], I64)]),
    'Indices output is supported for 1-D and 2-D')
add('pool_indices_uint8',
    mk([pool('MaxPool', ['y', 'i'], kernel_shape=[2, 2])],
       [vi('x', [1, 1, 4, 4], U8)], [vi('y', [1, 1, 3, 3], U8), vi('i', [1, 1, 3, 3], I64)]),
    'Indices output is supported for 1-D and 2-D float')
add('pool_storage_order',
    mk([pool('MaxPool', ['y', 'i'], kernel_shape=[2, 2], storage_order=2)],
       [vi('x', [1, 1, 4, 4])], [vi('y', [1, 1, 3, 3]), vi('i', [1, 1, 3, 3], I64)]),
    'storage_order must be 0 or 1')
add('pool_avg_uint8',
    mk([pool('AveragePool', ['y'], kernel_shape=[2, 2])],
       [vi('x', [1, 1, 4, 4], U8)], [vi('y', [1, 1, 3, 3], U8)]),
    'this op supports f32')
add('pool_rank6',
    mk([pool('MaxPool', ['y'], kernel_shape=[2, 2, 2, 2])],
       [vi('x', [1, 1, 3, 3, 3, 3])], [vi('y', [1, 1, 2, 2, 2, 2])]),
    'rank 6')
add('bn_train_mean_length',
    mk([bn(training_mode=1)],
       [vi('x', [2, 3, 4]), vi('s', [3]), vi('b', [3]), vi('m', [4]), vi('v', [3])],
       [vi('y', [2, 3, 4]), vi('rm', [3]), vi('rv', [3])], opset=15),
    'must have 3 elements')
add('bn_train_mode_2',
    mk([bn(training_mode=2)],
       [vi('x', [2, 3, 4]), vi('s', [3]), vi('b', [3]), vi('m', [3]), vi('v', [3])],
       [vi('y', [2, 3, 4]), vi('rm', [3]), vi('rv', [3])], opset=15),
    'training_mode must be 0 or 1')
add('mvn_axis_out_of_range',
    mk([helper.make_node('MeanVarianceNormalization', ['x'], ['y'], name='mvn0', axes=[0, 4])],
       [vi('x', [1, 2, 3, 3])], [vi('y', [1, 2, 3, 3])]),
    'axis')
add('mvn_axes_empty',
    mk([helper.make_node('MeanVarianceNormalization', ['x'], ['y'], name='mvn0', axes=[])],
       [vi('x', [1, 2, 3, 3])], [vi('y', [1, 2, 3, 3])]),
    'axes is empty')


def main():
    write_cases(CASES)

if __name__ == '__main__':
    main()
