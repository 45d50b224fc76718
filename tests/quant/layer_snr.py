#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Per-layer SNR of kiln's int8 scheme against the float model.

Offline measurement for docs/quantization.md (not part of the build or test path):
  layer_snr.py MODEL.onnx CALIB.npy INPUT.pb|INPUTS.npy [N] [-- kiln compile options]
compiles MODEL with --quantize int8 --calib CALIB.npy --emit-qdq, makes every activation of
both the float model and the QDQ model a graph output, runs both through ONNX Runtime
(tests/golden/ort_ref.js, optimisations off: the QDQ model evaluates kiln's int8 graph in
float, within 1 LSB of kiln's integer kernels, see docs/quantization.md) and prints, for
every int8 activation whose name the float model also has, in graph order, the SNR
10 log10(sum y^2 / sum (y - y_int8)^2) over the samples. The error accumulates: a layer
where the SNR drops by much is the one that adds the noise. Single-input models.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference

HERE = os.path.dirname(os.path.abspath(__file__))
KILN = os.environ.get('KILN', os.path.join(HERE, '..', '..', 'build', 'kiln'))
ORT_REF = os.path.join(HERE, '..', 'golden', 'ort_ref.js')


def expose(model, names, path):
    """model with the float tensors `names` added as graph outputs."""
    m = shape_inference.infer_shapes(model)
    have = {o.name for o in m.graph.output}
    for nm in names:
        if nm not in have:
            m.graph.output.append(helper.make_tensor_value_info(nm, onnx.TensorProto.FLOAT, None))
    onnx.save(m, path)
    return [o.name for o in m.graph.output]


def run(model, x, tmp, tag):
    inp = onnx.load(model).graph.input[0]
    dims = list(x.shape[1:])
    jobs = []
    for s in range(x.shape[0]):
        f = os.path.join(tmp, f'{tag}in{s}.bin')
        x[s:s + 1].astype(np.float32).tofile(f)
        jobs.append({'model': model, 'out_dir': os.path.join(tmp, f'{tag}{s}'),
                     'opt_level': 'disabled',
                     'inputs': [{'name': inp.name, 'dtype': 'float32', 'dims': [1] + dims,
                                 'file': f}]})
    jf = os.path.join(tmp, f'{tag}jobs.json')
    with open(jf, 'w') as fh:
        json.dump(jobs, fh)
    subprocess.run(['node', ORT_REF, jf], check=True)
    outs = []
    for j in jobs:
        meta = json.load(open(os.path.join(j['out_dir'], 'outputs.json')))
        outs.append({o['name']: np.fromfile(os.path.join(j['out_dir'], os.path.basename(o['file'])),
                                            dtype=np.float32) for o in meta})
    return outs


def load_inputs(path, n):
    if path.endswith('.npy'):
        return np.load(path).astype(np.float32)[:n]
    t = onnx.TensorProto()
    t.ParseFromString(open(path, 'rb').read())
    return numpy_helper.to_array(t).astype(np.float32)


def main():
    args = sys.argv[1:]
    extra = args[args.index('--') + 1:] if '--' in args else []
    args = args[:args.index('--')] if '--' in args else args
    model, calib, inputs = args[:3]
    n = int(args[3]) if len(args) > 3 else 16
    tmp = tempfile.mkdtemp()
    qdq = os.path.join(tmp, 'qdq.onnx')
    subprocess.run([KILN, 'compile', model, '--quantize', 'int8', '--calib', calib, *extra,
                    '--emit-qdq', qdq, '-o', os.path.join(tmp, 'c'), '--quiet'], check=True)
    fm, qm = onnx.load(model), onnx.load(qdq)
    fnames = {o for nd in fm.graph.node for o in nd.output}
    # the float value of int8 activation T is DequantizeLinear(T)'s output
    deq = [(nd.input[0], nd.output[0]) for nd in qm.graph.node
           if nd.op_type == 'DequantizeLinear' and nd.input[0] in
           {o for q in qm.graph.node if q.op_type == 'QuantizeLinear' for o in q.output}]
    seen, pairs = set(), []
    for t, d in deq:
        if t in fnames and t not in seen:
            seen.add(t)
            pairs.append((t, d))
    x = load_inputs(inputs, n)
    expose(fm, [t for t, _ in pairs], os.path.join(tmp, 'f.onnx'))
    expose(qm, [d for _, d in pairs], os.path.join(tmp, 'q.onnx'))
    fo = run(os.path.join(tmp, 'f.onnx'), x, tmp, 'f')
    qo = run(os.path.join(tmp, 'q.onnx'), x, tmp, 'q')
    ops = {o: nd.op_type for nd in fm.graph.node for o in nd.output}
    for t, d in pairs:
        y = np.concatenate([o[t] for o in fo]).astype(np.float64)
        e = y - np.concatenate([o[d] for o in qo]).astype(np.float64)
        snr = 10 * np.log10(np.sum(y * y) / max(np.sum(e * e), 1e-30))
        print(f'{snr:6.1f} dB  {ops[t]:<20} {t}')


if __name__ == '__main__':
    main()
