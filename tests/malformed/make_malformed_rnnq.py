#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Offline generator of the malformed and out-of-scope models for the recurrent and
quantized ops (same layout as make_malformed.py: NAME.onnx + NAME.expect).

    /usr/bin/python3 tests/malformed/make_malformed_rnnq.py

| file | expect | why it must fail |
|---|---|---|
| lstm_bad_activation | activation 'Swish' | LSTM activations list names a function ONNX recurrent ops do not have |
| lstm_seq_lens_too_long | sequence_lens[1] is 5 | constant sequence_lens [2, 5] with seq_length 3 |
| gru_bad_r_shape | input R ('R') | GRU R is [1, 9, 4] but hidden_size 3 needs [1, 9, 3] |
| qlinearconv_bad_w_scale | scale 'w_scale' | 3 weight scales for 2 output channels |
| nonzero_out_of_scope | not supported: its output shape depends | NonZero: data-dependent output shape |
| adam_training_domain | not supported: training operator | Adam from ai.onnx.preview.training |
| lstm_alpha_ints | lists of floats | activation_alpha given as INTS (a parser reading floats from it would crash) |
| lstm_huge_hidden | hidden_size | hidden_size 2^62: gate counts would overflow 64-bit arithmetic |
"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_malformed import mk, vi, write_cases  # noqa: E402

F = TensorProto.FLOAT
CASES = {}


def add(name, model, expect):
    CASES[name] = (model.SerializeToString(), expect)


def f32(name, shape, value=0.1):
    return numpy_helper.from_array(np.full(shape, value, np.float32), name)


add('lstm_bad_activation',
    mk([helper.make_node('LSTM', ['x', 'W', 'R'], ['y'], name='lstm0', hidden_size=2,
                         activations=['Sigmoid', 'Swish', 'Tanh'])],
       [vi('x', [3, 1, 2])], [vi('y', [3, 1, 1, 2])], [f32('W', [1, 8, 2]), f32('R', [1, 8, 2])],
       opset=14),
    "activation 'Swish'")

add('lstm_seq_lens_too_long',
    mk([helper.make_node('LSTM', ['x', 'W', 'R', '', 'lens'], ['', 'y_h'], name='lstm0',
                         hidden_size=2)],
       [vi('x', [3, 2, 2])], [vi('y_h', [1, 2, 2])],
       [f32('W', [1, 8, 2]), f32('R', [1, 8, 2]),
        numpy_helper.from_array(np.array([2, 5], np.int32), 'lens')], opset=14),
    'sequence_lens[1] is 5')

add('gru_bad_r_shape',
    mk([helper.make_node('GRU', ['x', 'W', 'R'], ['y'], name='gru0', hidden_size=3)],
       [vi('x', [2, 1, 2])], [vi('y', [2, 1, 1, 3])], [f32('W', [1, 9, 2]), f32('R', [1, 9, 4])],
       opset=14),
    "input R ('R')")

add('qlinearconv_bad_w_scale',
    mk([helper.make_node('QLinearConv', ['x', 'xs', 'xz', 'w', 'w_scale', 'wz', 'ys', 'yz'],
                         ['y'], name='qconv0')],
       [vi('x', [1, 1, 4, 4], TensorProto.UINT8)], [vi('y', [1, 2, 4, 4], TensorProto.UINT8)],
       [f32('xs', []), numpy_helper.from_array(np.array(0, np.uint8), 'xz'),
        numpy_helper.from_array(np.ones([2, 1, 1, 1], np.uint8), 'w'),
        f32('w_scale', [3]), numpy_helper.from_array(np.array(0, np.uint8), 'wz'),
        f32('ys', []), numpy_helper.from_array(np.array(0, np.uint8), 'yz')]),
    "scale 'w_scale'")

add('nonzero_out_of_scope',
    mk([helper.make_node('NonZero', ['x'], ['y'], name='nz0')],
       [vi('x', [2, 3])], [vi('y', None, TensorProto.INT64)]),
    'not supported: its output shape depends')

adam = mk([helper.make_node('Adam', ['r', 't', 'x', 'g', 'v', 'h'], ['x2', 'v2', 'h2'],
                            name='adam0', domain='ai.onnx.preview.training')],
          [vi(n, [2]) for n in ['r', 't', 'x', 'g', 'v', 'h']],
          [vi(n, [2]) for n in ['x2', 'v2', 'h2']])
del adam.opset_import[:]
adam.opset_import.append(helper.make_opsetid('ai.onnx.preview.training', 1))
add('adam_training_domain', adam, 'not supported: training operator')

add('lstm_alpha_ints',
    mk([helper.make_node('LSTM', ['x', 'W', 'R'], ['y'], name='lstm0', hidden_size=2,
                         activations=['LeakyRelu', 'Tanh', 'Tanh'], activation_alpha=[1, 2])],
       [vi('x', [3, 1, 2])], [vi('y', [3, 1, 1, 2])], [f32('W', [1, 8, 2]), f32('R', [1, 8, 2])],
       opset=14),
    'lists of floats')

add('lstm_huge_hidden',
    mk([helper.make_node('LSTM', ['x', 'W', 'R'], ['y'], name='lstm0', hidden_size=1 << 62)],
       [vi('x', [3, 1, 2])], [vi('y', [3, 1, 1, 2])], [f32('W', [1, 8, 2]), f32('R', [1, 8, 2])],
       opset=14),
    'hidden_size')


def main():
    write_cases(CASES)


if __name__ == '__main__':
    main()
