#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Offline generator of kiln's golden test models (tests/golden/<case>/).

NOT part of the build or test path: its outputs are committed. Run it with Debian's
interpreter (python3-onnx 1.12, python3-numpy) and Node with onnxruntime-node 1.30.0:

    /usr/bin/python3 tests/golden/make_golden.py            # all cases
    /usr/bin/python3 tests/golden/make_golden.py conv_      # only cases whose name contains conv_
    ORT_NODE_DIR=/opt/ortnode (default) selects where onnxruntime-node is installed.

Every case folder gets model.onnx (+ weights.bin for the external-data case),
test_data_set_0/input_K.pb and output_K.pb (onnx.numpy_helper TensorProtos named after the
graph inputs/outputs; outputs computed by ONNX Runtime through ort_ref.js), and expect.yaml.
The generator is deterministic: each case's random generator is seeded from a CRC of its
name, so re-running gives byte-identical files and adding a case does not change others.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ORT_REF = os.path.join(HERE, 'ort_ref.js')
F = TensorProto.FLOAT
I64 = TensorProto.INT64
DEFAULT_RTOL = 1e-4
DEFAULT_ATOL = 1e-5
MAX_MODEL_BYTES = 50 * 1024

CASES = []  # (name, description, builder)


def case(name, desc):
    def reg(fn):
        CASES.append((name, desc, fn))
        return fn
    return reg


# ------------------------------------------------------------------------------- helpers
class Case:
    """What a builder returns: the model, the feeds (graph inputs in order; inputs that
    have an initializer default may be left out), and extra expect.yaml fields."""

    def __init__(self, model, feeds, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL, note=None,
                 external=False):
        self.model = model
        self.feeds = feeds          # list of (name, np.ndarray)
        self.rtol = rtol
        self.atol = atol
        self.note = note            # comment written into expect.yaml (e.g. why tolerance)
        self.external = external    # save weights to weights.bin


def vi(name, shape, dt=F):
    return helper.make_tensor_value_info(name, dt, shape)


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def i64(name, values):
    return numpy_helper.from_array(np.asarray(values, dtype=np.int64), name)


