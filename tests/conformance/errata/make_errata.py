#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Offline: ONNX Runtime's outputs for suite cases whose output_K.pb is wrong. For each case
# name, runs CASE/model.onnx on CASE/test_data_set_0/input_K.pb through
# tests/golden/ort_ref.js and writes errata/CASE/output_K.pb (case.sh uses those instead of
# the suite's). Prints, per output, the largest difference from the suite's file.
#   usage: make_errata.py CASE...   (KILN_ONNX_NODE_DIR: the suite)
import glob, json, os, subprocess, sys, tempfile

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.environ.get('KILN_ONNX_NODE_DIR', '/usr/share/libonnx-testdata/data/node')
ORT_REF = os.path.join(HERE, '..', '..', 'golden', 'ort_ref.js')


def load(path):
    t = onnx.TensorProto()
    with open(path, 'rb') as f:
        t.ParseFromString(f.read())
    return t


def job_for(case, tmp):
    model = onnx.load(os.path.join(SUITE, case, 'model.onnx'))
    inits = {i.name for i in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in inits]
    inputs = []
    for k, name in enumerate(names):
        a = numpy_helper.to_array(load(os.path.join(SUITE, case, 'test_data_set_0', f'input_{k}.pb')))
        raw = os.path.join(tmp, f'{case}_in{k}.bin')
        a.tofile(raw)
        inputs.append({'name': name, 'dtype': str(a.dtype), 'dims': list(a.shape), 'file': raw})
    return {'model': os.path.join(SUITE, case, 'model.onnx'), 'inputs': inputs,
            'out_dir': os.path.join(tmp, case)}


def write_outputs(case, tmp):
    meta = json.load(open(os.path.join(tmp, case, 'outputs.json')))
    os.makedirs(os.path.join(HERE, case), exist_ok=True)
    for k, m in enumerate(meta):
        a = np.fromfile(m['file'], dtype=m['dtype']).reshape(m['dims'])
        suite = numpy_helper.to_array(load(os.path.join(SUITE, case, 'test_data_set_0', f'output_{k}.pb')))
        t = numpy_helper.from_array(a, load(os.path.join(SUITE, case, 'test_data_set_0', f'output_{k}.pb')).name)
        with open(os.path.join(HERE, case, f'output_{k}.pb'), 'wb') as f:
            f.write(t.SerializeToString())
        print(f'{case} output_{k}: max |ORT - suite| = {np.max(np.abs(a.astype(np.float64) - suite)):.3g}')


def main():
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [job_for(c, tmp) for c in sys.argv[1:]]
        jf = os.path.join(tmp, 'jobs.json')
        json.dump(jobs, open(jf, 'w'))
        subprocess.run(['node', ORT_REF, jf], check=True)
        for c in sys.argv[1:]:
            write_outputs(c, tmp)


if __name__ == '__main__':
    main()
