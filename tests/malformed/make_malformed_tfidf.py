#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Offline generator of the malformed TfIdfVectorizer models (same layout as
make_malformed.py: NAME.onnx + NAME.expect).

    /usr/bin/python3 tests/malformed/make_malformed_tfidf.py

| file | expect | why it must fail |
|---|---|---|
| tfidf_pool_strings | pool_strings is not supported | a string pool (kiln has no string tensors) |
| tfidf_index_repeated | repeats an earlier index | two n-grams write the same output position |
| tfidf_counts_mismatch | but ngram_indexes has | the pool splits into 3 n-grams, ngram_indexes lists 4 |
| tfidf_bad_mode | mode 'BM25' | mode is TF, IDF or TFIDF |
"""
import os
import sys

from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_malformed import HERE, mk, vi  # noqa: E402

CASES = {}


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
