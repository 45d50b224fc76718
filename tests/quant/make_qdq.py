#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Pre-quantized QDQ test models, with ONNX Runtime reference outputs.

Offline (not part of the build or test path); the outputs are committed:
  make_qdq.py SRC.onnx CALIB INPUTS.npy OUT_DIR N [uint8]
makes a QDQ model from SRC with kiln's --emit-qdq (int8 weights per channel, int8
activations), optionally rewritten the way ONNX Runtime's quantizer writes models (uint8
activations: every activation zero point + 128, and a final DequantizeLinear so the output
is float), writes OUT_DIR/model.onnx and OUT_DIR/test_data_set_K (K < N, sample K of
INPUTS.npy, output from ONNX Runtime with graph optimisations off), and prints how kiln's
outputs for OUT_DIR/model.onnx compiled directly (no --quantize) compare with ONNX Runtime's
in LSB (ORT opt=disabled, QDQ evaluated literally, and opt=all, ORT's int8 kernels).
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))
KILN = os.environ.get('KILN', os.path.join(HERE, '..', '..', 'build', 'kiln'))
ORT_REF = os.path.join(HERE, '..', 'golden', 'ort_ref.js')


def to_uint8(m):
    """Activations uint8 (zero point + 128, same real values); float graph output."""
    inits = {i.name: i for i in m.graph.initializer}
    consts = set(inits)
    made = {}
    for nd in m.graph.node:
        if nd.op_type not in ('QuantizeLinear', 'DequantizeLinear') or len(nd.input) < 3:
            continue
        if nd.op_type == 'DequantizeLinear' and nd.input[0] in consts:
            continue   # weights and biases stay int8 / int32
        z = numpy_helper.to_array(inits[nd.input[2]])
        if z.dtype != np.int8 or z.size != 1:
            continue
        name = nd.input[2] + '_u8'
        if name not in made:
            made[name] = numpy_helper.from_array((z.astype(np.int32) + 128).astype(np.uint8), name)
            m.graph.initializer.append(made[name])
        nd.input[2] = name
    out = m.graph.output[0]
    q = [nd for nd in m.graph.node if nd.output[0] == out.name][0]
    q.output[0] = out.name + '_q'
    m.graph.node.append(helper.make_node('DequantizeLinear', [q.output[0], q.input[1], q.input[2]],
                                         [out.name], name='output_dq'))
    out.type.tensor_type.elem_type = TensorProto.FLOAT
    return m


def ort(model, tmp, x, dims, name, level):
    jobs = []
    for s in range(len(x)):
        f = os.path.join(tmp, f'in{s}.bin')
        x[s].reshape(dims).astype(np.float32).tofile(f)
        jobs.append({'model': model, 'out_dir': os.path.join(tmp, f'{level}{s}'),
                     'opt_level': level,
                     'inputs': [{'name': name, 'dtype': 'float32', 'dims': dims, 'file': f}]})
    jf = os.path.join(tmp, 'jobs.json')
    with open(jf, 'w') as fh:
        json.dump(jobs, fh)
    subprocess.run(['node', ORT_REF, jf], check=True)
    outs = []
    for j in jobs:
        meta = json.load(open(os.path.join(j['out_dir'], 'outputs.json')))[0]
        outs.append(np.fromfile(os.path.join(j['out_dir'], 'output_0.bin'),
                                dtype=meta['dtype']).reshape(meta['dims']))
    return outs


def main():
    src, calib, inputs, out_dir, n = sys.argv[1:6]
    n = int(n)
    uint8 = len(sys.argv) > 6 and sys.argv[6] == 'uint8'
    tmp = tempfile.mkdtemp()
    qdq = os.path.join(tmp, 'qdq.onnx')
    subprocess.run([KILN, 'compile', src, '--quantize', 'int8', '--calib', calib,
                    '--emit-qdq', qdq, '-o', os.path.join(tmp, 'c'), '--quiet'], check=True)
    m = onnx.load(qdq)
    if uint8:
        m = to_uint8(m)
    os.makedirs(out_dir, exist_ok=True)
    model = os.path.join(out_dir, 'model.onnx')
    onnx.save(m, model)
    inp = m.graph.input[0]
    dims = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    x = np.load(inputs).astype(np.float32)[:n]
    ref = ort(model, tmp, x, dims, inp.name, 'disabled')
    for k in range(n):
        d = os.path.join(out_dir, f'test_data_set_{k}')
        os.makedirs(d, exist_ok=True)
        t = numpy_helper.from_array(x[k].reshape(dims), inp.name)
        open(os.path.join(d, 'input_0.pb'), 'wb').write(t.SerializeToString())
        t = numpy_helper.from_array(ref[k], m.graph.output[0].name)
        open(os.path.join(d, 'output_0.pb'), 'wb').write(t.SerializeToString())
    # the agreement figures: kiln compiles the QDQ model itself
    np.save(os.path.join(tmp, 'x.npy'), x.reshape([n] + dims[1:]) if dims[0] == 1 else x)
    subprocess.run([KILN, 'run', model, '--input', os.path.join(tmp, 'x.npy'), '--output',
                    os.path.join(tmp, 'y.npy'), '--quiet'], check=True)
    y = np.load(os.path.join(tmp, 'y.npy')).reshape(n, -1).astype(np.float64)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    last = [nd for nd in m.graph.node if m.graph.output[0].name in nd.output][0]
    scale = float(inits[last.input[1]])
    for level in ['disabled', 'all']:
        r = np.stack([o.reshape(-1) for o in ort(model, tmp, x, dims, inp.name, level)])
        r = r.astype(np.float64)
        if ref[0].dtype == np.float32:   # both dequantized: scale * (q - zp)
            diff = np.abs(np.round((y - r) / scale))
        else:                            # int8 output; kiln run's y is dequantized
            diff = np.abs(np.round(y / scale) + float(inits[last.input[2]]) - r)
        print(f'{out_dir} ({"uint8" if uint8 else "int8"} activations) ORT opt={level}: '
              f'{n} samples x {r.shape[1]} outputs, max |diff| {diff.max():.0f} LSB, '
              f'equal {100.0 * (diff == 0).mean():.2f}%, within 1 LSB {100.0 * (diff <= 1).mean():.2f}%')


if __name__ == '__main__':
    main()