def normal(rng, shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def uniform(rng, shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, shape).astype(np.float32)


def weight(rng, shape, fan_in=None):
    """Kaiming-like scale so that sums stay O(1) and float rounding stays far below atol."""
    if fan_in is None:
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else int(shape[0])
    return normal(rng, shape, 1.0 / np.sqrt(max(fan_in, 1)))


def node(op, inputs, outputs, name=None, **attrs):
    return helper.make_node(op, inputs, outputs, name=name or f'{op.lower()}_{outputs[0]}',
                            **attrs)


def model(nodes, inputs, outputs, inits=(), opset=13, name='golden', out_shapes=None):
    """inputs: list of (name, shape); outputs: list of names (shapes inferred by onnx
    shape inference) or (name, shape) when inference cannot compute them."""
    ins = [vi(n, s) for n, s in inputs]
    outs = []
    for o in outputs:
        if isinstance(o, tuple):
            outs.append(vi(o[0], o[1]))
        else:
            outs.append(vi(o, None))
    g = helper.make_graph(nodes, name, ins, outs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', opset)],
                          producer_name='kiln-make_golden', producer_version='1')
    m.ir_version = 8
    m = onnx.shape_inference.infer_shapes(m)
    # keep only the inferred output types; intermediate value_info is left to kiln
    del m.graph.value_info[:]
    for o in m.graph.output:
        tt = o.type.tensor_type
        if not tt.HasField('shape') or any(not d.HasField('dim_value') for d in tt.shape.dim):
            raise RuntimeError(f'{name}: output {o.name} shape not inferred; give it explicitly')
    onnx.checker.check_model(m, full_check=True)
    return m


def simple(op, x_shape, opset=13, inits=(), extra_inputs=(), x_gen=None, rng=None,
           y_shape=None, **attrs):
    """One node op(x, *extra_inputs) -> y with x a graph input."""
    x = (x_gen or normal)(rng, x_shape)
    y = 'y' if y_shape is None else ('y', y_shape)
    m = model([node(op, ['x', *extra_inputs], ['y'], **attrs)], [('x', list(x_shape))], [y],
              inits=inits, opset=opset, name=op.lower())
    return Case(m, [('x', x)])


# ------------------------------------------------------------------------------- Conv
def conv_case(rng, x_shape, w_shape, bias=True, opset=13, batch=None, **attrs):
    x = normal(rng, x_shape)
    w = weight(rng, w_shape)
    inits = [init('w', w)]
    ins = ['x', 'w']
    if bias:
        inits.append(init('b', normal(rng, [w_shape[0]], 0.5)))
        ins.append('b')
    m = model([node('Conv', ins, ['y'], name='conv0', **attrs)], [('x', list(x_shape))], ['y'],
              inits=inits, opset=opset, name='conv')
    return Case(m, [('x', x)])


@case('conv_3x3_pads1', 'Conv 3x3, pads 1, bias, kernel_shape given')
def _(rng):
    return conv_case(rng, [1, 3, 8, 8], [8, 3, 3, 3], kernel_shape=[3, 3], pads=[1, 1, 1, 1])


@case('conv_3x3_nopad_no_kernel_shape', 'Conv 3x3 without pads and without kernel_shape attribute')
def _(rng):
    return conv_case(rng, [1, 2, 7, 6], [4, 2, 3, 3])


@case('conv_stride2_asym_pads', 'Conv 3x3 stride 2, asymmetric pads [0,1,1,2]')
def _(rng):
    return conv_case(rng, [1, 3, 9, 10], [4, 3, 3, 3], strides=[2, 2], pads=[0, 1, 1, 2])


@case('conv_dilation2', 'Conv 3x3 dilation 2, pads 2')
def _(rng):
    return conv_case(rng, [1, 3, 10, 10], [4, 3, 3, 3], dilations=[2, 2], pads=[2, 2, 2, 2])


@case('conv_dilation_2x1_stride_1x2', 'Conv 3x3 with different dilations and strides per axis')
def _(rng):
    return conv_case(rng, [1, 2, 11, 9], [3, 2, 3, 3], dilations=[2, 1], strides=[1, 2],
                     pads=[1, 0, 2, 1])


@case('conv_group2', 'Conv group 2 (4 -> 6 channels), pads 1')
def _(rng):
    return conv_case(rng, [1, 4, 8, 8], [6, 2, 3, 3], group=2, pads=[1, 1, 1, 1])


@case('conv_group2_stride2_dil2', 'Conv group 2, stride 2, dilation 2, pads 1')
def _(rng):
    return conv_case(rng, [1, 4, 11, 11], [6, 2, 3, 3], group=2, strides=[2, 2],
                     dilations=[2, 2], pads=[1, 1, 1, 1])


@case('conv_depthwise', 'Depthwise Conv (group = C = 6), 3x3 pads 1')
def _(rng):
    return conv_case(rng, [1, 6, 8, 8], [6, 1, 3, 3], group=6, pads=[1, 1, 1, 1])


@case('conv_depthwise_mult2_stride2', 'Depthwise Conv with channel multiplier 2 (group 4, 4 -> 8), stride 2')
def _(rng):
    return conv_case(rng, [1, 4, 9, 9], [8, 1, 3, 3], group=4, strides=[2, 2],
                     pads=[1, 1, 1, 1])


@case('conv_autopad_same_upper', 'Conv 3x3 stride 2 auto_pad SAME_UPPER on 8x8 (odd total pad: extra at end)')
def _(rng):
    return conv_case(rng, [1, 3, 8, 8], [4, 3, 3, 3], strides=[2, 2], auto_pad='SAME_UPPER')


@case('conv_autopad_same_lower', 'Conv 3x3 stride 2 auto_pad SAME_LOWER on 8x8 (odd total pad: extra at start)')
def _(rng):
    return conv_case(rng, [1, 3, 8, 8], [4, 3, 3, 3], strides=[2, 2], auto_pad='SAME_LOWER')


@case('conv_autopad_same_upper_k4_s1', 'Conv 4x4 stride 1 auto_pad SAME_UPPER (even kernel)')
def _(rng):
    return conv_case(rng, [1, 2, 7, 7], [3, 2, 4, 4], auto_pad='SAME_UPPER')


@case('conv_autopad_valid', 'Conv 3x3 stride 2 auto_pad VALID')
def _(rng):
    return conv_case(rng, [1, 3, 8, 8], [4, 3, 3, 3], strides=[2, 2], auto_pad='VALID')


@case('conv_1x1', 'Pointwise Conv 1x1 (8 -> 4)')
def _(rng):
    return conv_case(rng, [1, 8, 5, 5], [4, 8, 1, 1], kernel_shape=[1, 1])


@case('conv_1x1_stride2', 'Pointwise Conv 1x1 stride 2')
def _(rng):
    return conv_case(rng, [1, 4, 7, 7], [6, 4, 1, 1], strides=[2, 2])


@case('conv_no_bias', 'Conv 3x3 pads 1 without bias input')
def _(rng):
    return conv_case(rng, [1, 3, 6, 6], [5, 3, 3, 3], bias=False, pads=[1, 1, 1, 1])


@case('conv1d', '1-D Conv on [1,3,20], kernel 5, stride 2, pads [2,1]')
def _(rng):
    return conv_case(rng, [1, 3, 20], [4, 3, 5], strides=[2], pads=[2, 1])


@case('conv1d_dilation2_group', '1-D Conv, group 2, dilation 2, no bias')
def _(rng):
    return conv_case(rng, [1, 4, 20], [4, 2, 3], bias=False, group=2, dilations=[2],
                     pads=[2, 2])


@case('conv_k10x4_stride2_pads', 'Conv kernel 10x4, stride 2, pads [4,1,5,1]')
def _(rng):
    return conv_case(rng, [1, 2, 16, 12], [3, 2, 10, 4], strides=[2, 2], pads=[4, 1, 5, 1])


@case('conv_batch2', 'Conv 3x3 pads 1 with batch 2')
def _(rng):
    return conv_case(rng, [2, 3, 6, 6], [4, 3, 3, 3], pads=[1, 1, 1, 1])


@case('conv_weight_input', 'Conv whose weight and bias are graph inputs, not initializers')
def _(rng):
    x = normal(rng, [1, 2, 6, 6])
    w = weight(rng, [3, 2, 3, 3])
    b = normal(rng, [3], 0.5)
    m = model([node('Conv', ['x', 'w', 'b'], ['y'], pads=[1, 1, 1, 1])],
              [('x', [1, 2, 6, 6]), ('w', [3, 2, 3, 3]), ('b', [3])], ['y'])
    return Case(m, [('x', x), ('w', w), ('b', b)])


# ------------------------------------------------------------------------------- Gemm / MatMul
M, K, N = 3, 4, 5


def gemm_case(rng, transA=0, transB=0, alpha=None, beta=None, c_shape=(N,), b_input=False):
    a_shape = [K, M] if transA else [M, K]
    b_shape = [N, K] if transB else [K, N]
    a = normal(rng, a_shape)
    b = weight(rng, b_shape, fan_in=K)
    attrs = {}
    if transA:
        attrs['transA'] = 1
    if transB:
        attrs['transB'] = 1
    if alpha is not None:
        attrs['alpha'] = alpha
    if beta is not None:
        attrs['beta'] = beta
    inputs = [('a', a_shape)]
    feeds = [('a', a)]
    inits = []
    if b_input:
        inputs.append(('b', b_shape))
        feeds.append(('b', b))
    else:
        inits.append(init('b', b))
    ins = ['a', 'b']
    if c_shape is not None:
        inits.append(init('c', normal(rng, list(c_shape))))
        ins.append('c')
    m = model([node('Gemm', ins, ['y'], name='gemm0', **attrs)], inputs, ['y'], inits=inits)
    return Case(m, feeds)


@case('gemm_c_vecN', 'Gemm [3,4]x[4,5] + C[5]')
def _(rng):
    return gemm_case(rng)


@case('gemm_transA', 'Gemm transA=1 (A is [4,3])')
def _(rng):
    return gemm_case(rng, transA=1)


@case('gemm_transB', 'Gemm transB=1 (B is [5,4], the usual Linear layout)')
def _(rng):
    return gemm_case(rng, transB=1)


@case('gemm_transA_transB', 'Gemm transA=1 transB=1')
def _(rng):
    return gemm_case(rng, transA=1, transB=1)


@case('gemm_alpha_beta', 'Gemm alpha 0.5, beta 2.0, C [3,5]')
def _(rng):
    return gemm_case(rng, alpha=0.5, beta=2.0, c_shape=(M, N))


@case('gemm_alpha_beta_transB_c_vec', 'Gemm alpha -1.5, beta 0.25, transB, C [5]')
def _(rng):
    return gemm_case(rng, transB=1, alpha=-1.5, beta=0.25)


@case('gemm_c_scalar', 'Gemm with C a scalar (rank 0)')
def _(rng):
    return gemm_case(rng, c_shape=())


@case('gemm_c_one', 'Gemm with C of shape [1]')
def _(rng):
    return gemm_case(rng, c_shape=(1,), beta=3.0)


@case('gemm_c_M1', 'Gemm with C [3,1] (broadcast along N)')
def _(rng):
    return gemm_case(rng, c_shape=(M, 1))


@case('gemm_c_MN', 'Gemm with C [3,5]')
def _(rng):
    return gemm_case(rng, c_shape=(M, N))


@case('gemm_no_c', 'Gemm without C (opset 13, C optional)')
def _(rng):
    return gemm_case(rng, c_shape=None)


@case('gemm_b_input', 'Gemm with both A and B as graph inputs, C [5]')
def _(rng):
    return gemm_case(rng, b_input=True)


def matmul_case(rng, a_shape, b_shape, b_const=True):
    a = normal(rng, a_shape)
    b = weight(rng, b_shape, fan_in=b_shape[-2] if len(b_shape) > 1 else b_shape[0])
    inputs = [('a', list(a_shape))]
    feeds = [('a', a)]
    inits = []
    if b_const:
        inits.append(init('b', b))
    else:
        inputs.append(('b', list(b_shape)))
        feeds.append(('b', b))
    m = model([node('MatMul', ['a', 'b'], ['y'], name='matmul0')], inputs, ['y'], inits=inits)
    return Case(m, feeds)


@case('matmul_2d', 'MatMul [3,4] x [4,5] (B initializer)')
def _(rng):
    return matmul_case(rng, [3, 4], [4, 5])


@case('matmul_2d_inputs', 'MatMul [3,4] x [4,5], both graph inputs')
def _(rng):
    return matmul_case(rng, [3, 4], [4, 5], b_const=False)


@case('matmul_3d_x_2d', 'MatMul [2,3,4] x [4,5] (B broadcast over batch)')
def _(rng):
    return matmul_case(rng, [2, 3, 4], [4, 5])


@case('matmul_batch_broadcast', 'MatMul [1,3,4] x [2,4,5] -> [2,3,5], both graph inputs')
def _(rng):
    return matmul_case(rng, [1, 3, 4], [2, 4, 5], b_const=False)


@case('matmul_4d_x_3d', 'MatMul [2,1,3,4] x [3,4,2] -> [2,3,3,2]')
def _(rng):
    return matmul_case(rng, [2, 1, 3, 4], [3, 4, 2], b_const=False)


@case('matmul_vec_lhs', 'MatMul [4] x [4,5] -> [5] (1-D left operand)')
def _(rng):
    return matmul_case(rng, [4], [4, 5])


@case('matmul_vec_rhs', 'MatMul [3,4] x [4] -> [3] (1-D right operand)')
def _(rng):
    return matmul_case(rng, [3, 4], [4])


@case('matmul_vec_vec', 'MatMul [4] x [4] -> scalar')
def _(rng):
    return matmul_case(rng, [4], [4], b_const=False)


@case('matmul_vec_x_3d', 'MatMul [4] x [2,4,5] -> [2,5]')
def _(rng):
    return matmul_case(rng, [4], [2, 4, 5], b_const=False)


# ------------------------------------------------------------------------------- binary ops
def binary_case(rng, op, a_shape, b_shape, b_const, a_const=False):
    def gen(shape, divisor=False):
        if divisor:  # keep away from zero
            mag = rng.uniform(0.5, 2.0, shape)
            sign = np.where(rng.uniform(0, 1, shape) < 0.5, -1.0, 1.0)
            return (mag * sign).astype(np.float32)
        return normal(rng, shape)

    a = gen(a_shape)
    b = gen(b_shape, divisor=(op == 'Div'))
    inputs, feeds, inits = [], [], []
    for nm, arr, const in (('a', a, a_const), ('b', b, b_const)):
        if const:
            inits.append(init(nm, arr))
        else:
            inputs.append((nm, list(arr.shape)))
            feeds.append((nm, arr))
    m = model([node(op, ['a', 'b'], ['y'], name=op.lower() + '0')], inputs, ['y'], inits=inits)
    return Case(m, feeds)


for _op in ('Add', 'Sub', 'Mul', 'Div'):
    _l = _op.lower()
    for _suffix, _a, _b, _bc, _desc in (
            ('same_shape', [2, 3, 4], [2, 3, 4], False, 'same shape, two graph inputs'),
            ('same_shape_const', [2, 3, 4], [2, 3, 4], True, 'same shape, initializer B'),
            ('scalar_const', [2, 3, 4], [], True, 'scalar (rank 0) initializer B'),
            ('chw_const', [2, 3, 4, 5], [3, 1, 1], True, '[N,C,H,W] with [C,1,1] initializer'),
            ('both_bcast', [3, 1], [1, 4], False, '[3,1] with [1,4], both sides broadcast'),
            ('rank_bcast', [2, 3, 4, 5], [5], False, '[2,3,4,5] with [5], lower rank input')):
        case(f'{_l}_{_suffix}', f'{_op}: {_desc}')(
            (lambda op, a, b, bc: lambda rng: binary_case(rng, op, a, b, bc))(_op, _a, _b, _bc))


@case('sub_const_first', 'Sub with the initializer as first operand: c[3,1,1] - x[1,3,2,2]')
def _(rng):
    return binary_case(rng, 'Sub', [3, 1, 1], [1, 3, 2, 2], b_const=False, a_const=True)


@case('div_const_first_scalar', 'Div with scalar initializer numerator: 2 / x')
def _(rng):
    a = np.array(2.0, dtype=np.float32)
    mag = rng.uniform(0.5, 2.0, [2, 3])
    b = (mag * np.where(rng.uniform(0, 1, [2, 3]) < 0.5, -1.0, 1.0)).astype(np.float32)
    m = model([node('Div', ['a', 'b'], ['y'])], [('b', [2, 3])], ['y'], inits=[init('a', a)])
    return Case(m, [('b', b)])


@case('add_same_input_twice', 'Add(x, x)')
def _(rng):
    m = model([node('Add', ['x', 'x'], ['y'])], [('x', [2, 3])], ['y'])
    return Case(m, [('x', normal(rng, [2, 3]))])


# ------------------------------------------------------------------------------- activations
ACT_SHAPE = [2, 3, 4, 5]


@case('relu', 'Relu on [2,3,4,5]')
def _(rng):
    return simple('Relu', ACT_SHAPE, rng=rng)


@case('leakyrelu_alpha0_1', 'LeakyRelu alpha 0.1')
def _(rng):
    return simple('LeakyRelu', ACT_SHAPE, rng=rng, alpha=0.1)


@case('leakyrelu_default', 'LeakyRelu default alpha (0.01)')
def _(rng):
    return simple('LeakyRelu', ACT_SHAPE, rng=rng)


@case('sigmoid', 'Sigmoid on N(0, 3^2) input')
def _(rng):
    return simple('Sigmoid', ACT_SHAPE, rng=rng, x_gen=lambda r, s: normal(r, s, 3.0))


@case('tanh', 'Tanh on N(0, 2^2) input')
def _(rng):
    return simple('Tanh', ACT_SHAPE, rng=rng, x_gen=lambda r, s: normal(r, s, 2.0))


@case('hardsigmoid_alpha_beta', 'HardSigmoid alpha 0.3 beta 0.4, input uniform(-4,4)')
def _(rng):
    return simple('HardSigmoid', ACT_SHAPE, rng=rng, x_gen=lambda r, s: uniform(r, s, -4, 4),
                  alpha=0.3, beta=0.4)


@case('hardsigmoid_default', 'HardSigmoid default alpha 0.2 beta 0.5, input uniform(-4,4)')
def _(rng):
    return simple('HardSigmoid', ACT_SHAPE, rng=rng, x_gen=lambda r, s: uniform(r, s, -4, 4))


@case('hardswish_opset14', 'HardSwish (opset 14), input uniform(-5,5)')
def _(rng):
    return simple('HardSwish', ACT_SHAPE, opset=14, rng=rng,
                  x_gen=lambda r, s: uniform(r, s, -5, 5))


@case('clip_opset6_attrs', 'Clip opset 6 with min/max attributes (-0.5, 0.7)')
def _(rng):
    return simple('Clip', ACT_SHAPE, opset=6, rng=rng, min=-0.5, max=0.7)


@case('clip_opset6_only_max', 'Clip opset 6 with only the max attribute (min defaults to -FLT_MAX)')
def _(rng):
    return simple('Clip', ACT_SHAPE, opset=6, rng=rng, max=0.3)


@case('clip_opset11_inputs', 'Clip opset 11 with min/max as initializer inputs')
def _(rng):
    return simple('Clip', ACT_SHAPE, opset=11, rng=rng, extra_inputs=['lo', 'hi'],
                  inits=[init('lo', np.float32(-0.6)), init('hi', np.float32(0.8))])


@case('clip_opset13_inputs', 'Clip opset 13 with min/max as initializer inputs (Relu6-like 0..6)')
def _(rng):
    return simple('Clip', ACT_SHAPE, opset=13, rng=rng, extra_inputs=['lo', 'hi'],
                  x_gen=lambda r, s: normal(r, s, 5.0),
                  inits=[init('lo', np.float32(0.0)), init('hi', np.float32(6.0))])


@case('clip_opset13_only_max', 'Clip opset 13 with min omitted (empty name) and max given')
def _(rng):
    return simple('Clip', ACT_SHAPE, opset=13, rng=rng, extra_inputs=['', 'hi'],
                  inits=[init('hi', np.float32(0.5))])


@case('clip_opset13_only_min', 'Clip opset 13 with only min given')
def _(rng):
    return simple('Clip', ACT_SHAPE, opset=13, rng=rng, extra_inputs=['lo'],
                  inits=[init('lo', np.float32(-0.25))])


@case('clip_opset13_none', 'Clip opset 13 with neither min nor max (identity)')
def _(rng):
    return simple('Clip', ACT_SHAPE, opset=13, rng=rng)


# ------------------------------------------------------------------------------- Softmax
@case('softmax_opset11_axis1', 'Softmax opset 11 axis=1 on [2,3,4]: input coerced to 2-D [2,12]')
def _(rng):
    return simple('Softmax', [2, 3, 4], opset=11, rng=rng, axis=1)


@case('softmax_opset11_default_axis', 'Softmax opset 11 default axis (1) on [2,3,4]: 2-D [2,12] semantics')
def _(rng):
    return simple('Softmax', [2, 3, 4], opset=11, rng=rng)


@case('softmax_opset11_axis_neg1', 'Softmax opset 11 axis=-1 on [2,3,4] (coerced to [6,4])')
def _(rng):
    return simple('Softmax', [2, 3, 4], opset=11, rng=rng, axis=-1)


@case('softmax_opset13_axis1', 'Softmax opset 13 axis=1 on [2,3,4]: softmax along dim 1 only')
def _(rng):
    return simple('Softmax', [2, 3, 4], opset=13, rng=rng, axis=1)


@case('softmax_opset13_default_axis', 'Softmax opset 13 default axis (-1) on [2,3,4]')
def _(rng):
    return simple('Softmax', [2, 3, 4], opset=13, rng=rng)


@case('softmax_2d', 'Softmax opset 13 on [1,10] logits of large magnitude (needs max subtraction)')
def _(rng):
    return simple('Softmax', [1, 10], opset=13, rng=rng, x_gen=lambda r, s: normal(r, s, 30.0))


# ------------------------------------------------------------------------------- pooling
@case('maxpool_2x2_s2', 'MaxPool 2x2 stride 2')
def _(rng):
    return simple('MaxPool', [1, 3, 8, 8], rng=rng, kernel_shape=[2, 2], strides=[2, 2])


@case('maxpool_3x3_s2_pads1', 'MaxPool 3x3 stride 2 pads 1 (negative inputs: padding must not win)')
def _(rng):
    return simple('MaxPool', [1, 2, 9, 9], rng=rng, x_gen=lambda r, s: normal(r, s) - 2.0,
                  kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])


