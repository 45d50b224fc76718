# SPDX-License-Identifier: MIT
"""Golden case for MelWeightMatrix (opset 17): a keyword-spotting front end, a power
spectrum times a 40-band mel matrix folded at compile time. Uses make_golden.py's helpers
and ONNX Runtime references; run by hand:
/usr/bin/python3 tests/golden/make_golden_mel.py  (writes only the mel_* folder)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402
from make_golden import Case, case, node  # noqa: E402

mg.CASES.clear()
TP = mg.TensorProto


@case('mel_spectrogram_front_end', 'MelWeightMatrix (40 bins, dft 512, 16 kHz, 20-4000 Hz, scalar initializers) folded into a constant, then MatMul of a [2,257] power spectrum with it')
def _(rng):
    init = [mg.numpy_helper.from_array(np.array(v, t), n) for n, v, t in
            [('bins', 40, np.int64), ('dft', 512, np.int64), ('rate', 16000, np.int64),
             ('lo', 20.0, np.float32), ('hi', 4000.0, np.float32)]]
    nodes = [node('MelWeightMatrix', ['bins', 'dft', 'rate', 'lo', 'hi'], ['mel']),
             node('MatMul', ['x', 'mel'], ['y'])]
    g = mg.helper.make_graph(nodes, 'mel', [mg.vi('x', [2, 257])], [mg.vi('y', [2, 40])],
                             initializer=init)
    m = mg.helper.make_model(g, opset_imports=[mg.helper.make_opsetid('', 17)],
                             producer_name='kiln-make_golden', producer_version='1')
    m.ir_version = 8
    mg.onnx.checker.check_model(m, full_check=True)
    return Case(m, [('x', rng.uniform(0, 1, (2, 257)).astype(np.float32))])


if __name__ == '__main__':
    sys.argv = [sys.argv[0], 'mel_']
    mg.main()
    here = os.path.dirname(os.path.abspath(__file__))
    for name, _, _ in mg.CASES:
        p = os.path.join(here, name, 'expect.yaml')
        text = open(p).read().replace('tests/golden/make_golden.py', 'tests/golden/make_golden_mel.py')
        open(p, 'w').write(text)
