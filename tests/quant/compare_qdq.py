#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Agreement of kiln's int8 outputs with ONNX Runtime on kiln's --emit-qdq model.

Offline measurement for docs/quantization.md (not part of the build or test path):
  compare_qdq.py MODEL.onnx CALIB.npy INPUTS.npy [N]
compiles MODEL with --quantize int8 --calib CALIB.npy --emit-qdq, runs the first N samples
of INPUTS.npy through kiln (kiln run) and through ONNX Runtime (tests/golden/ort_ref.js,
with graph optimisations disabled, i.e. QDQ evaluated literally in float, and 'all', where
ORT fuses QDQ groups into its int8 kernels), and prints for each: max |diff| in LSB and the
fraction of equal int8 outputs. Single-input, single-output models.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
KILN = os.environ.get('KILN', os.path.join(HERE, '..', '..', 'build', 'kiln'))
ORT_REF = os.path.join(HERE, '..', 'golden', 'ort_ref.js')


def strip_softmax(model, tmp):
    """A copy of model without its final Softmax (None if it has none), so the logits'
    agreement can be measured apart from the softmax's amplification of 1-LSB changes."""
    m = onnx.load(model)
    last = m.graph.node[-1]
    if last.op_type != 'Softmax' or last.output[0] != m.graph.output[0].name:
        return None
    m.graph.node.remove(last)
    out = m.graph.output[0]
    out.name = last.input[0]
    path = os.path.join(tmp, 'logits.onnx')
    onnx.save(m, path)
    return path


def main():
    model, calib, inputs = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 16
    measure(model, calib, inputs, n, '')
    logits = strip_softmax(model, tempfile.mkdtemp())
    if logits:
        measure(logits, calib, inputs, n, ' (without the final Softmax)')


def measure(model, calib, inputs, n, what):
    tmp = tempfile.mkdtemp()
    qdq = os.path.join(tmp, 'qdq.onnx')
    subprocess.run([KILN, 'compile', model, '--quantize', 'int8', '--calib', calib,
                    '--emit-qdq', qdq, '-o', os.path.join(tmp, 'c'), '--quiet'], check=True)
    x = np.load(inputs).astype(np.float32)[:n]
    np.save(os.path.join(tmp, 'x.npy'), x)
    subprocess.run([KILN, 'run', model, '--quantize', 'int8', '--calib', calib, '--input',
                    os.path.join(tmp, 'x.npy'), '--output', os.path.join(tmp, 'y.npy'),
                    '--quiet'], check=True)
    m = onnx.load(qdq)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    out = m.graph.output[0].name
    qnode = [nd for nd in m.graph.node if nd.output[0] == out][0]
    scale, zp = float(inits[qnode.input[1]]), int(inits[qnode.input[2]])
    y = np.load(os.path.join(tmp, 'y.npy')).reshape(n, -1)
    ours = np.clip(np.round(y / scale) + zp, -128, 127).astype(np.int32)
    inp = m.graph.input[0]
    dims = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    for level in ['disabled', 'all']:
        jobs = []
        for s in range(n):
            f = os.path.join(tmp, f'in{s}.bin')
            x[s].reshape(dims).tofile(f)
            jobs.append({'model': qdq, 'out_dir': os.path.join(tmp, f'{level}{s}'),
                         'opt_level': level,
                         'inputs': [{'name': inp.name, 'dtype': 'float32', 'dims': dims,
                                     'file': f}]})
        jf = os.path.join(tmp, 'jobs.json')
        with open(jf, 'w') as fh:
            json.dump(jobs, fh)
        subprocess.run(['node', ORT_REF, jf], check=True)
        ref = np.stack([np.fromfile(os.path.join(j['out_dir'], 'output_0.bin'), dtype=np.int8)
                        for j in jobs]).astype(np.int32)
        diff = np.abs(ref - ours)
        print(f'{os.path.basename(os.path.dirname(model)) or model}{what} ORT opt={level}: '
              f'{n} samples x {ref.shape[1]} outputs, max |diff| {diff.max()} LSB, '
              f'equal {100.0 * (diff == 0).mean():.2f}%, within 1 LSB {100.0 * (diff <= 1).mean():.2f}%')


if __name__ == '__main__':
    main()