@case('maxpool_asym_pads', 'MaxPool 3x3 stride 1 pads [0,1,2,1], all-negative input')
def _(rng):
    return simple('MaxPool', [1, 2, 6, 7], rng=rng, x_gen=lambda r, s: -np.abs(normal(r, s)),
                  kernel_shape=[3, 3], pads=[0, 1, 2, 1])


@case('maxpool_dilation2', 'MaxPool 2x2 dilation 2 stride 1')
def _(rng):
    return simple('MaxPool', [1, 2, 7, 7], rng=rng, kernel_shape=[2, 2], dilations=[2, 2])


@case('maxpool_ceil_mode', 'MaxPool 3x3 stride 2 ceil_mode 1 on 8x8 (4x4 out, floor would give 3x3)')
def _(rng):
    return simple('MaxPool', [1, 2, 8, 8], rng=rng, kernel_shape=[3, 3], strides=[2, 2],
                  ceil_mode=1)


@case('maxpool_ceil_mode_pads_dil', 'MaxPool 2x2 stride 2 dilation 2 pads 1 ceil_mode 1')
def _(rng):
    return simple('MaxPool', [1, 2, 9, 9], rng=rng, kernel_shape=[2, 2], strides=[2, 2],
                  dilations=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)


@case('maxpool_autopad_same_upper', 'MaxPool 3x3 stride 2 auto_pad SAME_UPPER on 8x8')
def _(rng):
    return simple('MaxPool', [1, 2, 8, 8], rng=rng, x_gen=lambda r, s: normal(r, s) - 1.0,
                  kernel_shape=[3, 3], strides=[2, 2], auto_pad='SAME_UPPER')


@case('maxpool_1d', '1-D MaxPool kernel 3 stride 2 on [1,2,10]')
def _(rng):
    return simple('MaxPool', [1, 2, 10], rng=rng, kernel_shape=[3], strides=[2])


@case('averagepool_pads_exclude', 'AveragePool 3x3 stride 1 pads 1 count_include_pad 0 (default)')
def _(rng):
    return simple('AveragePool', [1, 2, 6, 6], rng=rng, kernel_shape=[3, 3], pads=[1, 1, 1, 1])


@case('averagepool_pads_include', 'AveragePool 3x3 stride 1 pads 1 count_include_pad 1')
def _(rng):
    return simple('AveragePool', [1, 2, 6, 6], rng=rng, kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                  count_include_pad=1)


@case('averagepool_2x2_s2', 'AveragePool 2x2 stride 2, no padding')
def _(rng):
    return simple('AveragePool', [1, 3, 8, 8], rng=rng, kernel_shape=[2, 2], strides=[2, 2])


@case('averagepool_ceil_pads_exclude', 'AveragePool 3x3 s2 pads 1 ceil_mode 1 count_include_pad 0 on 8x8')
def _(rng):
    return simple('AveragePool', [1, 2, 8, 8], rng=rng, kernel_shape=[3, 3], strides=[2, 2],
                  pads=[1, 1, 1, 1], ceil_mode=1)


@case('averagepool_ceil_pads_include', 'AveragePool 3x3 s2 pads 1 ceil_mode 1 count_include_pad 1 on 8x8 '
      '(last window overhangs the end padding; ORT divides by the window part inside input+pads, as PyTorch does)')
def _(rng):
    return simple('AveragePool', [1, 2, 8, 8], rng=rng, kernel_shape=[3, 3], strides=[2, 2],
                  pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=1)


@case('averagepool_ceil_nopad', 'AveragePool 2x2 s2 ceil_mode 1 on 7x7 without pads (partial last window)')
def _(rng):
    return simple('AveragePool', [1, 2, 7, 7], rng=rng, kernel_shape=[2, 2], strides=[2, 2],
                  ceil_mode=1)


@case('globalaveragepool', 'GlobalAveragePool on [2,4,5,6]')
def _(rng):
    return simple('GlobalAveragePool', [2, 4, 5, 6], rng=rng)


@case('globalmaxpool', 'GlobalMaxPool on [2,4,5,6]')
def _(rng):
    return simple('GlobalMaxPool', [2, 4, 5, 6], rng=rng)


# ------------------------------------------------------------------------------- BatchNorm
def bn_params(rng, c, prefix='bn'):
    return [init(f'{prefix}_scale', normal(rng, [c], 0.5) + 1.0),
            init(f'{prefix}_bias', normal(rng, [c], 0.5)),
            init(f'{prefix}_mean', normal(rng, [c], 0.5)),
            init(f'{prefix}_var', rng.uniform(0.5, 2.0, [c]).astype(np.float32))]


def bn_inputs(prefix='bn'):
    return [f'{prefix}_scale', f'{prefix}_bias', f'{prefix}_mean', f'{prefix}_var']


@case('batchnorm_opset9', 'BatchNormalization opset 9 on [2,3,4,5], epsilon 1e-3')
def _(rng):
    return simple('BatchNormalization', [2, 3, 4, 5], opset=9, rng=rng,
                  extra_inputs=bn_inputs(), inits=bn_params(rng, 3), epsilon=1e-3)


@case('batchnorm_opset15', 'BatchNormalization opset 15 on [2,3,4,5], default epsilon and momentum')
def _(rng):
    return simple('BatchNormalization', [2, 3, 4, 5], opset=15, rng=rng,
                  extra_inputs=bn_inputs(), inits=bn_params(rng, 3))


