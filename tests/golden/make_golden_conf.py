# SPDX-License-Identifier: MIT
"""Golden cases for the shape, indexing, normalisation, ConvTranspose and Resize ops of
the conformance work (case names start with conf_). Uses make_golden.py's helpers and
ONNX Runtime references; run by hand:  /usr/bin/python3 tests/golden/make_golden_conf.py
Writes only conf_* folders (make_golden.py's full run leaves them alone, since their
expect.yaml names this script)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402
from make_golden import Case, case, i64, init, model, node, normal  # noqa: E402

mg.CASES.clear()


@case('conf_slice_neg_steps', 'Slice opset 13: negative steps, negative and out-of-range starts/ends, axes [1, 0]')
def _(rng):
    nodes = [node('Slice', ['x', 's', 'e', 'a', 'st'], ['y'])]
    inits = [i64('s', [-1, 10]), i64('e', [-100, 0]), i64('a', [1, 0]), i64('st', [-2, -3])]
    return Case(model(nodes, [('x', [7, 6])], ['y'], inits=inits), [('x', normal(rng, (7, 6)))])


@case('conf_split_tile_expand', 'Split [2,4] on axis 1, Tile [2,1] of one part, Expand of the other to [3,2,4]')
def _(rng):
    nodes = [node('Split', ['x', 'sp'], ['a', 'b'], axis=1),
             node('Tile', ['a', 'r'], ['ya']),
             node('Expand', ['b', 'sh'], ['yb'])]
    inits = [i64('sp', [2, 4]), i64('r', [2, 1]), i64('sh', [3, 1, 4])]
    return Case(model(nodes, [('x', [2, 6])], ['ya', 'yb'], inits=inits),
                [('x', normal(rng, (2, 6)))])


@case('conf_depth_to_space_crd', 'DepthToSpace CRD blocksize 2 then SpaceToDepth back (DCR)')
def _(rng):
    nodes = [node('DepthToSpace', ['x'], ['d'], blocksize=2, mode='CRD'),
             node('SpaceToDepth', ['d'], ['y'], blocksize=2)]
    return Case(model(nodes, [('x', [1, 8, 2, 3])], ['d', 'y']), [('x', normal(rng, (1, 8, 2, 3)))])


@case('conf_pad_reflect_edge', 'Pad opset 13 reflect [0,0,2,1,0,0,1,3] and edge with a crop')
def _(rng):
    nodes = [node('Pad', ['x', 'p'], ['r'], mode='reflect'),
             node('Pad', ['x', 'q'], ['e'], mode='edge')]
    inits = [i64('p', [0, 0, 2, 1, 0, 0, 1, 3]), i64('q', [0, 1, -1, 2, 0, 0, 3, -1])]
    return Case(model(nodes, [('x', [1, 2, 4, 5])], ['r', 'e'], inits=inits),
                [('x', normal(rng, (1, 2, 4, 5)))])


@case('conf_gather_elements_runtime', 'Gather and GatherElements with run-time int64 indices (negative too)')
def _(rng):
    nodes = [node('Gather', ['x', 'i'], ['g'], axis=1),
             node('GatherElements', ['x', 'j'], ['h'], axis=0)]
    I64 = mg.TensorProto.INT64
    g = mg.helper.make_graph(nodes, 'gather', [mg.vi('x', [3, 4]), mg.vi('i', [2], I64),
                                               mg.vi('j', [2, 4], I64)],
                             [mg.vi('g', [3, 2]), mg.vi('h', [2, 4])])
    m = mg.helper.make_model(g, opset_imports=[mg.helper.make_opsetid('', 13)],
                             producer_name='kiln-make_golden', producer_version='1')
    m.ir_version = 8
    mg.onnx.checker.check_model(m, full_check=True)
    return Case(m, [('x', normal(rng, (3, 4))), ('i', np.array([3, -4], np.int64)),
                    ('j', np.array([[0, -1, 2, 1], [-3, 2, 0, 0]], np.int64))])


@case('conf_convtranspose_groups', 'ConvTranspose group 2, strides 2, dilations [1,2], pads [1,0,0,1], output_padding 1, bias')
def _(rng):
    w = mg.weight(rng, (4, 3, 3, 2))
    nodes = [node('ConvTranspose', ['x', 'w', 'b'], ['y'], group=2, strides=[2, 2],
                  dilations=[1, 2], pads=[1, 0, 0, 1], output_padding=[1, 1])]
    inits = [init('w', w), init('b', normal(rng, (6,)))]
    return Case(model(nodes, [('x', [1, 4, 3, 4])], ['y'], inits=inits),
                [('x', normal(rng, (1, 4, 3, 4)))])


@case('conf_layernorm_axis1', 'LayerNormalization axis 1 epsilon 1e-3 with Mean and InvStdDev outputs')
def _(rng):
    nodes = [node('LayerNormalization', ['x', 's', 'b'], ['y', 'm', 'v'], axis=1, epsilon=1e-3)]
    inits = [init('s', normal(rng, (3, 4))), init('b', normal(rng, (3, 4)))]
    return Case(model(nodes, [('x', [2, 3, 4])], ['y', 'm', 'v'], inits=inits, opset=17),
                [('x', normal(rng, (2, 3, 4)) * 3 + 1)])


@case('conf_resize_cubic_scales', 'Resize cubic half_pixel, scales [1,1,1.5,0.75] (fractional)')
def _(rng):
    nodes = [node('Resize', ['x', '', 'sc'], ['y'], mode='cubic')]
    inits = [init('sc', np.array([1, 1, 1.5, 0.75], np.float32))]
    return Case(model(nodes, [('x', [1, 2, 4, 8])], ['y'], inits=inits),
                [('x', normal(rng, (1, 2, 4, 8)))])


@case('conf_resize_linear_sizes', 'Resize linear align_corners to sizes [1,2,7,3], and nearest floor asymmetric')
def _(rng):
    nodes = [node('Resize', ['x', '', '', 'sz'], ['y'], mode='linear',
                  coordinate_transformation_mode='align_corners'),
             node('Resize', ['x', '', '', 'sz'], ['z'], mode='nearest',
                  coordinate_transformation_mode='asymmetric', nearest_mode='floor')]
    inits = [i64('sz', [1, 2, 7, 3])]
    return Case(model(nodes, [('x', [1, 2, 5, 4])], ['y', 'z'], inits=inits),
                [('x', normal(rng, (1, 2, 5, 4)))])


if __name__ == '__main__':
    sys.argv = [sys.argv[0], 'conf_']
    mg.main()
    here = os.path.dirname(os.path.abspath(__file__))
    for name, _, _ in mg.CASES:
        p = os.path.join(here, name, 'expect.yaml')
        text = open(p).read().replace('tests/golden/make_golden.py', 'tests/golden/make_golden_conf.py')
        open(p, 'w').write(text)
