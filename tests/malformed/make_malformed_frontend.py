#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Offline generator of the malformed models for the feature front-end ops,
MelWeightMatrix and TfIdfVectorizer (same layout as make_malformed.py: NAME.onnx +
NAME.expect).

    /usr/bin/python3 tests/malformed/make_malformed_frontend.py

| file | expect | why it must fail |
|---|---|---|
| mel_above_nyquist | above the Nyquist frequency | upper_edge_hertz 12000 with sample_rate 16000: the bands leave the 257 spectrogram bins |
| mel_zero_bins | 1 <= num_mel_bins | num_mel_bins 0 |
| mel_run_time_rate | give it with --const | sample_rate is a graph input without a value |
| tfidf_pool_strings | pool_strings is not supported | a string pool (kiln has no string tensors) |
| tfidf_index_repeated | repeats an earlier index | two n-grams write the same output position |
| tfidf_counts_mismatch | but ngram_indexes has | the pool splits into 3 n-grams, ngram_indexes lists 4 |
| tfidf_bad_mode | mode 'BM25' | mode is TF, IDF or TFIDF |
"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_malformed import mk, vi, write_cases  # noqa: E402

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


def tfidf(**attrs):
    base = dict(mode='TF', min_gram_length=1, max_gram_length=2, max_skip_count=0,
                ngram_counts=[0, 1], ngram_indexes=[0, 1, 2], pool_int64s=[5, 5, 6, 6, 7])
    base.update(attrs)
    base = {k: v for k, v in base.items() if v is not None}
    node = helper.make_node('TfIdfVectorizer', ['x'], ['y'], name='tfidf0', **base)
    return mk([node], [vi('x', [2, 6], TensorProto.INT32)], [vi('y', None)], opset=13)


CASES['tfidf_pool_strings'] = (tfidf(pool_int64s=None, pool_strings=['a', 'b', 'b', 'c', 'c']),
                               'pool_strings is not supported')
CASES['tfidf_index_repeated'] = (tfidf(ngram_indexes=[0, 1, 0]), 'repeats an earlier index')
CASES['tfidf_counts_mismatch'] = (tfidf(ngram_indexes=[0, 1, 2, 3]), 'but ngram_indexes has')
CASES['tfidf_bad_mode'] = (tfidf(mode='BM25'), "mode 'BM25'")


if __name__ == '__main__':
    write_cases(CASES)