@case('batchnorm_opset15_tiny_var', 'BatchNormalization opset 15, some variances 0 (epsilon matters), epsilon 1e-2')
def _(rng):
    p = bn_params(rng, 3)
    p[3] = init('bn_var', np.array([0.0, 1e-3, 4.0], dtype=np.float32))
    return simple('BatchNormalization', [2, 3, 4, 5], opset=15, rng=rng,
                  extra_inputs=bn_inputs(), inits=p, epsilon=1e-2)


@case('conv_bn', 'Conv 3x3 (3 -> 8, pads 1) followed by BatchNormalization (kiln should fold)')
def _(rng):
    x = normal(rng, [1, 3, 8, 8])
    inits = [init('w', weight(rng, [8, 3, 3, 3])), init('b', normal(rng, [8], 0.5))]
    inits += bn_params(rng, 8)
    m = model([node('Conv', ['x', 'w', 'b'], ['c'], pads=[1, 1, 1, 1]),
               node('BatchNormalization', ['c', *bn_inputs()], ['y'])],
              [('x', [1, 3, 8, 8])], ['y'], inits=inits)
    return Case(m, [('x', x)])


@case('conv_nobias_bn_relu', 'Conv without bias + BatchNormalization + Relu')
def _(rng):
    x = normal(rng, [1, 3, 8, 8])
    inits = [init('w', weight(rng, [6, 3, 3, 3]))] + bn_params(rng, 6)
    m = model([node('Conv', ['x', 'w'], ['c'], pads=[1, 1, 1, 1], strides=[2, 2]),
               node('BatchNormalization', ['c', *bn_inputs()], ['n']),
               node('Relu', ['n'], ['y'])],
              [('x', [1, 3, 8, 8])], ['y'], inits=inits)
    return Case(m, [('x', x)])


@case('gemm_bn', '[1,16] -> Gemm(16 -> 16, transB) -> BatchNormalization(16)')
def _(rng):
    x = normal(rng, [1, 16])
    inits = [init('w', weight(rng, [16, 16])), init('b', normal(rng, [16], 0.5))]
    inits += bn_params(rng, 16)
    m = model([node('Gemm', ['x', 'w', 'b'], ['g'], transB=1),
               node('BatchNormalization', ['g', *bn_inputs()], ['y'])],
              [('x', [1, 16])], ['y'], inits=inits)
    return Case(m, [('x', x)])


@case('conv_bn_relu_chain', 'Two Conv+BN+Relu blocks (3 -> 8 -> 16 channels; the second Conv has stride 2 and no bias)')
def _(rng):
    x = normal(rng, [1, 3, 10, 10])
    inits = [init('w1', weight(rng, [8, 3, 3, 3])), init('b1', normal(rng, [8], 0.5))]
    inits += bn_params(rng, 8, 'bn1')
    inits += [init('w2', weight(rng, [16, 8, 3, 3]))]
    inits += bn_params(rng, 16, 'bn2')
    m = model([node('Conv', ['x', 'w1', 'b1'], ['c1'], pads=[1, 1, 1, 1]),
               node('BatchNormalization', ['c1', *bn_inputs('bn1')], ['n1']),
               node('Relu', ['n1'], ['r1']),
               node('Conv', ['r1', 'w2'], ['c2'], pads=[1, 1, 1, 1], strides=[2, 2]),
               node('BatchNormalization', ['c2', *bn_inputs('bn2')], ['n2']),
               node('Relu', ['n2'], ['y'])],
              [('x', [1, 3, 10, 10])], ['y'], inits=inits)
    return Case(m, [('x', x)])


@case('conv_bn_shared_conv_output', 'Conv output used by BN and also a graph output (BN must not be folded in place)')
def _(rng):
    x = normal(rng, [1, 2, 5, 5])
    inits = [init('w', weight(rng, [4, 2, 3, 3])), init('b', normal(rng, [4], 0.5))]
    inits += bn_params(rng, 4)
    m = model([node('Conv', ['x', 'w', 'b'], ['c'], pads=[1, 1, 1, 1]),
               node('BatchNormalization', ['c', *bn_inputs()], ['y'])],
              [('x', [1, 2, 5, 5])], ['y', 'c'], inits=inits)
    return Case(m, [('x', x)])


# ------------------------------------------------------------------------------- shape ops
@case('flatten_axis0', 'Flatten axis 0: [2,3,4] -> [1,24]')
def _(rng):
    return simple('Flatten', [2, 3, 4], rng=rng, axis=0)


@case('flatten_axis1', 'Flatten default axis 1: [2,3,4,5] -> [2,60]')
def _(rng):
    return simple('Flatten', [2, 3, 4, 5], rng=rng)


@case('flatten_axis2', 'Flatten axis 2: [2,3,4,5] -> [6,20]')
def _(rng):
    return simple('Flatten', [2, 3, 4, 5], rng=rng, axis=2)


@case('flatten_axis_neg1', 'Flatten axis -1: [2,3,4,5] -> [24,5]')
def _(rng):
    return simple('Flatten', [2, 3, 4, 5], rng=rng, axis=-1)


@case('reshape_zero_neg1', 'Reshape [2,3,4,5] with shape [0,3,-1] -> [2,3,20] (0 copies, allowzero default)')
def _(rng):
    return simple('Reshape', [2, 3, 4, 5], rng=rng, extra_inputs=['shape'],
                  inits=[i64('shape', [0, 3, -1])])


@case('reshape_neg1_first', 'Reshape [2,3,4] with shape [-1,4,1] -> [6,4,1], followed by Relu')
def _(rng):
    x = normal(rng, [2, 3, 4])
    m = model([node('Reshape', ['x', 'shape'], ['r']), node('Relu', ['r'], ['y'])],
              [('x', [2, 3, 4])], ['y'], inits=[i64('shape', [-1, 4, 1])])
    return Case(m, [('x', x)])


@case('transpose_default', 'Transpose default perm (reverse): [2,3,4] -> [4,3,2]')
def _(rng):
    return simple('Transpose', [2, 3, 4], rng=rng)


@case('transpose_perm_nhwc', 'Transpose perm [0,2,3,1]: [2,3,4,5] -> [2,4,5,3]')
def _(rng):
    return simple('Transpose', [2, 3, 4, 5], rng=rng, perm=[0, 2, 3, 1])


@case('transpose_perm_2d', 'Transpose perm [1,0] of [3,5]')
def _(rng):
    return simple('Transpose', [3, 5], rng=rng, perm=[1, 0])


@case('concat_axis1_3inputs', 'Concat axis 1 of [2,3,4], [2,1,4] (initializer), [2,2,4]')
def _(rng):
    a, c = normal(rng, [2, 3, 4]), normal(rng, [2, 2, 4])
    m = model([node('Concat', ['a', 'b', 'c'], ['y'], axis=1)],
              [('a', [2, 3, 4]), ('c', [2, 2, 4])], ['y'],
              inits=[init('b', normal(rng, [2, 1, 4]))])
    return Case(m, [('a', a), ('c', c)])


@case('concat_conv_slices', 'Two conv branches concatenated on axis 1 (batch 1): in place, each '
      'conv writes straight into its slice of the Concat output; then a residual-style Add')
def _(rng):
    x = normal(rng, [1, 4, 6, 6])
    inits = [init('w1', normal(rng, [3, 4, 1, 1], 0.5)), init('b1', normal(rng, [3])),
             init('w2', normal(rng, [5, 4, 3, 3], 0.3)), init('b2', normal(rng, [5])),
             init('w3', normal(rng, [8, 8, 1, 1], 0.3))]
    m = model([node('Conv', ['x', 'w1', 'b1'], ['p1']),
               node('Relu', ['p1'], ['r1']),
               node('Conv', ['x', 'w2', 'b2'], ['p2'], pads=[1, 1, 1, 1]),
               node('Concat', ['r1', 'p2'], ['c'], axis=1),
               node('Conv', ['c', 'w3'], ['d']),
               node('Add', ['d', 'c'], ['y'])],
              [('x', [1, 4, 6, 6])], ['y'], inits=inits)
    return Case(m, [('x', x)])


@case('concat_axis_neg1_3inputs', 'Concat axis -1 of [2,3,1], [2,3,4], [2,3,2] (all graph inputs)')
def _(rng):
    shapes = {'a': [2, 3, 1], 'b': [2, 3, 4], 'c': [2, 3, 2]}
    m = model([node('Concat', ['a', 'b', 'c'], ['y'], axis=-1)],
              [(k, v) for k, v in shapes.items()], ['y'])
    return Case(m, [(k, normal(rng, v)) for k, v in shapes.items()])


@case('concat_axis0', 'Concat axis 0 of [1,3] and [2,3] (graph inputs)')
def _(rng):
    m = model([node('Concat', ['a', 'b'], ['y'], axis=0)], [('a', [1, 3]), ('b', [2, 3])], ['y'])
    return Case(m, [('a', normal(rng, [1, 3])), ('b', normal(rng, [2, 3]))])


@case('squeeze_opset11_axes', 'Squeeze opset 11 axes attribute [0,2]: [1,3,1,4] -> [3,4]')
def _(rng):
    return simple('Squeeze', [1, 3, 1, 4], opset=11, rng=rng, axes=[0, 2])


@case('squeeze_opset11_neg_axis', 'Squeeze opset 11 axes [-1]: [2,3,1] -> [2,3]')
def _(rng):
    return simple('Squeeze', [2, 3, 1], opset=11, rng=rng, axes=[-1])


@case('squeeze_opset11_all', 'Squeeze opset 11 without axes: drop all 1s of [1,3,1,4,1]')
def _(rng):
    return simple('Squeeze', [1, 3, 1, 4, 1], opset=11, rng=rng, y_shape=[3, 4])


@case('unsqueeze_opset11_axes', 'Unsqueeze opset 11 axes [0,3]: [3,4] -> [1,3,4,1]')
def _(rng):
    return simple('Unsqueeze', [3, 4], opset=11, rng=rng, axes=[0, 3])


@case('squeeze_opset13_axes_input', 'Squeeze opset 13 with axes initializer [0,2]: [1,3,1,4] -> [3,4]')
def _(rng):
    return simple('Squeeze', [1, 3, 1, 4], opset=13, rng=rng, extra_inputs=['axes'],
                  inits=[i64('axes', [0, 2])])


