# SPDX-License-Identifier: MIT
"""Golden cases for the feature front-end ops (case names start with frontend_):
MelWeightMatrix (audio) and TfIdfVectorizer (text) beyond the ONNX suite's cases. Uses
make_golden.py's helpers and ONNX Runtime references; run by hand:
/usr/bin/python3 tests/golden/make_golden_frontend.py  (writes only frontend_* folders)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402
from make_golden import Case, case, node  # noqa: E402

mg.CASES.clear()
TP = mg.TensorProto


@case('frontend_mel_spectrogram', 'MelWeightMatrix (40 bins, dft 512, 16 kHz, 20-4000 Hz, scalar initializers) folded into a constant, then MatMul of a [2,257] power spectrum with it')
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


@case('frontend_tfidf_weights', 'TfIdfVectorizer on int64 [3,10] (values 0-4): TFIDF and IDF with weights, 1- to 3-grams, max_skip_count 2, output positions out of pool order')
def _(rng):
    pool = [1, 3, 4,  1, 2,  2, 2,  3, 0,  0, 1, 2,  4, 4, 4]
    common = dict(min_gram_length=1, max_gram_length=3, max_skip_count=2,
                  ngram_counts=[0, 3, 9], ngram_indexes=[7, 0, 2, 1, 3, 6, 5, 4],
                  pool_int64s=pool,
                  weights=[0.5, 1.25, 2.0, 0.75, 1.5, 3.0, 0.25, 1.0])
    nodes = [node('TfIdfVectorizer', ['x'], ['tfidf'], mode='TFIDF', **common),
             node('TfIdfVectorizer', ['x'], ['idf'], mode='IDF', **common)]
    g = mg.helper.make_graph(nodes, 'tfidf', [mg.vi('x', [3, 10], TP.INT64)],
                             [mg.vi('tfidf', [3, 8]), mg.vi('idf', [3, 8])])
    m = mg.helper.make_model(g, opset_imports=[mg.helper.make_opsetid('', 13)],
                             producer_name='kiln-make_golden', producer_version='1')
    m.ir_version = 8
    mg.onnx.checker.check_model(m, full_check=True)
    return Case(m, [('x', rng.integers(0, 5, (3, 10)).astype(np.int64))])


if __name__ == '__main__':
    sys.argv = [sys.argv[0], 'frontend_']
    mg.main()
    here = os.path.dirname(os.path.abspath(__file__))
    for name, _, _ in mg.CASES:
        p = os.path.join(here, name, 'expect.yaml')
        text = open(p).read().replace('tests/golden/make_golden.py', 'tests/golden/make_golden_frontend.py')
        open(p, 'w').write(text)
