# SPDX-License-Identifier: MIT
"""Golden cases for pooling/normalisation edges a review found (case names start with
pooledge_): MaxPool Indices after a -inf Pad (which must not be folded into the pool) and
after a pruned channel, 1-D Indices of a window wholly in the padding, AveragePool windows
whose element count overflows int32, BatchNormalization training on an empty batch. Uses
make_golden.py's helpers and ONNX Runtime references; run by hand:
/usr/bin/python3 tests/golden/make_golden_pool_edges.py  (writes only pooledge_* folders)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402
from make_golden import Case, case, init, node, normal, vi  # noqa: E402

mg.CASES.clear()
TP = mg.TensorProto


def model(nodes, inputs, outputs, inits=(), opset=18):
    g = mg.helper.make_graph(nodes, 'pooledge', inputs, outputs, initializer=list(inits))
    m = mg.helper.make_model(g, opset_imports=[mg.helper.make_opsetid('', opset)],
                             producer_name='kiln-make_golden', producer_version='1')
    m.ir_version = 8
    mg.onnx.checker.check_model(m, full_check=True)
    return m


@case('pooledge_indices_after_pad', 'Pad (value -inf, pads [0,0,1,1,0,0,1,1]) then MaxPool 2x2 s2 with Indices: the Pad stays (Indices count the padded tensor)')
def _(rng):
    nodes = [node('Pad', ['x', 'p', 'v'], ['xp'], mode='constant'),
             node('MaxPool', ['xp'], ['y', 'i'], kernel_shape=[2, 2], strides=[2, 2])]
    inits = [init('p', np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)),
             init('v', np.array(-np.inf, np.float32))]
    return Case(model(nodes, [vi('x', [1, 2, 3, 3])],
                      [vi('y', [1, 2, 2, 2]), vi('i', [1, 2, 2, 2], TP.INT64)], inits),
                [('x', normal(rng, (1, 2, 3, 3)))])


@case('pooledge_indices_pruned_channel', 'Conv with an all-zero output channel, MaxPool with Indices as a graph output, Conv: the channel is not pruned (Indices count it)')
def _(rng):
    w1 = normal(rng, (3, 2, 1, 1))
    w1[0] = 0
    nodes = [node('Conv', ['x', 'w1', 'b1'], ['c']),
             node('MaxPool', ['c'], ['p', 'i'], kernel_shape=[2, 2], strides=[2, 2]),
             node('Conv', ['p', 'w2'], ['y'])]
    inits = [init('w1', w1), init('b1', np.array([0, 0.1, 0.2], np.float32)),
             init('w2', normal(rng, (2, 3, 1, 1)))]
    return Case(model(nodes, [vi('x', [1, 2, 4, 4])],
                      [vi('y', [1, 2, 2, 2]), vi('i', [1, 3, 2, 2], TP.INT64)], inits),
                [('x', normal(rng, (1, 2, 4, 4)))])


@case('pooledge_indices_1d_padding_window', '1-D MaxPool [1,2,2] kernel 2 dilation 3 pads [1,1] with Indices: each window holds one padding cell only on one side, and ONNX Runtime numbers a window wholly in the padding as plane start - 1')
def _(rng):
    nodes = [node('MaxPool', ['x'], ['y', 'i'], kernel_shape=[2], dilations=[3], pads=[1, 1])]
    return Case(model(nodes, [vi('x', [1, 2, 2])], [vi('y', [1, 2, 1]), vi('i', [1, 2, 1], TP.INT64)]),
                [('x', normal(rng, (1, 2, 2)))])


@case('pooledge_avgpool_window_over_int32', 'AveragePool count_include_pad 1 with windows of 65536 x 65536 (2-D) and 2048^3 (3-D) cells, pads one less than the kernel: the divisor overflows int32')
def _(rng):
    k2, k3 = 1 << 16, 2048
    nodes = [node('AveragePool', ['a'], ['ya'], kernel_shape=[k2, k2], pads=[k2 - 1] * 4,
                  strides=[k2, k2], count_include_pad=1),
             node('AveragePool', ['b'], ['yb'], kernel_shape=[k3] * 3, pads=[k3 - 1] * 6,
                  strides=[k3] * 3, count_include_pad=1)]
    return Case(model(nodes, [vi('a', [1, 1, 1, 1]), vi('b', [1, 1, 1, 1, 1])],
                      [vi('ya', [1, 1, 1, 1]), vi('yb', [1, 1, 1, 1, 1])]),
                [('a', np.full((1, 1, 1, 1), 1e9, np.float32)),
                 ('b', np.full((1, 1, 1, 1, 1), 1e9, np.float32))])


@case('pooledge_bn_training_empty_batch', 'Slice to an empty batch [0,3,2], then BatchNormalization training_mode 1: running_mean and running_var are still written (NaN statistics, as ONNX Runtime)')
def _(rng):
    nodes = [node('Slice', ['x', 'st', 'en', 'ax'], ['xe']),
             node('BatchNormalization', ['xe', 's', 'b', 'm', 'v'], ['y', 'rm', 'rv'],
                  training_mode=1)]
    inits = [init('st', np.array([0], np.int64)), init('en', np.array([0], np.int64)),
             init('ax', np.array([0], np.int64)), init('s', np.ones(3, np.float32)),
             init('b', np.zeros(3, np.float32)), init('m', np.full(3, 5, np.float32)),
             init('v', np.full(3, 2, np.float32))]
    return Case(model(nodes, [vi('x', [2, 3, 2])], [vi('rm', [3]), vi('rv', [3])], inits, opset=15),
                [('x', normal(rng, (2, 3, 2)))])


if __name__ == '__main__':
    sys.argv = [sys.argv[0], 'pooledge_']
    mg.main()
    here = os.path.dirname(os.path.abspath(__file__))
    for name, _, _ in mg.CASES:
        p = os.path.join(here, name, 'expect.yaml')
        text = open(p).read().replace('tests/golden/make_golden.py', 'tests/golden/make_golden_pool_edges.py')
        open(p, 'w').write(text)