@case('squeeze_opset13_all', 'Squeeze opset 13 without axes input: [1,3,1,4] -> [3,4]')
def _(rng):
    return simple('Squeeze', [1, 3, 1, 4], opset=13, rng=rng, y_shape=[3, 4])


@case('unsqueeze_opset13_axes_input', 'Unsqueeze opset 13 with axes initializer [0,-1]: [3,4] -> [1,3,4,1]')
def _(rng):
    return simple('Unsqueeze', [3, 4], opset=13, rng=rng, extra_inputs=['axes'],
                  inits=[i64('axes', [0, -1])])


@case('identity', 'Identity: graph output is a copy of the graph input')
def _(rng):
    return simple('Identity', [2, 3], rng=rng)


@case('identity_between_ops', 'Relu -> Identity -> Sigmoid')
def _(rng):
    m = model([node('Relu', ['x'], ['r']), node('Identity', ['r'], ['i']),
               node('Sigmoid', ['i'], ['y'])], [('x', [2, 5])], ['y'])
    return Case(m, [('x', normal(rng, [2, 5]))])


@case('dropout_opset12', 'Dropout opset 12 inference (ratio input 0.5, no training_mode): identity, then Relu')
def _(rng):
    m = model([node('Dropout', ['x', 'ratio'], ['d']), node('Relu', ['d'], ['y'])],
              [('x', [2, 6])], ['y'], inits=[init('ratio', np.float32(0.5))], opset=12)
    return Case(m, [('x', normal(rng, [2, 6]))])


@case('dropout_opset12_plain', 'Dropout opset 12 with only the data input, as graph output')
def _(rng):
    return simple('Dropout', [2, 6], opset=12, rng=rng)


@case('dropout_opset10_attr', 'Dropout opset 10 with ratio attribute')
def _(rng):
    return simple('Dropout', [2, 6], opset=10, rng=rng, ratio=0.3)


@case('pad_opset11_constant', 'Pad opset 11 constant mode, pads initializer [0,0,1,2,0,0,2,1], value 1.5')
def _(rng):
    return simple('Pad', [1, 2, 3, 4], opset=11, rng=rng, extra_inputs=['pads', 'value'],
                  inits=[i64('pads', [0, 0, 1, 2, 0, 0, 2, 1]), init('value', np.float32(1.5))],
                  mode='constant')


@case('pad_opset11_default_value', 'Pad opset 11 with pads only (value defaults to 0, mode default)')
def _(rng):
    return simple('Pad', [1, 2, 3, 4], opset=11, rng=rng, extra_inputs=['pads'],
                  inits=[i64('pads', [0, 1, 0, 1, 0, 0, 1, 0])])


@case('pad_opset2_attr', 'Pad opset 2 attribute form: pads [0,0,2,1,0,0,0,3], value -0.5')
def _(rng):
    return simple('Pad', [1, 2, 3, 4], opset=2, rng=rng, pads=[0, 0, 2, 1, 0, 0, 0, 3],
                  value=-0.5, mode='constant')


@case('pad_opset13_constant', 'Pad opset 13 constant, pads [0,0,1,1,0,0,1,1], value 0 given explicitly')
def _(rng):
    return simple('Pad', [1, 2, 3, 3], opset=13, rng=rng, extra_inputs=['pads', 'value'],
                  inits=[i64('pads', [0, 0, 1, 1, 0, 0, 1, 1]), init('value', np.float32(0.0))])


@case('gather_axis0', 'Gather axis 0 of [5,4] with indices [[0,-1],[2,3]] -> [2,2,4]')
def _(rng):
    return simple('Gather', [5, 4], rng=rng, extra_inputs=['idx'],
                  inits=[i64('idx', [[0, -1], [2, 3]])], axis=0)


@case('gather_axis1', 'Gather axis 1 of [2,5,3] with indices [4,-2,0] -> [2,3,3]')
def _(rng):
    return simple('Gather', [2, 5, 3], rng=rng, extra_inputs=['idx'],
                  inits=[i64('idx', [4, -2, 0])], axis=1)


@case('gather_scalar_index', 'Gather axis 0 of [5,4] with scalar index 2 -> [4]')
def _(rng):
    return simple('Gather', [5, 4], rng=rng, extra_inputs=['idx'], inits=[i64('idx', 2)])


@case('gather_scalar_neg_index_axis1', 'Gather axis 1 of [3,5] with scalar index -1 -> [3]')
def _(rng):
    return simple('Gather', [3, 5], rng=rng, extra_inputs=['idx'], inits=[i64('idx', -1)], axis=1)


@case('gather_int32_indices', 'Gather axis 0 with int32 indices [3,1]')
def _(rng):
    return simple('Gather', [4, 3], rng=rng, extra_inputs=['idx'],
                  inits=[init('idx', np.array([3, 1], dtype=np.int32))])


# ------------------------------------------------------------------------------- graph-level cases
@case('shape_subgraph_reshape', 'x -> Shape -> Gather(0) -> Unsqueeze -> Concat([-1]) -> Reshape(x): [2,3,4] -> [2,12] (kiln must fold)')
def _(rng):
    x = normal(rng, [2, 3, 4])
    nodes = [node('Shape', ['x'], ['shp']),
             node('Gather', ['shp', 'zero'], ['n0'], axis=0),
             node('Unsqueeze', ['n0', 'axes0'], ['n0u']),
             node('Concat', ['n0u', 'minus1'], ['newshape'], axis=0),
             node('Reshape', ['x', 'newshape'], ['r']),
             node('Relu', ['r'], ['y'])]
    inits = [i64('zero', 0), i64('axes0', [0]), i64('minus1', [-1])]
    m = model(nodes, [('x', [2, 3, 4])], [('y', [2, 12])], inits=inits)
    return Case(m, [('x', x)])


@case('constant_node_weights', 'Gemm weights from Constant nodes (value tensor; bias as value_floats)')
def _(rng):
    x = normal(rng, [2, 6])
    w = weight(rng, [6, 4], fan_in=6)
    b = normal(rng, [4], 0.5)
    nodes = [helper.make_node('Constant', [], ['w'], name='const_w',
                              value=numpy_helper.from_array(w, 'w_value')),
             helper.make_node('Constant', [], ['b'], name='const_b',
                              value_floats=[float(v) for v in b]),
             node('Gemm', ['x', 'w', 'b'], ['g']),
             node('Relu', ['g'], ['y'])]
    m = model(nodes, [('x', [2, 6])], ['y'])
    return Case(m, [('x', x)])


@case('constant_node_conv', 'Conv whose weight is a Constant node and bias a Constant scalar added afterwards (value_float)')
def _(rng):
    x = normal(rng, [1, 2, 5, 5])
    w = weight(rng, [3, 2, 3, 3])
    nodes = [helper.make_node('Constant', [], ['w'], name='const_w',
                              value=numpy_helper.from_array(w, 'w_value')),
             helper.make_node('Constant', [], ['s'], name='const_s', value_float=0.75),
             node('Conv', ['x', 'w'], ['c'], pads=[1, 1, 1, 1]),
             node('Add', ['c', 's'], ['y'])]
    m = model(nodes, [('x', [1, 2, 5, 5])], ['y'])
    return Case(m, [('x', x)])


@case('initializer_encodings', 'Initializers as raw_data (MatMul weight), float_data (bias), int64_data (Reshape shape)')
def _(rng):
    x = normal(rng, [1, 12])
    w = weight(rng, [12, 6], fan_in=12)
    b = normal(rng, [6], 0.5)
    w_raw = numpy_helper.from_array(w, 'w')      # raw_data
    assert w_raw.HasField('raw_data')
    b_fd = helper.make_tensor('b', F, [6], [float(v) for v in b], raw=False)  # float_data
    s_i64 = helper.make_tensor('shape', I64, [2], [2, 3], raw=False)          # int64_data
    assert len(b_fd.float_data) == 6 and len(s_i64.int64_data) == 2
    nodes = [node('MatMul', ['x', 'w'], ['mm']), node('Add', ['mm', 'b'], ['a']),
             node('Reshape', ['a', 'shape'], ['y'])]
    m = model(nodes, [('x', [1, 12])], ['y'], inits=[w_raw, b_fd, s_i64])
    return Case(m, [('x', x)])


@case('two_inputs_two_outputs', 'Inputs a[1,4], b[1,4]; outputs sum = a+b and prod_relu = Relu(a*b)')
def _(rng):
    nodes = [node('Add', ['a', 'b'], ['sum']), node('Mul', ['a', 'b'], ['prod']),
             node('Relu', ['prod'], ['prod_relu'])]
    m = model(nodes, [('a', [1, 4]), ('b', [1, 4])], ['sum', 'prod_relu'])
    return Case(m, [('a', normal(rng, [1, 4])), ('b', normal(rng, [1, 4]))])


@case('constant_output', 'One output computed from x, another that is a Constant node folded at compile time')
def _(rng):
    k = helper.make_node('Constant', [], ['k'], name='const_k',
                         value=numpy_helper.from_array(np.array([1.5, -2.5, 0.25], dtype=np.float32)))
    nodes = [k, node('Relu', ['x'], ['y'])]
    m = model(nodes, [('x', [1, 3])], ['y', 'k'])
    return Case(m, [('x', normal(rng, [1, 3]))])


@case('output_order_differs', 'Two outputs listed in the reverse order of their computation')
def _(rng):
    nodes = [node('Relu', ['x'], ['first']), node('Sigmoid', ['first'], ['second'])]
    m = model(nodes, [('x', [3, 3])], ['second', 'first'])
    return Case(m, [('x', normal(rng, [3, 3]))])


@case('external_data', 'Conv + Gemm whose initializers are all stored in weights.bin (external data)')
def _(rng):
    x = normal(rng, [1, 2, 6, 6])
    inits = [init('conv_w', weight(rng, [4, 2, 3, 3])), init('conv_b', normal(rng, [4], 0.5)),
             init('fc_w', weight(rng, [3, 4 * 3 * 3], fan_in=36)),
             init('fc_b', normal(rng, [3], 0.5))]
    nodes = [node('Conv', ['x', 'conv_w', 'conv_b'], ['c'], pads=[1, 1, 1, 1], strides=[2, 2]),
             node('Relu', ['c'], ['r']), node('Flatten', ['r'], ['f']),
             node('Gemm', ['f', 'fc_w', 'fc_b'], ['y'], transB=1)]
    m = model(nodes, [('x', [1, 2, 6, 6])], ['y'], inits=inits)
    return Case(m, [('x', x)], external=True)


