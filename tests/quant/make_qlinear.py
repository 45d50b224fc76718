#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A QLinearConv / QLinearMatMul test model from a QDQ model, with ONNX Runtime outputs.

Offline (not part of the build or test path); the outputs are committed:
  make_qlinear.py QDQ_DIR OUT_DIR [u8input]
QDQ_DIR holds a model made by make_qdq.py (model.onnx, test_data_set_K/input_0.pb). Every
DequantizeLinear -> Conv -> QuantizeLinear group becomes one QLinearConv (int32 bias), and
DequantizeLinear -> MatMul -> Add(bias) -> QuantizeLinear becomes QLinearMatMul (its output
quantized with the Add's output parameters) -> DequantizeLinear -> Add -> QuantizeLinear.
The rest stays QDQ. With u8input the first QuantizeLinear is dropped and the model takes
the quantized uint8 image itself (a QLinearConv kiln cannot make int8: it stays the
reference op). OUT_DIR gets model.onnx and the data sets with ONNX Runtime outputs.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ORT_REF = os.path.join(HERE, '..', 'golden', 'ort_ref.js')


def convert(m):
    g = m.graph
    prod = {o: n for n in g.node for o in n.output}
    cons = {}
    for n in g.node:
        for i in n.input:
            cons.setdefault(i, []).append(n)
    drop, new = set(), {}
    for n in g.node:
        if n.op_type == 'Conv':
            dx, dw, db = (prod[i] for i in n.input[:3])
            (q,) = cons[n.output[0]]
            assert q.op_type == 'QuantizeLinear'
            new[id(n)] = helper.make_node(
                'QLinearConv', [dx.input[0], dx.input[1], dx.input[2], dw.input[0], dw.input[1],
                                dw.input[2], q.input[1], q.input[2], db.input[0]],
                [q.output[0]], name=n.name + '_qlinear',
                **{a.name: helper.get_attribute_value(a) for a in n.attribute})
            drop.update(id(x) for x in (dw, db, q))
            if len(cons[dx.output[0]]) == 1:
                drop.add(id(dx))
        elif n.op_type == 'MatMul':
            da, db = (prod[i] for i in n.input[:2])
            (add,) = cons[n.output[0]]
            (q,) = cons[add.output[0]]
            mid = n.output[0] + '_q'
            new[id(n)] = helper.make_node(
                'QLinearMatMul', [da.input[0], da.input[1], da.input[2], db.input[0], db.input[1],
                                  db.input[2], q.input[1], q.input[2]], [mid],
                name=n.name + '_qlinear')
            new[id(add)] = [helper.make_node('DequantizeLinear', [mid, q.input[1], q.input[2]],
                                             [n.output[0]], name=n.name + '_dq'), add]
            drop.add(id(db))
            if len(cons[da.output[0]]) == 1:
                drop.add(id(da))
    nodes = []
    for n in g.node:
        if id(n) in drop:
            continue
        r = new.get(id(n), n)
        nodes.extend(r if isinstance(r, list) else [r])
    del g.node[:]
    g.node.extend(nodes)
    return m


def u8_input(m):
    """The graph input becomes the uint8 output of the first QuantizeLinear."""
    g = m.graph
    q = g.node[0]
    assert q.op_type == 'QuantizeLinear' and q.input[0] == g.input[0].name
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    g.node.remove(q)
    g.input[0].name = q.output[0]
    g.input[0].type.tensor_type.elem_type = onnx.TensorProto.UINT8
    return m, float(inits[q.input[1]]), int(inits[q.input[2]])


def main():
    src, out_dir = sys.argv[1:3]
    m = convert(onnx.load(os.path.join(src, 'model.onnx')))
    qin = None
    if len(sys.argv) > 3 and sys.argv[3] == 'u8input':
        m, s, z = u8_input(m)
        qin = (s, z)
    os.makedirs(out_dir, exist_ok=True)
    model = os.path.join(out_dir, 'model.onnx')
    onnx.save(m, model)
    tmp = tempfile.mkdtemp()
    inp = m.graph.input[0]
    dims = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    jobs = []
    for d in sorted(glob.glob(os.path.join(src, 'test_data_set_*'))):
        t = onnx.TensorProto()
        t.ParseFromString(open(os.path.join(d, 'input_0.pb'), 'rb').read())
        f = os.path.join(tmp, os.path.basename(d) + '.bin')
        x = numpy_helper.to_array(t).astype(np.float32)
        if qin:
            x = np.clip(np.round(x / qin[0]) + qin[1], 0, 255).astype(np.uint8)
        x.tofile(f)
        jobs.append({'model': model, 'out_dir': os.path.join(tmp, os.path.basename(d)),
                     'inputs': [{'name': inp.name, 'dtype': 'uint8' if qin else 'float32',
                                 'dims': dims, 'file': f}],
                     'set': d, 'x': x})
    jf = os.path.join(tmp, 'jobs.json')
    json.dump([{k: v for k, v in j.items() if k != 'x'} for j in jobs], open(jf, 'w'))
    subprocess.run(['node', ORT_REF, jf], check=True)
    for j in jobs:
        d = os.path.join(out_dir, os.path.basename(j['set']))
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, 'input_0.pb'), 'wb').write(
            numpy_helper.from_array(j['x'], inp.name).SerializeToString())
        meta = json.load(open(os.path.join(j['out_dir'], 'outputs.json')))[0]
        y = np.fromfile(os.path.join(j['out_dir'], 'output_0.bin'),
                        dtype=meta['dtype']).reshape(meta['dims'])
        t = numpy_helper.from_array(y, m.graph.output[0].name)
        open(os.path.join(d, 'output_0.pb'), 'wb').write(t.SerializeToString())
    print(f'{out_dir}: {len(jobs)} data sets, ops',
          sorted({n.op_type for n in m.graph.node}))


if __name__ == '__main__':
    main()
