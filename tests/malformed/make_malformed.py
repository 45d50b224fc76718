#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Offline generator of kiln's hostile input files (tests/malformed/).

NOT part of the build or test path: its outputs are committed. Run with Debian's interpreter:

    /usr/bin/python3 tests/malformed/make_malformed.py

Writes <name>.onnx and <name>.expect (one line: a substring kiln's error message must
contain) for every case below. Deterministic (seeded random bytes, fixed protobufs).
The .expect strings are a first guess at kiln's wording; see README.md for the reason each
file must be rejected.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
F = TensorProto.FLOAT
CASES = {}  # name -> (bytes, expect)


def vi(name, shape, dt=F):
    return helper.make_tensor_value_info(name, dt, shape)


def mk(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, 'malformed', inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', opset)],
                          producer_name='kiln-make_malformed', producer_version='1')
    m.ir_version = 8
    return m


def add(name, model_or_bytes, expect, check=False):
    if check:  # the file is a valid ONNX model; only kiln's own rules must reject it
        onnx.checker.check_model(model_or_bytes)
    data = model_or_bytes if isinstance(model_or_bytes, bytes) else model_or_bytes.SerializeToString()
    CASES[name] = (data, expect)


rng = np.random.default_rng(20240601)


def conv_model():
    w = (rng.standard_normal([8, 3, 3, 3]) * 0.2).astype(np.float32)
    b = rng.standard_normal([8]).astype(np.float32)
    return mk([helper.make_node('Conv', ['x', 'w', 'b'], ['y'], name='conv0', pads=[1, 1, 1, 1])],
              [vi('x', [1, 3, 8, 8])], [vi('y', [1, 8, 8, 8])],
              [numpy_helper.from_array(w, 'w'), numpy_helper.from_array(b, 'b')])


# --- files that are not ONNX protobufs at all
valid = conv_model().SerializeToString()
add('truncated', valid[:len(valid) // 2], 'parse')
add('random_bytes', rng.integers(0, 256, 4096, dtype=np.uint8).tobytes(), 'parse')
add('empty', b'', 'empty')

# --- valid protobufs that kiln must refuse
add('unknown_ops', mk([helper.make_node('FooBar', ['x'], ['a'], name='foo0'),
                       helper.make_node('Relu', ['a'], ['b'], name='relu0'),
                       helper.make_node('Baz', ['b'], ['y'], name='baz0')],
                      [vi('x', [1, 4])], [vi('y', [1, 4])]), 'FooBar')

add('conv_missing_weight',
    mk([helper.make_node('Conv', ['x', 'W_missing'], ['y'], name='conv0', kernel_shape=[3, 3])],
       [vi('x', [1, 3, 8, 8])], [vi('y', [1, 8, 6, 6])]), 'W_missing')

add('conv_bad_group',
    mk([helper.make_node('Conv', ['x', 'w'], ['y'], name='conv0', group=3)],
       [vi('x', [1, 4, 6, 6])], [vi('y', [1, 6, 4, 4])],
       [numpy_helper.from_array(np.ones([6, 1, 3, 3], np.float32), 'w')]), 'group')

add('conv_negative_stride',
    mk([helper.make_node('Conv', ['x', 'w'], ['y'], name='conv0', strides=[-1, 1])],
       [vi('x', [1, 2, 6, 6])], [vi('y', [1, 2, 4, 4])],
       [numpy_helper.from_array(np.ones([2, 2, 3, 3], np.float32), 'w')]), 'stride')

add('add_shape_mismatch',
    mk([helper.make_node('Add', ['a', 'b'], ['y'], name='add0')],
       [vi('a', [2, 3]), vi('b', [4, 5])], [vi('y', None)]), 'broadcast')

add('gemm_inner_mismatch',
    mk([helper.make_node('Gemm', ['a', 'b'], ['y'], name='gemm0')],
       [vi('a', [3, 4])], [vi('y', None)],
       [numpy_helper.from_array(np.ones([5, 6], np.float32), 'b')]), 'Gemm')

add('symbolic_dim',
    mk([helper.make_node('Relu', ['x'], ['y'], name='relu0')],
       [vi('x', ['N', 4])], [vi('y', ['N', 4])]), 'symbolic', check=True)


def external_tensor(name, dims, location, length):
    t = TensorProto()
    t.name = name
    t.data_type = F
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    for k, v in (('location', location), ('offset', '0'), ('length', str(length))):
        e = t.external_data.add()
        e.key, e.value = k, v
    return t


add('external_escape',
    mk([helper.make_node('MatMul', ['x', 'w'], ['y'], name='matmul0')],
       [vi('x', [1, 4])], [vi('y', [1, 4])],
       [external_tensor('w', [4, 4], '../../etc/passwd', 64)]), 'external')

# --- a few more hostile cases
add('external_missing_file',
    mk([helper.make_node('MatMul', ['x', 'w'], ['y'], name='matmul0')],
       [vi('x', [1, 4])], [vi('y', [1, 4])],
       [external_tensor('w', [4, 4], 'weights_missing.bin', 64)]), 'weights_missing.bin')

short = TensorProto()
short.name, short.data_type = 'w_short', F
short.dims.extend([4, 4])
short.raw_data = b'\0' * 8  # 2 floats where 16 are declared
add('raw_data_too_short',
    mk([helper.make_node('MatMul', ['x', 'w_short'], ['y'], name='matmul0')],
       [vi('x', [1, 4])], [vi('y', [1, 4])], [short]), 'w_short')

add('opset_too_new',
    mk([helper.make_node('Relu', ['x'], ['y'], name='relu0')],
       [vi('x', [1, 4])], [vi('y', [1, 4])], opset=99), 'opset')

add('graph_cycle',
    mk([helper.make_node('Relu', ['b'], ['a'], name='relu_a'),
        helper.make_node('Relu', ['a'], ['b'], name='relu_b'),
        helper.make_node('Add', ['x', 'b'], ['y'], name='add0')],
       [vi('x', [1, 4])], [vi('y', [1, 4])]), 'cycle')

add('reshape_bad_count',
    mk([helper.make_node('Reshape', ['x', 'shape'], ['y'], name='reshape0')],
       [vi('x', [2, 3])], [vi('y', None)],
       [numpy_helper.from_array(np.array([4, 2], np.int64), 'shape')]), 'Reshape')

add('huge_dims',
    mk([helper.make_node('Relu', ['x'], ['y'], name='relu0')],
       [vi('x', [1 << 40, 1 << 40])], [vi('y', [1 << 40, 1 << 40])]), 'overflow', check=True)

add('conv_missing_input',
    mk([helper.make_node('Conv', ['x'], ['y'], name='conv0', kernel_shape=[3, 3])],
       [vi('x', [1, 3, 8, 8])], [vi('y', None)]), 'Conv')


def main():
    for name in sorted(CASES):
        data, expect = CASES[name]
        with open(os.path.join(HERE, name + '.onnx'), 'wb') as f:
            f.write(data)
        with open(os.path.join(HERE, name + '.expect'), 'w') as f:
            f.write(expect + '\n')
    print(f'{len(CASES)} malformed files written to {HERE}')


if __name__ == '__main__':
    main()