@case('input_with_initializer_default', 'Graph inputs x and bias; bias is also an initializer (its default). '
      'Test data feeds only x (input_0.pb); ORT uses the initializer for bias')
def _(rng):
    x = normal(rng, [2, 4])
    bias = normal(rng, [4])
    w = weight(rng, [4, 4], fan_in=4)
    nodes = [node('MatMul', ['x', 'w'], ['mm']), node('Add', ['mm', 'bias'], ['y'])]
    # w is a plain initializer; bias is both a graph input and an initializer
    m = model(nodes, [('x', [2, 4]), ('bias', [4])], ['y'],
              inits=[init('w', w), init('bias', bias)])
    return Case(m, [('x', x)])


@case('small_cnn', 'Conv-Relu-MaxPool-Conv-Relu-GlobalAveragePool-Flatten-Gemm-Softmax end to end')
def _(rng):
    x = normal(rng, [1, 1, 12, 12])
    inits = [init('w1', weight(rng, [4, 1, 3, 3])), init('b1', normal(rng, [4], 0.3)),
             init('w2', weight(rng, [8, 4, 3, 3])), init('b2', normal(rng, [8], 0.3)),
             init('fw', weight(rng, [5, 8])), init('fb', normal(rng, [5], 0.3))]
    nodes = [node('Conv', ['x', 'w1', 'b1'], ['c1'], pads=[1, 1, 1, 1]),
             node('Relu', ['c1'], ['r1']),
             node('MaxPool', ['r1'], ['p1'], kernel_shape=[2, 2], strides=[2, 2]),
             node('Conv', ['p1', 'w2', 'b2'], ['c2'], pads=[1, 1, 1, 1]),
             node('Relu', ['c2'], ['r2']),
             node('GlobalAveragePool', ['r2'], ['g']),
             node('Flatten', ['g'], ['f']),
             node('Gemm', ['f', 'fw', 'fb'], ['logits'], transB=1),
             node('Softmax', ['logits'], ['y'], axis=1)]
    m = model(nodes, [('x', [1, 1, 12, 12])], ['y'], inits=inits)
    return Case(m, [('x', x)])


@case('mlp', 'Flatten -> Gemm -> Relu -> Gemm -> LeakyRelu -> Gemm (transB) on [2,3,4]')
def _(rng):
    x = normal(rng, [2, 3, 4])
    inits = [init('w1', weight(rng, [12, 16], fan_in=12)), init('b1', normal(rng, [16], 0.3)),
             init('w2', weight(rng, [16, 8], fan_in=16)), init('b2', normal(rng, [8], 0.3)),
             init('w3', weight(rng, [3, 8], fan_in=8)), init('b3', normal(rng, [3], 0.3))]
    nodes = [node('Flatten', ['x'], ['f']),
             node('Gemm', ['f', 'w1', 'b1'], ['h1']), node('Relu', ['h1'], ['a1']),
             node('Gemm', ['a1', 'w2', 'b2'], ['h2']), node('LeakyRelu', ['h2'], ['a2'], alpha=0.2),
             node('Gemm', ['a2', 'w3', 'b3'], ['y'], transB=1)]
    m = model(nodes, [('x', [2, 3, 4])], ['y'], inits=inits)
    return Case(m, [('x', x)])


@case('unused_initializer', 'An initializer no node uses (exporters leave these; must be ignored)')
def _(rng):
    m = model([node('Relu', ['x'], ['y'])], [('x', [2, 3])], ['y'],
              inits=[init('unused', normal(rng, [4]))])
    return Case(m, [('x', normal(rng, [2, 3]))])


@case('names_need_mangling', 'Tensor and node names that are not C identifiers (punctuation, leading digit, C keyword)')
def _(rng):
    nodes = [helper.make_node('Relu', ['input:0'], ['1st/relu.out'], name='node/relu:0'),
             helper.make_node('Mul', ['1st/relu.out', 'int'], ['out put-1'], name='for')]
    m = model(nodes, [('input:0', [2, 3])], ['out put-1'],
              inits=[init('int', normal(rng, [3]))])
    return Case(m, [('input:0', normal(rng, [2, 3]))])


# ------------------------------------------------------------------------------- pruning
def zero_rows(w, rows):
    w = w.copy()
    w[list(rows)] = 0.0
    return w


@case('prune_dead_channels', 'Conv with 2 of 8 output channels all-zero (weights and bias) -> '
      'Relu -> depthwise -> Relu -> 1x1 Conv -> MaxPool -> GlobalAveragePool -> Gemm: pass_prune '
      'removes them')
def _(rng):
    b1 = normal(rng, [8], 0.3)
    b1[[2, 5]] = 0.0
    bd = normal(rng, [8], 0.3)
    bd[[2, 5]] = 0.0   # zero in, zero bias: still dead after the depthwise
    inits = [init('w1', zero_rows(weight(rng, [8, 1, 3, 3]), [2, 5])), init('b1', b1),
             init('wd', weight(rng, [8, 1, 3, 3])), init('bd', bd),
             init('w2', weight(rng, [6, 8, 1, 1])), init('b2', normal(rng, [6], 0.3)),
             init('fw', weight(rng, [4, 6])), init('fb', normal(rng, [4], 0.3))]
    nodes = [node('Conv', ['x', 'w1', 'b1'], ['c1'], pads=[1, 1, 1, 1]),
             node('Relu', ['c1'], ['r1']),
             node('Conv', ['r1', 'wd', 'bd'], ['c2'], pads=[1, 1, 1, 1], group=8),
             node('Relu', ['c2'], ['r2']),
             node('Conv', ['r2', 'w2', 'b2'], ['c3']),
             node('Relu', ['c3'], ['r3']),
             node('MaxPool', ['r3'], ['p'], kernel_shape=[2, 2], strides=[2, 2]),
             node('GlobalAveragePool', ['p'], ['g']),
             node('Flatten', ['g'], ['f']),
             node('Gemm', ['f', 'fw', 'fb'], ['y'], transB=1)]
    m = model(nodes, [('x', [1, 1, 8, 8])], ['y'], inits=inits)
    return Case(m, [('x', normal(rng, [1, 1, 8, 8]))])


@case('prune_const_channel', 'Unpadded Conv whose channel 1 has zero weights and bias 0.7 '
      '(relu(0.7) is a constant) and channel 4 zero weights, bias -0.3 (relu gives 0): both '
      'removed, the constant folded into the next 1x1 Conv bias')
def _(rng):
    b1 = normal(rng, [6], 0.3)
    b1[1], b1[4] = 0.7, -0.3
    inits = [init('w1', zero_rows(weight(rng, [6, 3, 3, 3]), [1, 4])), init('b1', b1),
             init('w2', weight(rng, [5, 6, 1, 1])), init('b2', normal(rng, [5], 0.3))]
    nodes = [node('Conv', ['x', 'w1', 'b1'], ['c1']),
             node('Relu', ['c1'], ['r1']),
             node('Conv', ['r1', 'w2', 'b2'], ['y'])]
    m = model(nodes, [('x', [1, 3, 6, 6])], ['y'], inits=inits)
    return Case(m, [('x', normal(rng, [1, 3, 6, 6]))])


@case('prune_gemm_chain', 'Gemm 16->12 (transB) with 3 zero output rows, one with bias 0.5 -> '
      'Relu -> Gemm 12->4: the rows go, the constant folds into the second Gemm\'s C')
def _(rng):
    b1 = normal(rng, [12], 0.3)
    b1[[3, 7, 10]] = [0.5, 0.0, -0.2]
    inits = [init('w1', zero_rows(weight(rng, [12, 16]), [3, 7, 10])), init('b1', b1),
             init('w2', weight(rng, [12, 4], fan_in=12)), init('b2', normal(rng, [4], 0.3))]
    nodes = [node('Gemm', ['x', 'w1', 'b1'], ['h'], transB=1),
             node('Relu', ['h'], ['a']),
             node('Gemm', ['a', 'w2', 'b2'], ['y'])]
    m = model(nodes, [('x', [1, 16])], ['y'], inits=inits)
    return Case(m, [('x', normal(rng, [1, 16]))])


@case('prune_residual', 'Two Convs dead on channels {1,3} and {3,6}, added (residual) -> Relu -> '
      '1x1 Conv: only channel 3, dead on both branches, is removed')
def _(rng):
    ba, bb = normal(rng, [8], 0.3), normal(rng, [8], 0.3)
    ba[[1, 3]] = 0.0
    bb[[3, 6]] = 0.0
    inits = [init('wa', zero_rows(weight(rng, [8, 2, 3, 3]), [1, 3])), init('ba', ba),
             init('wb', zero_rows(weight(rng, [8, 2, 1, 1]), [3, 6])), init('bb', bb),
             init('w2', weight(rng, [4, 8, 1, 1])), init('b2', normal(rng, [4], 0.3))]
    nodes = [node('Conv', ['x', 'wa', 'ba'], ['a'], pads=[1, 1, 1, 1]),
             node('Conv', ['x', 'wb', 'bb'], ['b']),
             node('Add', ['a', 'b'], ['s']),
             node('Relu', ['s'], ['r']),
             node('Conv', ['r', 'w2', 'b2'], ['y'])]
    m = model(nodes, [('x', [1, 2, 5, 5])], ['y'], inits=inits)
    return Case(m, [('x', normal(rng, [1, 2, 5, 5]))])


def sparsify(rng, w, amount):
    w = w.copy()
    w[rng.uniform(0.0, 1.0, w.shape) < amount] = 0.0
    return w


@case('sparse_cnn', 'About 80 % zero weights (unstructured) in a 3x3 Conv (pads 1, stride 2), a '
      'depthwise Conv, a 1x1 Conv and a Gemm: all take the sparse kernels (--sparse auto)')
