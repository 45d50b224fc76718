#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Offline generator of the golden cases for NegativeLogLikelihoodLoss and
SoftmaxCrossEntropyLoss (references from ONNX Runtime through ort_ref.js).

NOT part of the build or test path: its outputs are committed.

    /usr/bin/python3 tests/golden/make_golden_loss.py          # all its cases
    /usr/bin/python3 tests/golden/make_golden_loss.py sce_     # names containing sce_

Needs Debian's python3-onnx, python3-numpy and Node with onnxruntime-node
(ORT_NODE_DIR, default /opt/ortnode).
"""
import os
import sys
import tempfile
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402

CASES = []
F = TensorProto.FLOAT
I64 = TensorProto.INT64


def case(name, desc):
    def reg(fn):
        CASES.append((name, desc, fn))
        return fn
    return reg


def loss_model(op, x_shape, with_weight, outputs, opset, **attrs):
    """x (N x C x d..), target int64 (N x d..), weight [C] as a graph input if asked."""
    t_shape = [x_shape[0]] + list(x_shape[2:])
    ins = [helper.make_tensor_value_info('x', F, x_shape),
           helper.make_tensor_value_info('t', I64, t_shape)]
    names = ['x', 't']
    if with_weight:
        ins.append(helper.make_tensor_value_info('w', F, [x_shape[1]]))
        names.append('w')
    loss_shape = t_shape if attrs.get('reduction') == 'none' else []
    outs = [helper.make_tensor_value_info('loss', F, loss_shape)]
    if 'log_prob' in outputs:
        outs.append(helper.make_tensor_value_info('log_prob', F, x_shape))
    n = helper.make_node(op, names, [o.name for o in outs], name=op.lower(), **attrs)
    g = helper.make_graph([n], 'golden', ins, outs)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', opset)],
                          producer_name='kiln-make_golden_loss', producer_version='1')
    m.ir_version = 8
    onnx.checker.check_model(m, full_check=True)
    return m


def targets(rng, shape, c, ignore=None, share=0.25):
    """Classes in [0, c); about `share` of them replaced by ignore (when given)."""
    t = rng.integers(0, c, shape).astype(np.int64)
    if ignore is not None:
        t[rng.uniform(size=shape) < share] = ignore
    return t


@case('sce_mean_weight_neg_ii_log_prob', 'SoftmaxCrossEntropyLoss N x C x d1 x d2 [2,4,3,5], logits scaled x30 (a naive exp overflows), weight, ignore_index -1 on a quarter of the targets, mean, log_prob output')
def _(rng):
    x_shape = [2, 4, 3, 5]
    m = loss_model('SoftmaxCrossEntropyLoss', x_shape, True, ['log_prob'], 13,
                   reduction='mean', ignore_index=-1)
    return mg.Case(m, [('x', mg.normal(rng, x_shape, 30.0)),
                       ('t', targets(rng, [2, 3, 5], 4, -1)),
                       ('w', mg.uniform(rng, [4], 0.2, 2.0))])


@case('sce_sum_weight_opset12', 'SoftmaxCrossEntropyLoss opset 12, 2-D [6,7], weight, sum, loss only')
def _(rng):
    m = loss_model('SoftmaxCrossEntropyLoss', [6, 7], True, [], 12, reduction='sum')
    return mg.Case(m, [('x', mg.normal(rng, [6, 7], 3.0)), ('t', targets(rng, [6], 7)),
                       ('w', mg.uniform(rng, [7], 0.2, 2.0))])


@case('nll_none_high_ii', 'NegativeLogLikelihoodLoss [3,6,2,2] of log-probabilities, ignore_index 9 (above the classes) on a third of the targets, reduction none, no weight')
def _(rng):
    x = mg.normal(rng, [3, 6, 2, 2])
    logp = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    m = loss_model('NegativeLogLikelihoodLoss', [3, 6, 2, 2], False, [], 13,
                   reduction='none', ignore_index=9)
    return mg.Case(m, [('x', logp.astype(np.float32)), ('t', targets(rng, [3, 2, 2], 6, 9, 0.33))])


@case('nll_mean_weight_ii_in_range_opset12', 'NegativeLogLikelihoodLoss opset 12 [4,5,3], weight, ignore_index 2 (a real class), default reduction (mean over the weights of the targets kept)')
def _(rng):
    m = loss_model('NegativeLogLikelihoodLoss', [4, 5, 3], True, [], 12, ignore_index=2)
    return mg.Case(m, [('x', mg.normal(rng, [4, 5, 3])), ('t', targets(rng, [4, 3], 5)),
                       ('w', mg.uniform(rng, [5], 0.2, 2.0))])


# ------------------------------------------------------------- run-time target checks
RUN_DIR = os.path.join(os.path.dirname(mg.HERE), 'loss')


def write_run_inputs():
    """tests/loss/: an SCE model [2,3,2] (ignore_index 9, sum) with one x and three
    target sets for `kiln run` (samples on axis 0): valid ones (with an ignored target),
    one naming class 3 of 3, one naming -1 (not the ignore_index). tests/run_loss.sh
    expects the run to succeed on the first and fail on the other two."""
    os.makedirs(RUN_DIR, exist_ok=True)
    m = loss_model('SoftmaxCrossEntropyLoss', [2, 3, 2], False, [], 13, reduction='sum',
                   ignore_index=9)
    onnx.save_model(m, os.path.join(RUN_DIR, 'model.onnx'))
    rng = np.random.default_rng(zlib.crc32(b'loss_run'))
    np.save(os.path.join(RUN_DIR, 'x.npy'), mg.normal(rng, [1, 2, 3, 2]))
    for name, t in [('t_ok', [[0, 9], [2, 1]]), ('t_high', [[0, 3], [2, 1]]),
                    ('t_negative', [[0, 9], [-1, 1]])]:
        np.save(os.path.join(RUN_DIR, name + '.npy'), np.array([t], np.int64))


# ------------------------------------------------------------------------------- driver
def main():
    filt = sys.argv[1] if len(sys.argv) > 1 else None
    selected = sorted((c for c in CASES if filt is None or filt in c[0]), key=lambda c: c[0])
    built = [(name, desc, fn(np.random.default_rng(zlib.crc32(name.encode()))))
             for name, desc, fn in selected]
    with tempfile.TemporaryDirectory(prefix='kiln_golden_loss_') as tmp:
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
                                           'tests/golden/make_golden_loss.py')
            with open(ex, 'w') as f:
                f.write(text)
    if filt is None:
        write_run_inputs()
        with open(os.path.join(mg.HERE, 'INDEX-loss.md'), 'w') as f:
            f.write('# Golden cases of make_golden_loss.py (loss functions)\n\n'
                    '| case | opset | what it tests |\n|---|---|---|\n')
            for (name, desc, c) in built:
                opset = c.model.opset_import[0].version
                f.write(f'| `{name}` | {opset} | {desc.replace("|", "/")} |\n')
    print(f'{len(built)} cases written to {mg.HERE}')


if __name__ == '__main__':
    main()
