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
add('truncated', valid[:len(valid) // 2], 'not a valid ONNX model')
add('random_bytes', rng.integers(0, 256, 4096, dtype=np.uint8).tobytes(), 'not a valid ONNX model')
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


# --- robustness corpus (issue 8): the rest of the hostile-input list
def varint(v):
    out = b''
    while True:
        b = v & 0x7f
        v >>= 7
        if v:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(num, payload):  # a length-delimited field
    return varint(num << 3 | 2) + varint(len(payload)) + payload


# a TensorProto is valid protobuf but not a model: its fields mean other things in ModelProto
not_model = numpy_helper.from_array(np.ones([2, 2], np.float32), 'x').SerializeToString()
add('not_a_model', not_model, 'not a valid ONNX model')
# ModelProto.graph (field 7) sent as a varint instead of a message
add('wrong_wire_type', b'\x08\x08' + varint(7 << 3 | 0) + b'\x01', 'not a valid ONNX model')

# Model.graph -> Graph.node -> Node.attribute -> Attribute.g -> Graph.node ... 100000 levels
# in ~600 KB: protobuf-c would recurse once per level and exhaust the stack
nest = b''
for _ in range(20000):
    nest = field(1, field(5, field(6, nest)))  # Graph.node(1) / Node.attribute(5) / Attr.g(6)
add('deep_nesting', b'\x08\x08' + field(7, nest), 'nested more than')

relu = helper.make_node('Relu', ['x'], ['y'], name='relu0')
add('duplicate_output',
    mk([helper.make_node('Relu', ['x'], ['a'], name='relu_a'),
        helper.make_node('Neg', ['x'], ['a'], name='neg_a'),
        helper.make_node('Relu', ['a'], ['y'], name='relu_y')],
       [vi('x', [1, 4])], [vi('y', [1, 4])]), 'already defined')
add('duplicate_initializer',
    mk([helper.make_node('MatMul', ['x', 'w'], ['y'], name='matmul0')],
       [vi('x', [1, 4])], [vi('y', [1, 4])],
       [numpy_helper.from_array(np.ones([4, 4], np.float32), 'w'),
        numpy_helper.from_array(np.zeros([4, 4], np.float32), 'w')]), 'defined twice')
add('dangling_output', mk([relu], [vi('x', [1, 4])], [vi('y', [1, 4]), vi('z', [1, 4])]),
    "graph output 'z' is not produced")
add('reshape_shape_not_constant',
    mk([helper.make_node('Reshape', ['x', 'shape'], ['y'], name='reshape0')],
       [vi('x', [2, 3]), vi('shape', [2], TensorProto.INT64)], [vi('y', None)]), 'constant')

add('conv_channel_mismatch',
    mk([helper.make_node('Conv', ['x', 'w'], ['y'], name='conv0')],
       [vi('x', [1, 3, 6, 6])], [vi('y', None)],
       [numpy_helper.from_array(np.ones([2, 4, 3, 3], np.float32), 'w')]), 'channels')
add('rank_too_large', mk([relu], [vi('x', [1] * 9)], [vi('y', None)]), 'rank 9')
# declared as 2^62 x 4 floats with no data: the byte size overflows 64 bits
big = TensorProto()
big.name, big.data_type = 'w_big', F
big.dims.extend([1 << 62, 4])
add('initializer_dims_overflow',
    mk([helper.make_node('MatMul', ['x', 'w_big'], ['y'], name='matmul0')],
       [vi('x', [1, 4])], [vi('y', None)], [big]), 'too large')
add('pad_overflow',
    mk([helper.make_node('Pad', ['x', 'pads'], ['y'], name='pad0')],
       [vi('x', [1, 4])], [vi('y', None)],
       [numpy_helper.from_array(np.array([0, 1 << 62, 0, 1 << 62], np.int64), 'pads')]), 'pads')
add('conv_pads_overflow',
    mk([helper.make_node('Conv', ['x', 'w'], ['y'], name='conv0', pads=[1 << 62, 0, 1 << 62, 0])],
       [vi('x', [1, 2, 6, 6])], [vi('y', None)],
       [numpy_helper.from_array(np.ones([2, 2, 3, 3], np.float32), 'w')]), 'pads')

conv_w = [numpy_helper.from_array(np.ones([2, 2, 3, 3], np.float32), 'w')]
add('conv_zero_stride',
    mk([helper.make_node('Conv', ['x', 'w'], ['y'], name='conv0', strides=[0, 1])],
       [vi('x', [1, 2, 6, 6])], [vi('y', None)], conv_w), 'stride')
add('conv_zero_dilation',
    mk([helper.make_node('Conv', ['x', 'w'], ['y'], name='conv0', dilations=[1, 0])],
       [vi('x', [1, 2, 6, 6])], [vi('y', None)], conv_w), 'dilation')
add('conv_negative_dilation',
    mk([helper.make_node('Conv', ['x', 'w'], ['y'], name='conv0', dilations=[-2, 1])],
       [vi('x', [1, 2, 6, 6])], [vi('y', None)], conv_w), 'dilation')
add('conv_kernel_shape_mismatch',
    mk([helper.make_node('Conv', ['x', 'w'], ['y'], name='conv0', kernel_shape=[5, 5])],
       [vi('x', [1, 2, 6, 6])], [vi('y', None)], conv_w), 'kernel_shape')
add('maxpool_zero_kernel',
    mk([helper.make_node('MaxPool', ['x'], ['y'], name='pool0', kernel_shape=[0, 2])],
       [vi('x', [1, 2, 6, 6])], [vi('y', None)]), 'kernel')
add('averagepool_negative_kernel',
    mk([helper.make_node('AveragePool', ['x'], ['y'], name='pool0', kernel_shape=[2, -3])],
       [vi('x', [1, 2, 6, 6])], [vi('y', None)]), 'kernel')
add('conv_group_zero',
    mk([helper.make_node('Conv', ['x', 'w'], ['y'], name='conv0', group=0)],
       [vi('x', [1, 2, 6, 6])], [vi('y', None)], conv_w), 'group')

# strides given as one INT where Conv needs INTS
add('attr_wrong_type',
    mk([helper.make_node('Conv', ['x', 'w'], ['y'], name='conv0', strides=2)],
       [vi('x', [1, 2, 6, 6])], [vi('y', None)], conv_w), 'strides')
add('huge_attribute_list',
    mk([helper.make_node('Conv', ['x', 'w'], ['y'], name='conv0', pads=[0] * 100000)],
       [vi('x', [1, 2, 6, 6])], [vi('y', None)], conv_w), 'more than 4096')
many_attrs = helper.make_node('Relu', ['x'], ['y'], name='relu0')
for i in range(5000):
    many_attrs.attribute.append(helper.make_attribute('a%d' % i, i))
add('huge_attribute_count', mk([many_attrs], [vi('x', [1, 4])], [vi('y', None)]), 'attributes')

nan_w = np.ones([4, 4], np.float32)
nan_w[2, 1] = np.nan
add('nan_weights',
    mk([helper.make_node('MatMul', ['x', 'w'], ['y'], name='matmul0')],
       [vi('x', [1, 4])], [vi('y', None)], [numpy_helper.from_array(nan_w, 'w')]), 'NaN')
inf_w = np.array([1, -np.inf], np.float32)
add('inf_weights',
    mk([helper.make_node('Conv', ['x', 'w', 'b'], ['y'], name='conv0')],
       [vi('x', [1, 2, 6, 6])], [vi('y', None)],
       conv_w + [numpy_helper.from_array(inf_w, 'b')]), 'infinite')

# 2^27+16 floats in, two such intermediates live at once: a 1 GiB+ arena
add('arena_too_large',
    mk([helper.make_node('Relu', ['x'], ['a'], name='relu_a'),
        helper.make_node('Neg', ['a'], ['b'], name='neg_b'),
        helper.make_node('Add', ['a', 'b'], ['y'], name='add0')],
       [vi('x', [1, (1 << 27) + 16])], [vi('y', None)]), 'arena')
# constant [16384,1] + [1,16384]: a 1 GiB folded result from 128 KiB of weights
add('fold_too_large',
    mk([helper.make_node('Add', ['a', 'b'], ['c'], name='add_const'),
        helper.make_node('Add', ['x', 'c'], ['y'], name='add0')],
       [vi('x', [1, 1])], [vi('y', None)],
       [numpy_helper.from_array(np.ones([16384, 1], np.float32), 'a'),
        numpy_helper.from_array(np.ones([1, 16384], np.float32), 'b')]), 'folding')
# constant 32x32 image and kernel, pads 1984: a 63 MB result costing 1.6e10 MACs to fold
add('fold_too_slow',
    mk([helper.make_node('Conv', ['img', 'k'], ['c'], name='conv_const', pads=[1984] * 4),
        helper.make_node('Add', ['x', 'c'], ['y'], name='add0')],
       [vi('x', [1, 1, 1, 1])], [vi('y', None)],
       [numpy_helper.from_array(np.ones([1, 1, 32, 32], np.float32), 'img'),
        numpy_helper.from_array(np.ones([1, 1, 32, 32], np.float32), 'k')]), 'multiply-accumulates')
# ConstantOfShape [24M] feeding an output: 96 MB of constants (under the fold budget) from
# 200 bytes; as C text it took minutes and gigabytes
add('const_output_too_large',
    mk([helper.make_node('ConstantOfShape', ['shape'], ['y'], name='fill',
                         value=helper.make_tensor('v', F, [1], [1.5])),
        helper.make_node('Relu', ['x'], ['z'], name='relu0')],
       [vi('x', [1])], [vi('y', None), vi('z', None)],
       [numpy_helper.from_array(np.array([24 << 20], np.int64), 'shape')]),
    'kiln writes as C arrays')

add('external_absolute',
    mk([helper.make_node('MatMul', ['x', 'w'], ['y'], name='matmul0')],
       [vi('x', [1, 4])], [vi('y', [1, 4])],
       [external_tensor('w', [4, 4], '/etc/passwd', 64)]), 'relative path')
# ext_passwd_link.bin is a committed symlink to /etc/passwd
add('external_symlink',
    mk([helper.make_node('MatMul', ['x', 'w'], ['y'], name='matmul0')],
       [vi('x', [1, 4])], [vi('y', [1, 4])],
       [external_tensor('w', [4, 4], 'ext_passwd_link.bin', 64)]), 'outside')
# ext_short.bin holds 8 bytes; the tensor declares 64
add('external_short',
    mk([helper.make_node('MatMul', ['x', 'w'], ['y'], name='matmul0')],
       [vi('x', [1, 4])], [vi('y', [1, 4])],
       [external_tensor('w', [4, 4], 'ext_short.bin', 64)]), 'shorter than')
add('external_bad_offset',
    mk([helper.make_node('MatMul', ['x', 'w'], ['y'], name='matmul0')],
       [vi('x', [1, 4])], [vi('y', [1, 4])],
       [external_tensor('w', [4, 4], 'ext_short.bin', 'sixty-four')]), 'not a non-negative number')


def write_side_files():
    with open(os.path.join(HERE, 'ext_short.bin'), 'wb') as f:
        f.write(b'\0' * 8)
    link = os.path.join(HERE, 'ext_passwd_link.bin')
    if not os.path.islink(link):
        os.symlink('/etc/passwd', link)


def write_cases(cases):
    """cases: name -> (serialized model or ModelProto, expected message text)."""
    for name in sorted(cases):
        data, expect = cases[name]
        if not isinstance(data, bytes):
            data = data.SerializeToString()
        with open(os.path.join(HERE, name + '.onnx'), 'wb') as f:
            f.write(data)
        with open(os.path.join(HERE, name + '.expect'), 'w') as f:
            f.write(expect + '\n')
    print(f'{len(cases)} malformed files written to {HERE}')


def main():
    write_side_files()
    write_cases(CASES)


if __name__ == '__main__':
    main()