def _(rng):
    inits = [init('w1', sparsify(rng, weight(rng, [16, 4, 3, 3]), 0.8)),
             init('b1', normal(rng, [16], 0.3)),
             init('wd', sparsify(rng, weight(rng, [16, 1, 3, 3]), 0.8)),
             init('bd', normal(rng, [16], 0.3)),
             init('w2', sparsify(rng, weight(rng, [24, 16, 1, 1]), 0.8)),
             init('b2', normal(rng, [24], 0.3)),
             init('fw', sparsify(rng, weight(rng, [10, 24]), 0.8)),
             init('fb', normal(rng, [10], 0.3))]
    nodes = [node('Conv', ['x', 'w1', 'b1'], ['c1'], pads=[1, 1, 1, 1], strides=[2, 2]),
             node('Relu', ['c1'], ['r1']),
             node('Conv', ['r1', 'wd', 'bd'], ['c2'], pads=[1, 1, 1, 1], group=16),
             node('Relu', ['c2'], ['r2']),
             node('Conv', ['r2', 'w2', 'b2'], ['c3']),
             node('Relu', ['c3'], ['r3']),
             node('GlobalAveragePool', ['r3'], ['g']),
             node('Flatten', ['g'], ['f']),
             node('Gemm', ['f', 'fw', 'fb'], ['y'], transB=1)]
    m = model(nodes, [('x', [1, 4, 12, 10])], ['y'], inits=inits)
    return Case(m, [('x', normal(rng, [1, 4, 12, 10]))])


@case('prune_concat', 'Conv (4 ch, 1 dead) and Conv (3 ch, 2 dead) -> Relu -> Concat on '
      'channels -> MaxPool -> 1x1 Conv: the 3 dead channels go from both branches and the Concat')
def _(rng):
    ba, bb = normal(rng, [4], 0.3), normal(rng, [3], 0.3)
    ba[1] = 0.0
    bb[[0, 2]] = -0.4   # relu(-0.4) = 0: dead after the activation
    inits = [init('wa', zero_rows(weight(rng, [4, 2, 3, 3]), [1])), init('ba', ba),
             init('wb', zero_rows(weight(rng, [3, 2, 1, 1]), [0, 2])), init('bb', bb),
             init('w2', weight(rng, [5, 7, 1, 1])), init('b2', normal(rng, [5], 0.3))]
    nodes = [node('Conv', ['x', 'wa', 'ba'], ['a'], pads=[1, 1, 1, 1]),
             node('Relu', ['a'], ['ra']),
             node('Conv', ['x', 'wb', 'bb'], ['b']),
             node('Relu', ['b'], ['rb']),
             node('Concat', ['ra', 'rb'], ['c'], axis=1),
             node('MaxPool', ['c'], ['p'], kernel_shape=[2, 2], strides=[2, 2]),
             node('Conv', ['p', 'w2', 'b2'], ['y'])]
    m = model(nodes, [('x', [1, 2, 6, 6])], ['y'], inits=inits)
    return Case(m, [('x', normal(rng, [1, 2, 6, 6]))])


# ------------------------------------------------------------------------------- fusion
@case('fuse_matmul_add', 'MatMul [3,8]x[8,6] (constant B) + bias [6] -> Relu: one Gemm with C '
      'and the Relu fused')
def _(rng):
    inits = [init('w', weight(rng, [8, 6], fan_in=8)), init('b', normal(rng, [6], 0.3))]
    nodes = [node('MatMul', ['x', 'w'], ['h']), node('Add', ['b', 'h'], ['s']),
             node('Relu', ['s'], ['y'])]
    m = model(nodes, [('x', [3, 8])], ['y'], inits=inits)
    return Case(m, [('x', normal(rng, [3, 8]))])


@case('fuse_matmul_bn', 'MatMul [1,16]x[16,12] -> BatchNormalization -> Relu (PyTorch Linear '
      'without bias + BatchNorm1d): Gemm with the BN folded')
def _(rng):
    c = 12
    inits = [init('w', weight(rng, [16, c], fan_in=16)),
             init('gamma', uniform(rng, [c], 0.5, 1.5)), init('beta', normal(rng, [c], 0.3)),
             init('mean', normal(rng, [c], 0.3)), init('var', uniform(rng, [c], 0.5, 2.0))]
    nodes = [node('MatMul', ['x', 'w'], ['h']),
             node('BatchNormalization', ['h', 'gamma', 'beta', 'mean', 'var'], ['n']),
             node('Relu', ['n'], ['y'])]
    m = model(nodes, [('x', [1, 16])], ['y'], inits=inits)
    return Case(m, [('x', normal(rng, [1, 16]))])


@case('fuse_conv_scale_shift', 'Conv -> Mul [C,1,1] -> Add [1,C,1,1] -> Relu (a scale layer and '
      'a separate bias): one Conv')
def _(rng):
    inits = [init('w', weight(rng, [6, 3, 3, 3])),
             init('s', uniform(rng, [6, 1, 1], 0.5, 2.0)), init('t', normal(rng, [1, 6, 1, 1], 0.3))]
    nodes = [node('Conv', ['x', 'w'], ['c'], pads=[1, 1, 1, 1]),
             node('Mul', ['c', 's'], ['m']), node('Add', ['t', 'm'], ['a']),
             node('Relu', ['a'], ['y'])]
    m = model(nodes, [('x', [1, 3, 7, 7])], ['y'], inits=inits)
    return Case(m, [('x', normal(rng, [1, 3, 7, 7]))])


@case('fuse_norm_prefix', '(x - mean[C,1,1]) / std[C,1,1] -> unpadded Conv: both fold into the '
      'Conv (weights and bias)')
def _(rng):
    inits = [init('mean', uniform(rng, [3, 1, 1], -0.5, 0.5)),
             init('std', uniform(rng, [3, 1, 1], 0.5, 2.0)),
             init('w', weight(rng, [4, 3, 3, 3])), init('b', normal(rng, [4], 0.3))]
    nodes = [node('Sub', ['x', 'mean'], ['c']), node('Div', ['c', 'std'], ['n']),
             node('Conv', ['n', 'w', 'b'], ['y'], strides=[2, 2])]
    m = model(nodes, [('x', [1, 3, 9, 9])], ['y'], inits=inits)
    return Case(m, [('x', uniform(rng, [1, 3, 9, 9], 0.0, 1.0))])


@case('fuse_norm_prefix_padded', '(x - mean) * scale -> Conv with pads 1: the Mul folds, the Sub '
      'must stay (a padded border would see -mean, not 0)')
def _(rng):
    inits = [init('mean', uniform(rng, [3, 1, 1], -0.5, 0.5)),
             init('scale', uniform(rng, [3, 1, 1], 0.5, 2.0)),
             init('w', weight(rng, [4, 3, 3, 3])), init('b', normal(rng, [4], 0.3))]
    nodes = [node('Sub', ['x', 'mean'], ['c']), node('Mul', ['c', 'scale'], ['n']),
             node('Conv', ['n', 'w', 'b'], ['y'], pads=[1, 1, 1, 1])]
    m = model(nodes, [('x', [1, 3, 6, 6])], ['y'], inits=inits)
    return Case(m, [('x', uniform(rng, [1, 3, 6, 6], 0.0, 1.0))])


@case('fuse_gemm_prefix', 'x * s[16] + a[16] -> Gemm (transB): both fold into B and C')
def _(rng):
    inits = [init('s', uniform(rng, [16], 0.5, 2.0)), init('a', normal(rng, [1, 16], 0.3)),
             init('w', weight(rng, [5, 16])), init('b', normal(rng, [5], 0.3))]
    nodes = [node('Add', ['x', 'a'], ['p']), node('Mul', ['p', 's'], ['q']),
             node('Gemm', ['q', 'w', 'b'], ['y'], transB=1)]
    m = model(nodes, [('x', [2, 16])], ['y'], inits=inits)
    return Case(m, [('x', normal(rng, [2, 16]))])


@case('fuse_pad_conv', 'Pad [0,0,1,2,0,0,2,1] (value 0) -> Conv with pads [1,0,0,1]: one Conv '
      'with pads [2,2,2,2]')
def _(rng):
    inits = [i64('pads', [0, 0, 1, 2, 0, 0, 2, 1]), init('w', weight(rng, [4, 2, 3, 3])),
             init('b', normal(rng, [4], 0.3))]
    nodes = [node('Pad', ['x', 'pads'], ['p']),
             node('Conv', ['p', 'w', 'b'], ['y'], pads=[1, 0, 0, 1])]
    m = model(nodes, [('x', [1, 2, 5, 6])], ['y'], inits=inits)
    return Case(m, [('x', normal(rng, [1, 2, 5, 6]))])


@case('fuse_pad_avgpool', 'Pad [0,0,1,1,0,0,1,1] (value 0) -> AveragePool 3x3 (no pads): the pool '
      'takes the pads and counts them')
def _(rng):
    nodes = [node('Pad', ['x', 'pads'], ['p']),
             node('AveragePool', ['p'], ['y'], kernel_shape=[3, 3], strides=[2, 2])]
    m = model(nodes, [('x', [1, 3, 7, 7])], ['y'], inits=[i64('pads', [0, 0, 1, 1, 0, 0, 1, 1])])
    return Case(m, [('x', normal(rng, [1, 3, 7, 7]))])


@case('fuse_pad_maxpool_neg_inf', 'Pad with -inf -> MaxPool 2x2 s2: the pool takes the pads '
      '(its own padding is ignored, like -inf)')
def _(rng):
    nodes = [node('Pad', ['x', 'pads', 'value'], ['p']),
             node('MaxPool', ['p'], ['y'], kernel_shape=[2, 2], strides=[2, 2])]
    m = model(nodes, [('x', [1, 2, 5, 5])], ['y'],
              inits=[i64('pads', [0, 0, 1, 1, 0, 0, 0, 0]),
                     init('value', np.array(-np.inf, dtype=np.float32))])
    return Case(m, [('x', uniform(rng, [1, 2, 5, 5], -2.0, -0.5))])


@case('fuse_transpose_cancel', 'Transpose NCHW->NHWC -> Transpose NHWC->NCHW -> Relu: the pair '
      'cancels')
