#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Offline generator of the golden cases for recurrent and ONNX quantized ops.

NOT part of the build or test path: its outputs are committed. It reuses make_golden.py's
helpers (model building, ONNX Runtime references through ort_ref.js, case folders) and
keeps its own case list, so each file's cases can be regenerated on their own:

    /usr/bin/python3 tests/golden/make_golden_rnnq.py          # all its cases
    /usr/bin/python3 tests/golden/make_golden_rnnq.py lstm_    # names containing lstm_

Needs Debian's python3-onnx, python3-numpy, python3-torch (the exported LSTM) and Node
with onnxruntime-node 1.30.0 (ORT_NODE_DIR, default /opt/ortnode).
"""
import io
import os
import sys
import tempfile
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402

CASES = []
F = TensorProto.FLOAT
U8 = TensorProto.UINT8
S8 = TensorProto.INT8
I32 = TensorProto.INT32


def case(name, desc):
    def reg(fn):
        CASES.append((name, desc, fn))
        return fn
    return reg


def typed_model(nodes, inputs, outputs, inits=(), opset=14, name='golden'):
    """Like make_golden.model, but inputs/outputs carry their element type:
    (name, shape, elem_type)."""
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info(n, t, s)
                                        for n, s, t in inputs],
                          [helper.make_tensor_value_info(n, t, s) for n, s, t in outputs],
                          initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', opset)],
                          producer_name='kiln-make_golden_rnnq', producer_version='1')
    m.ir_version = 8
    onnx.checker.check_model(m, full_check=True)
    return m


# ------------------------------------------------------------------------------- recurrent
@case('lstm_torch_exported', 'torch.nn.LSTM(8, 12, batch_first) + Linear exported by torch.onnx (opset 14): Transpose, LSTM with initial h/c buffers, Squeeze, Gather, Gemm')
def _(rng):
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(8, 12, batch_first=True)
            self.fc = torch.nn.Linear(12, 5)
            # explicit initial state: the exporter then emits no Expand for zero h0/c0
            self.register_buffer('h0', 0.1 * torch.randn(1, 1, 12))
            self.register_buffer('c0', 0.1 * torch.randn(1, 1, 12))

        def forward(self, x):
            y, _ = self.lstm(x, (self.h0, self.c0))
            return self.fc(y[:, -1, :])

    torch.manual_seed(zlib.crc32(b'lstm_torch_exported'))
    net = Net().eval()
    x = mg.normal(rng, [1, 6, 8])
    buf = io.BytesIO()
    torch.onnx.export(net, torch.from_numpy(x), buf, opset_version=14, input_names=['x'],
                      output_names=['y'])
    m = onnx.load_from_string(buf.getvalue())
    m.ir_version = 8
    onnx.checker.check_model(m, full_check=True)
    return mg.Case(m, [('x', x)])


def lstm_weights(rng, dirs, hidden, inputs, gates):
    return (mg.weight(rng, [dirs, gates * hidden, inputs], inputs),
            mg.weight(rng, [dirs, gates * hidden, hidden], hidden),
            mg.normal(rng, [dirs, 2 * gates * hidden], 0.3))


@case('lstm_bidirectional_peepholes_clip', 'LSTM bidirectional, peepholes, clip 0.3 (smaller than many gate inputs and cell values), initial h/c, sequence_lens [5, 3] as a constant, all three outputs')
def _(rng):
    w, r, b = lstm_weights(rng, 2, 4, 3, 4)
    p = mg.normal(rng, [2, 12], 0.5)
    inits = [mg.init('W', w), mg.init('R', r), mg.init('B', b), mg.init('P', p),
             numpy_helper.from_array(np.array([5, 3], np.int32), 'lens')]
    n = helper.make_node('LSTM', ['x', 'W', 'R', 'B', 'lens', 'h0', 'c0', 'P'],
                         ['y', 'y_h', 'y_c'], hidden_size=4, direction='bidirectional', clip=0.3)
    m = typed_model([n], [('x', [5, 2, 3], F), ('h0', [2, 2, 4], F), ('c0', [2, 2, 4], F)],
                    [('y', [5, 2, 2, 4], F), ('y_h', [2, 2, 4], F), ('y_c', [2, 2, 4], F)],
                    inits)
    return mg.Case(m, [('x', mg.normal(rng, [5, 2, 3])), ('h0', mg.normal(rng, [2, 2, 4], 0.5)),
                       ('c0', mg.normal(rng, [2, 2, 4], 0.5))])


@case('lstm_reverse_input_forget_acts', 'LSTM reverse, input_forget, activations HardSigmoid/Softsign/ScaledTanh with alpha/beta, only Y_c (ORT has no layout 1; the suite covers it)')
def _(rng):
    w, r, b = lstm_weights(rng, 1, 5, 4, 4)
    inits = [mg.init('W', w), mg.init('R', r), mg.init('B', b)]
    n = helper.make_node('LSTM', ['x', 'W', 'R', 'B'], ['', '', 'y_c'], hidden_size=5,
                         direction='reverse', input_forget=1,
                         activations=['HardSigmoid', 'Softsign', 'ScaledTanh'],
                         activation_alpha=[0.3, 0.9], activation_beta=[0.4, 1.2])
    m = typed_model([n], [('x', [4, 2, 4], F)], [('y_c', [1, 2, 5], F)], inits)
    return mg.Case(m, [('x', mg.normal(rng, [4, 2, 4]))])


@case('gru_reverse_linear_before_reset', 'GRU reverse, linear_before_reset 1, initial h, sequence_lens as a graph input [2, 4, 1], Y and Y_h')
def _(rng):
    w, r, b = lstm_weights(rng, 1, 6, 3, 3)
    inits = [mg.init('W', w), mg.init('R', r), mg.init('B', b)]
    n = helper.make_node('GRU', ['x', 'W', 'R', 'B', 'lens', 'h0'], ['y', 'y_h'],
                         hidden_size=6, direction='reverse', linear_before_reset=1)
    m = typed_model([n], [('x', [4, 3, 3], F), ('lens', [3], I32), ('h0', [1, 3, 6], F)],
                    [('y', [4, 1, 3, 6], F), ('y_h', [1, 3, 6], F)], inits)
    return mg.Case(m, [('x', mg.normal(rng, [4, 3, 3])), ('lens', np.array([2, 4, 1], np.int32)),
                       ('h0', mg.normal(rng, [1, 3, 6], 0.5))])


@case('gru_bidirectional_acts_clip', 'GRU bidirectional, activations Sigmoid/Tanh forward and HardSigmoid(0.25, 0.45)/Softplus backward, clip 2')
def _(rng):
    w, r, b = lstm_weights(rng, 2, 4, 3, 3)
    inits = [mg.init('W', w), mg.init('R', r), mg.init('B', b)]
    n = helper.make_node('GRU', ['x', 'W', 'R', 'B'], ['y', 'y_h'], hidden_size=4,
                         direction='bidirectional', clip=2.0,
                         activations=['Sigmoid', 'Tanh', 'HardSigmoid', 'Softplus'],
                         activation_alpha=[0.25], activation_beta=[0.45])
    m = typed_model([n], [('x', [3, 2, 3], F)], [('y', [3, 2, 2, 4], F), ('y_h', [2, 2, 4], F)],
                    inits)
    return mg.Case(m, [('x', mg.normal(rng, [3, 2, 3]))])


@case('rnn_bidirectional_acts', 'RNN bidirectional, activations LeakyRelu(0.2) forward and Elu(0.7) backward, initial h, all outputs')
def _(rng):
    w, r, b = lstm_weights(rng, 2, 5, 4, 1)
    inits = [mg.init('W', w), mg.init('R', r), mg.init('B', b)]
    n = helper.make_node('RNN', ['x', 'W', 'R', 'B', '', 'h0'], ['y', 'y_h'], hidden_size=5,
                         direction='bidirectional', activations=['LeakyRelu', 'Elu'],
                         activation_alpha=[0.2, 0.7])
    m = typed_model([n], [('x', [3, 2, 4], F), ('h0', [2, 2, 5], F)],
                    [('y', [3, 2, 2, 5], F), ('y_h', [2, 2, 5], F)], inits)
    return mg.Case(m, [('x', mg.normal(rng, [3, 2, 4])), ('h0', mg.normal(rng, [2, 2, 5], 0.5))])


@case('rnn_reverse_relu_affine', 'RNN reverse with Relu, feeding a forward RNN with Affine(0.5, 0.1), opset 7 form')
def _(rng):
    w, r, b = lstm_weights(rng, 1, 3, 2, 1)
    w2, r2, b2 = lstm_weights(rng, 1, 3, 3, 1)
    inits = [mg.init('W', w), mg.init('R', r), mg.init('B', b), mg.init('W2', w2),
             mg.init('R2', r2), mg.init('B2', b2), mg.i64('axes', [1])]
    n1 = helper.make_node('RNN', ['x', 'W', 'R', 'B'], ['y1'], hidden_size=3,
                          direction='reverse', activations=['Relu'])
    n2 = helper.make_node('Squeeze', ['y1'], ['s'], axes=[1])
    n3 = helper.make_node('RNN', ['s', 'W2', 'R2', 'B2'], ['', 'y_h'], hidden_size=3,
                          activations=['Affine'], activation_alpha=[0.5], activation_beta=[0.1])
    m = typed_model([n1, n2, n3], [('x', [4, 2, 2], F)], [('y_h', [1, 2, 3], F)],
                    inits[:-1], opset=7)
    return mg.Case(m, [('x', mg.normal(rng, [4, 2, 2]))])


# ------------------------------------------------------------------------------- quantized
def q8(rng, shape, dt):
    lo, hi = (0, 256) if dt == np.uint8 else (-128, 128)
    return rng.integers(lo, hi, shape).astype(dt)


@case('qdq_conv_per_axis', 'QDQ model: x -> QuantizeLinear(u8) -> DequantizeLinear -> Conv (int8 weights per output channel, DequantizeLinear axis 0, folded) -> QuantizeLinear -> DequantizeLinear')
def _(rng):
    w = q8(rng, [4, 3, 3, 3], np.int8)
    ws = (rng.uniform(0.002, 0.02, [4])).astype(np.float32)
    inits = [numpy_helper.from_array(w, 'wq'), mg.init('ws', ws),
             numpy_helper.from_array(np.zeros([4], np.int8), 'wz'),
             mg.init('xs', np.float32(0.02)), numpy_helper.from_array(np.uint8(128), 'xz'),
             mg.init('ys', np.float32(0.05)), numpy_helper.from_array(np.uint8(100), 'yz'),
             mg.init('b', mg.normal(rng, [4], 0.1))]
    nodes = [helper.make_node('QuantizeLinear', ['x', 'xs', 'xz'], ['xq']),
             helper.make_node('DequantizeLinear', ['xq', 'xs', 'xz'], ['xd']),
             helper.make_node('DequantizeLinear', ['wq', 'ws', 'wz'], ['wd'], axis=0),
             helper.make_node('Conv', ['xd', 'wd', 'b'], ['c'], pads=[1, 1, 1, 1]),
             helper.make_node('QuantizeLinear', ['c', 'ys', 'yz'], ['cq']),
             helper.make_node('DequantizeLinear', ['cq', 'ys', 'yz'], ['y'])]
    m = typed_model(nodes, [('x', [1, 3, 6, 6], F)], [('y', [1, 4, 6, 6], F)], inits, opset=13)
    return mg.Case(m, [('x', mg.uniform(rng, [1, 3, 6, 6], -2.0, 2.0))],
                   note='values are multiples of the output scale, so rtol/atol only absorb float '
                        'noise of Conv; the rounding points themselves must agree')


@case('quantize_per_axis_s8_ties', 'QuantizeLinear int8 per axis 1 with inputs on .5 ties (half to even) and beyond the range (saturation), then DequantizeLinear')
def _(rng):
    x = (rng.integers(-600, 600, [2, 3, 4]).astype(np.float32) * 0.5)
    inits = [mg.init('s', np.array([1.0, 2.0, 0.5], np.float32)),
             numpy_helper.from_array(np.array([-3, 0, 5], np.int8), 'z')]
    nodes = [helper.make_node('QuantizeLinear', ['x', 's', 'z'], ['q'], axis=1),
             helper.make_node('DequantizeLinear', ['q', 's', 'z'], ['y'], axis=1)]
    m = typed_model(nodes, [('x', [2, 3, 4], F)], [('q', [2, 3, 4], S8), ('y', [2, 3, 4], F)],
                    inits, opset=13)
    return mg.Case(m, [('x', x)])


@case('qlinear_conv_per_channel', 'QLinearConv u8 input, int8 weights with per-channel scales (zero points 0), int32 bias, stride 2, pads 1, all parameters as initializers')
def _(rng):
    inits = [mg.init('xs', np.float32(0.03)), numpy_helper.from_array(np.uint8(120), 'xz'),
             numpy_helper.from_array(q8(rng, [6, 3, 3, 3], np.int8), 'w'),
             mg.init('ws', rng.uniform(0.002, 0.01, [6]).astype(np.float32)),
             numpy_helper.from_array(np.zeros([6], np.int8), 'wz'),
             mg.init('ys', np.float32(0.08)), numpy_helper.from_array(np.uint8(110), 'yz'),
             numpy_helper.from_array(rng.integers(-3000, 3000, [6]).astype(np.int32), 'b')]
    n = helper.make_node('QLinearConv', ['x', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz', 'b'],
                         ['y'], strides=[2, 2], pads=[1, 1, 1, 1])
    m = typed_model([n], [('x', [1, 3, 7, 7], U8)], [('y', [1, 6, 4, 4], U8)], inits, opset=10)
    return mg.Case(m, [('x', q8(rng, [1, 3, 7, 7], np.uint8))])


@case('qlinear_matmul_runtime_scales', 'QLinearMatMul u8 x u8 (batch 2 x [3,5] by [5,4]) with every scale and zero point a graph input')
def _(rng):
    names = ['a', 'a_scale', 'a_zp', 'b', 'b_scale', 'b_zp', 'y_scale', 'y_zp']
    n = helper.make_node('QLinearMatMul', names, ['y'])
    ins = [('a', [2, 3, 5], U8), ('a_scale', [], F), ('a_zp', [], U8), ('b', [5, 4], U8),
           ('b_scale', [], F), ('b_zp', [], U8), ('y_scale', [], F), ('y_zp', [], U8)]
    m = typed_model([n], ins, [('y', [2, 3, 4], U8)], opset=10)
    feeds = [('a', q8(rng, [2, 3, 5], np.uint8)), ('a_scale', np.array(0.05, np.float32)),
             ('a_zp', np.array(130, np.uint8)), ('b', q8(rng, [5, 4], np.uint8)),
             ('b_scale', np.array(0.02, np.float32)), ('b_zp', np.array(120, np.uint8)),
             ('y_scale', np.array(0.1, np.float32)), ('y_zp', np.array(128, np.uint8))]
    return mg.Case(m, feeds)


@case('matmul_integer_per_column_zp', 'MatMulInteger u8 [2,3,4] x u8 [4,5] with a scalar A zero point and a per-column B zero point')
def _(rng):
    inits = [numpy_helper.from_array(np.uint8(7), 'az'),
             numpy_helper.from_array(q8(rng, [5], np.uint8), 'bz'),
             numpy_helper.from_array(q8(rng, [4, 5], np.uint8), 'b')]
    n = helper.make_node('MatMulInteger', ['a', 'b', 'az', 'bz'], ['y'])
    m = typed_model([n], [('a', [2, 3, 4], U8)], [('y', [2, 3, 5], I32)], inits, opset=10)
    return mg.Case(m, [('a', q8(rng, [2, 3, 4], np.uint8))])


@case('conv_integer_strided', 'ConvInteger u8 x u8, x and w zero points, stride 2, dilation 2, pads 2')
def _(rng):
    inits = [numpy_helper.from_array(q8(rng, [3, 2, 3, 3], np.uint8), 'w'),
             numpy_helper.from_array(np.uint8(90), 'xz'),
             numpy_helper.from_array(np.uint8(140), 'wz')]
    n = helper.make_node('ConvInteger', ['x', 'w', 'xz', 'wz'], ['y'], strides=[2, 2],
                         dilations=[2, 2], pads=[2, 2, 2, 2])
    m = typed_model([n], [('x', [1, 2, 8, 9], U8)], [('y', [1, 3, 4, 5], I32)], inits, opset=10)
    return mg.Case(m, [('x', q8(rng, [1, 2, 8, 9], np.uint8))])


@case('dynamic_quantize_dequantize', 'DynamicQuantizeLinear (all three outputs) feeding DequantizeLinear')
def _(rng):
    nodes = [helper.make_node('DynamicQuantizeLinear', ['x'], ['q', 's', 'z']),
             helper.make_node('DequantizeLinear', ['q', 's', 'z'], ['y'])]
    m = typed_model(nodes, [('x', [3, 7], F)],
                    [('q', [3, 7], U8), ('s', [], F), ('z', [], U8), ('y', [3, 7], F)], opset=11)
    return mg.Case(m, [('x', mg.normal(rng, [3, 7]) + 0.7)])


# ------------------------------------------------------------------------------- driver
def main():
    filt = sys.argv[1] if len(sys.argv) > 1 else None
    selected = sorted((c for c in CASES if filt is None or filt in c[0]), key=lambda c: c[0])
    built = [(name, desc, fn(np.random.default_rng(zlib.crc32(name.encode()))))
             for name, desc, fn in selected]
    with tempfile.TemporaryDirectory(prefix='kiln_golden_rnnq_') as tmp:
        jobs = []
        for i, (name, desc, c) in enumerate(built):
            cdir = os.path.join(tmp, f'case{i}')
            os.makedirs(cdir)
            mpath = os.path.join(cdir, 'model.onnx')
            onnx.save_model(c.model, mpath)
            ins = []
            for k, (nm, arr) in enumerate(c.feeds):
                fn_ = os.path.join(cdir, f'in{k}.bin')
                np.ascontiguousarray(arr).tofile(fn_)
                ins.append({'name': nm, 'dtype': str(arr.dtype), 'dims': list(arr.shape),
                            'file': fn_})
            jobs.append({'model': mpath, 'inputs': ins, 'opt_level': 'disabled',
                         'out_dir': os.path.join(cdir, 'out')})
        refs = mg.run_ort(jobs, tmp, 'disabled')
        for (name, desc, c), outs in zip(built, refs):
            mg.write_case(mg.HERE, name, desc, c, outs)
            # say which script made the folder (make_golden.py prunes only its own)
            ex = os.path.join(mg.HERE, name, 'expect.yaml')
            text = open(ex).read().replace('tests/golden/make_golden.py',
                                           'tests/golden/make_golden_rnnq.py')
            with open(ex, 'w') as f:
                f.write(text)
    if filt is None:
        with open(os.path.join(mg.HERE, 'INDEX-rnnq.md'), 'w') as f:
            f.write('# Golden cases of make_golden_rnnq.py (recurrent and quantized ops)\n\n'
                    '| case | opset | what it tests |\n|---|---|---|\n')
            for (name, desc, c) in built:
                opset = [o.version for o in c.model.opset_import if o.domain in ('', 'ai.onnx')][0]
                f.write(f'| `{name}` | {opset} | {desc.replace("|", "/")} |\n')
    print(f'{len(built)} cases written to {mg.HERE}')


if __name__ == '__main__':
    main()
