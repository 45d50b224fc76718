# SPDX-License-Identifier: MIT
"""Golden cases for the typed-operand conformance work (case names start with confx_):
Neg/Abs/Sign on integer graph inputs and Clip with bounds as graph inputs, computed at run
time. Uses make_golden.py's helpers and ONNX Runtime references; run by hand:
/usr/bin/python3 tests/golden/make_golden_confx.py  (writes only confx_* folders)."""
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402
from make_golden import Case, case, node, normal  # noqa: E402

mg.CASES.clear()
TP = mg.TensorProto


def typed_model(nodes, inputs, outputs):
    """inputs/outputs: (name, shape, onnx element type)."""
    g = mg.helper.make_graph(nodes, 'confx', [mg.vi(n, s, t) for n, s, t in inputs],
                             [mg.vi(n, s, t) for n, s, t in outputs])
    m = mg.helper.make_model(g, opset_imports=[mg.helper.make_opsetid('', 13)],
                             producer_name='kiln-make_golden', producer_version='1')
    m.ir_version = 8
    mg.onnx.checker.check_model(m, full_check=True)
    return m


@case('confx_neg_abs_sign_int', 'Neg on int32, Abs on int8, Sign on int64 graph inputs (run-time typed kernels)')
def _(rng):
    nodes = [node('Neg', ['a'], ['na']), node('Abs', ['b'], ['ab']), node('Sign', ['c'], ['sc'])]
    m = typed_model(nodes, [('a', [2, 5], TP.INT32), ('b', [7], TP.INT8), ('c', [3, 2], TP.INT64)],
                    [('na', [2, 5], TP.INT32), ('ab', [7], TP.INT8), ('sc', [3, 2], TP.INT64)])
    return Case(m, [('a', rng.integers(-1000, 1000, (2, 5)).astype(np.int32)),
                    ('b', np.array([-127, -3, 0, 1, 5, -64, 100], np.int8)),
                    ('c', np.array([[-(1 << 40), 0], [7, -1], [0, 1 << 50]], np.int64))])


@case('confx_clip_run_time_bounds', 'Clip opset 13 with min and max as float graph inputs, and only max as an int32 graph input')
def _(rng):
    nodes = [node('Clip', ['x', 'lo', 'hi'], ['y']), node('Clip', ['i', '', 'm'], ['z'])]
    m = typed_model(nodes, [('x', [3, 4], TP.FLOAT), ('lo', [], TP.FLOAT), ('hi', [], TP.FLOAT),
                            ('i', [6], TP.INT32), ('m', [], TP.INT32)],
                    [('y', [3, 4], TP.FLOAT), ('z', [6], TP.INT32)])
    return Case(m, [('x', normal(rng, (3, 4))), ('lo', np.array(-0.5, np.float32)),
                    ('hi', np.array(0.75, np.float32)),
                    ('i', np.array([-9, 0, 3, 4, 5, 100], np.int32)), ('m', np.array(4, np.int32))])



@case('confx_symbolic_dims', 'Inputs declared [N,4] and [N,?]: kiln verify binds N and ? from the data set (3 and 4); ReduceSum over axis 1 keepdims')
def _(rng):
    nodes = [node('Add', ['x', 'b'], ['s']), node('ReduceSum', ['s'], ['y'], axes=[1], keepdims=1)]
    g = mg.helper.make_graph(nodes, 'confx', [mg.vi('x', ['N', 4]), mg.vi('b', ['N', None])],
                             [mg.vi('y', [3, 1])])
    m = mg.helper.make_model(g, opset_imports=[mg.helper.make_opsetid('', 12)],
                             producer_name='kiln-make_golden', producer_version='1')
    m.ir_version = 8
    mg.onnx.checker.check_model(m, full_check=True)
    return Case(m, [('x', normal(rng, (3, 4))), ('b', normal(rng, (3, 4)))])


if __name__ == '__main__':
    sys.argv = [sys.argv[0], 'confx_']
    mg.main()
    here = os.path.dirname(os.path.abspath(__file__))
    for name, _, _ in mg.CASES:
        p = os.path.join(here, name, 'expect.yaml')
        text = open(p).read().replace('tests/golden/make_golden.py', 'tests/golden/make_golden_confx.py')
        open(p, 'w').write(text)
    # symbolic dims compile only with a data set (kiln verify): not a golden model, which
    # every golden check compiles without one; tests/run_confx.sh runs it
    dst = os.path.join(here, '..', 'confx', 'symbolic_dims')
    shutil.rmtree(dst, ignore_errors=True)
    shutil.move(os.path.join(here, 'confx_symbolic_dims'), dst)