def _(rng):
    nodes = [node('Transpose', ['x'], ['t1'], perm=[0, 2, 3, 1]),
             node('Transpose', ['t1'], ['t2'], perm=[0, 3, 1, 2]),
             node('Relu', ['t2'], ['y'])]
    m = model(nodes, [('x', [1, 3, 4, 5])], ['y'])
    return Case(m, [('x', normal(rng, [1, 3, 4, 5]))])


@case('fuse_transpose_compose', 'Transpose [0,2,1,3] -> Transpose [3,1,0,2]: one Transpose with '
      'the composed perm')
def _(rng):
    nodes = [node('Transpose', ['x'], ['t1'], perm=[0, 2, 1, 3]),
             node('Transpose', ['t1'], ['y'], perm=[3, 1, 0, 2])]
    m = model(nodes, [('x', [2, 3, 4, 5])], ['y'])
    return Case(m, [('x', normal(rng, [2, 3, 4, 5]))])


@case('fuse_reshape_chain', 'Reshape [2,3,4]->[6,4] -> Unsqueeze -> Flatten -> Relu: one Reshape')
def _(rng):
    nodes = [node('Reshape', ['x', 'shape'], ['r']),
             node('Unsqueeze', ['r', 'axes'], ['u']),
             node('Flatten', ['u'], ['f'], axis=2),
             node('Relu', ['f'], ['y'])]
    m = model(nodes, [('x', [2, 3, 4])], ['y'],
              inits=[i64('shape', [6, 4]), i64('axes', [0])])
    return Case(m, [('x', normal(rng, [2, 3, 4]))])


@case('function_inline', 'Model-local functions (FunctionProto): a nested call, attributes passed by reference, two call sites of one function')
def _(rng):
    dom = 'kiln.test'
    std = [helper.make_opsetid('', 13)]

    def ref(name, ref_name):
        return onnx.AttributeProto(name=name, ref_attr_name=ref_name, type=onnx.AttributeProto.FLOAT)

    alpha = helper.make_node('Constant', [], ['a'])
    alpha.attribute.append(ref('value_float', 'alpha'))
    add_mul = helper.make_function(dom, 'AddMul', ['x', 'y'], ['z'], [
        alpha, helper.make_node('Add', ['x', 'y'], ['t']), helper.make_node('Mul', ['t', 'a'], ['z'])],
        std, ['alpha'])
    call = helper.make_node('AddMul', ['x', 'x'], ['t'], domain=dom)
    call.attribute.append(ref('alpha', 'beta'))
    outer = helper.make_function(dom, 'Outer', ['x'], ['y'], [
        call, helper.make_node('Relu', ['t'], ['y'])], std + [helper.make_opsetid(dom, 1)], ['beta'])
    nodes = [helper.make_node('Outer', ['x'], ['u'], domain=dom, beta=2.0),
             helper.make_node('AddMul', ['u', 'x'], ['v'], domain=dom, alpha=0.5),
             helper.make_node('AddMul', ['v', 'u'], ['w'], domain=dom, alpha=-1.5)]
    g = helper.make_graph(nodes, 'function_inline', [vi('x', [2, 3])], [vi('w', [2, 3])])
    m = helper.make_model(g, opset_imports=std + [helper.make_opsetid(dom, 1)],
                          functions=[add_mul, outer], producer_name='kiln-make_golden',
                          producer_version='1')
    m.ir_version = 8
    onnx.checker.check_model(m)
    return Case(m, [('x', normal(rng, (2, 3)))])


# ------------------------------------------------------------------------------- driver
def yaml_float(v):
    """1.0e-4 style: parsed as a float by YAML 1.1 and 1.2 resolvers and by strtod."""
    return np.format_float_scientific(v, trim='0', exp_digits=1)


def yaml_str(s):
    return json.dumps(s)  # JSON strings are valid YAML double-quoted scalars


def write_case(root, name, desc, c, outs):
    d = os.path.join(root, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    ds = os.path.join(d, 'test_data_set_0')
    os.makedirs(ds)
    mpath = os.path.join(d, 'model.onnx')
    m = onnx.ModelProto()
    m.CopyFrom(c.model)
    if c.external:
        onnx.save_model(m, mpath, save_as_external_data=True, all_tensors_to_one_file=True,
                        location='weights.bin', size_threshold=0)
    else:
        onnx.save_model(m, mpath)
    for k, (nm, arr) in enumerate(c.feeds):
        with open(os.path.join(ds, f'input_{k}.pb'), 'wb') as f:
            f.write(numpy_helper.from_array(arr, nm).SerializeToString())
    for k, (nm, arr) in enumerate(outs):
        with open(os.path.join(ds, f'output_{k}.pb'), 'wb') as f:
            f.write(numpy_helper.from_array(arr, nm).SerializeToString())
    opset = [o.version for o in c.model.opset_import if o.domain in ('', 'ai.onnx')][0]
    lines = [f'# {desc}',
             '# Generated by tests/golden/make_golden.py; reference outputs from ONNX Runtime 1.30.0.']
    if c.note:
        lines.append(f'# {c.note}')
    lines += [f'rtol: {yaml_float(c.rtol)}', f'atol: {yaml_float(c.atol)}', f'opset: {opset}',
              'inputs: [' + ', '.join(yaml_str(n) for n, _ in c.feeds) + ']',
              'outputs: [' + ', '.join(yaml_str(n) for n, _ in outs) + ']']
    if c.external:
        lines.append('external_data: weights.bin')
    with open(os.path.join(d, 'expect.yaml'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    size = os.path.getsize(mpath)
    if c.external:
        size += os.path.getsize(os.path.join(d, 'weights.bin'))
    if size > MAX_MODEL_BYTES:
        raise RuntimeError(f'{name}: model is {size} bytes (limit {MAX_MODEL_BYTES})')
    return size


NP_OF_ORT = {'float32': np.float32, 'float64': np.float64, 'int64': np.int64,
             'int32': np.int32, 'uint8': np.uint8, 'int8': np.int8, 'bool': np.bool_}


def run_ort(jobs, tmp, tag):
    jf = os.path.join(tmp, f'jobs_{tag}.json')
    with open(jf, 'w') as f:
        json.dump(jobs, f)
    subprocess.run(['node', ORT_REF, jf], check=True)
    results = []
    for job in jobs:
        with open(os.path.join(job['out_dir'], 'outputs.json')) as f:
            meta = json.load(f)
        outs = []
        for o in meta:
            arr = np.fromfile(o['file'], dtype=NP_OF_ORT[o['dtype']]).reshape(o['dims'])
            outs.append((o['name'], arr))
        results.append(outs)
    return results


def main():
    filt = sys.argv[1] if len(sys.argv) > 1 else None
    names = [n for n, _, _ in CASES]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SystemExit(f'duplicate case names: {dup}')
    selected = sorted((c for c in CASES if filt is None or filt in c[0]), key=lambda c: c[0])
    built = []
    for name, desc, fn in selected:
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        built.append((name, desc, fn(rng)))

    with tempfile.TemporaryDirectory(prefix='kiln_golden_') as tmp:
        jobs = {'disabled': [], 'all': []}
        for i, (name, desc, c) in enumerate(built):
            cdir = os.path.join(tmp, f'case{i}')
            os.makedirs(cdir)
            mpath = os.path.join(cdir, 'model.onnx')
            m = onnx.ModelProto()
            m.CopyFrom(c.model)
            if c.external:
                onnx.save_model(m, mpath, save_as_external_data=True,
                                all_tensors_to_one_file=True, location='weights.bin',
                                size_threshold=0)
            else:
                onnx.save_model(m, mpath)
            ins = []
            for k, (nm, arr) in enumerate(c.feeds):
                fn_ = os.path.join(cdir, f'in{k}.bin')
                np.ascontiguousarray(arr).tofile(fn_)
                ins.append({'name': nm, 'dtype': str(arr.dtype), 'dims': list(arr.shape),
                            'file': fn_})
            for lvl in jobs:
                jobs[lvl].append({'model': mpath, 'inputs': ins, 'opt_level': lvl,
                                  'out_dir': os.path.join(cdir, f'out_{lvl}')})
        ref = run_ort(jobs['disabled'], tmp, 'disabled')
        opt = run_ort(jobs['all'], tmp, 'all')

        total = 0
        for (name, desc, c), outs, outs2 in zip(built, ref, opt):
            declared = [(o.name, [d.dim_value for d in o.type.tensor_type.shape.dim])
                        for o in c.model.graph.output]
            for (nm, arr), (dn, dshape), (_, arr2) in zip(outs, declared, outs2):
                if nm != dn or list(arr.shape) != dshape:
                    raise RuntimeError(f'{name}: ORT output {nm}{list(arr.shape)} vs declared '
                                       f'{dn}{dshape}')
                # Sanity check of the tolerance: ORT with all graph optimizations (fusions,
                # other kernels) must agree with the unoptimized reference within it.
                if not np.allclose(arr2, arr, rtol=c.rtol, atol=c.atol, equal_nan=True):
                    raise RuntimeError(f'{name}: ORT optimized vs unoptimized differ by '
                                       f'{np.max(np.abs(arr2 - arr)):.3g}')
            total += write_case(HERE, name, desc, c, outs)
    # drop case folders of cases that no longer exist (only folders holding expect.yaml)
    if filt is None:
        keep = set(names)
        for d in sorted(os.listdir(HERE)):
            p = os.path.join(HERE, d)
            ex = os.path.join(p, 'expect.yaml')
            # only folders this script made (hand-made copies such as mlperf_* stay)
            if os.path.isdir(p) and d not in keep and os.path.exists(ex) and \
                    'make_golden.py' in open(ex).read():
                shutil.rmtree(p)
        with open(os.path.join(HERE, 'INDEX.md'), 'w') as f:
            f.write('# Golden cases\n\nGenerated by make_golden.py; one line per case folder.\n\n'
                    '| case | opset | what it tests |\n|---|---|---|\n')
            for name, desc, fn in sorted(CASES, key=lambda c: c[0]):
                m = fn(np.random.default_rng(0)).model
                opset = [o.version for o in m.opset_import if o.domain in ('', 'ai.onnx')][0]
                f.write(f'| `{name}` | {opset} | {desc.replace("|", "/")} |\n')
    print(f'{len(built)} cases written to {HERE} ({total} model bytes)')


if __name__ == '__main__':
    main()
