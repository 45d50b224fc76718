#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// ort_bench.js MODEL.onnx: ONNX Runtime single-thread latency (median of 3 rounds of 300
// runs after 30 warm-up runs), zero inputs, printed in nanoseconds. Used by `make bench`
// when onnxruntime-node is installed ($ORT_NODE_DIR/node_modules, default /opt/ortnode).
// Includes the Node binding's per-call overhead (tens of microseconds).
'use strict';
const path = require('path');
const ort = require(path.join(process.env.ORT_NODE_DIR || '/opt/ortnode', 'node_modules',
                              'onnxruntime-node'));
async function main() {
  const s = await ort.InferenceSession.create(process.argv[2], {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all'});
  const feeds = {};
  for (const name of s.inputNames) {
    const meta = s.inputMetadata ? s.inputMetadata.find((m) => m.name === name) : null;
    const dims = meta && meta.shape ? meta.shape.map((d) => (typeof d === 'number' ? d : 1)) : [1];
    const n = dims.reduce((a, b) => a * b, 1);
    feeds[name] = new ort.Tensor('float32', new Float32Array(n), dims);
  }
  const medians = [];
  for (let r = 0; r < 3; r++) {
    for (let i = 0; i < 30; i++) await s.run(feeds);
    const t = [];
    for (let i = 0; i < 300; i++) {
      const t0 = process.hrtime.bigint();
      await s.run(feeds);
      t.push(Number(process.hrtime.bigint() - t0));
    }
    t.sort((a, b) => a - b);
    medians.push(t[150]);
  }
  medians.sort((a, b) => a - b);
  console.log(medians[1]);
}
main().catch((e) => { console.error(e.message); process.exit(1); });
