#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Offline generator of the malformed MelWeightMatrix models (same layout as
make_malformed.py: NAME.onnx + NAME.expect).

    /usr/bin/python3 tests/malformed/make_malformed_mel.py

| file | expect | why it must fail |
|---|---|---|
| mel_above_nyquist | above the Nyquist frequency | upper_edge_hertz 12000 with sample_rate 16000: the bands leave the 257 spectrogram bins |
| mel_zero_bins | 1 <= num_mel_bins | num_mel_bins 0 |
| mel_run_time_rate | give it with --const | sample_rate is a graph input without a value |
"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_malformed import HERE, mk, vi  # noqa: E402

CASES = {}


def mel_model(bins, rate, hi, rate_is_input=False):
    vals = [('bins', bins, np.int64), ('dft', 512, np.int64), ('rate', rate, np.int64),
            ('lo', 20.0, np.float32), ('hi', hi, np.float32)]
    inits = [numpy_helper.from_array(np.array(v, t), n) for n, v, t in vals
             if not (rate_is_input and n == 'rate')]
    inputs = [vi('rate', [], TensorProto.INT64)] if rate_is_input else []
    node = helper.make_node('MelWeightMatrix', ['bins', 'dft', 'rate', 'lo', 'hi'], ['mel'],
                            name='mel0')
    return mk([node], inputs, [vi('mel', None)], inits, opset=17)


CASES['mel_above_nyquist'] = (mel_model(40, 16000, 12000.0), 'above the Nyquist frequency')
CASES['mel_zero_bins'] = (mel_model(0, 16000, 4000.0), '1 <= num_mel_bins')
CASES['mel_run_time_rate'] = (mel_model(40, 16000, 4000.0, True), 'give it with --const')


def main():
    for name in sorted(CASES):
        model, expect = CASES[name]
        with open(os.path.join(HERE, name + '.onnx'), 'wb') as f:
            f.write(model.SerializeToString())
        with open(os.path.join(HERE, name + '.expect'), 'w') as f:
            f.write(expect + '\n')
    print(f'{len(CASES)} malformed files written to {HERE}')


if __name__ == '__main__':
    main()
