#!/usr/bin/env node
// ort_ref.js - compute reference outputs with ONNX Runtime (onnxruntime-node, CPU EP).
//
// Called by make_golden.py (and examples/digits/train.py); not part of the build or test path.
//
//   node ort_ref.js <jobs.json>
//
// jobs.json is a JSON array of jobs:
//   { "model": "<path to model.onnx>",
//     "inputs": [ {"name": "x", "dtype": "float32", "dims": [1,3], "file": "<raw little-endian data>"}, ... ],
//     "out_dir": "<dir>",
//     "opt_level": "disabled" | "basic" | "extended" | "all"   (optional, default "disabled") }
// For each job the session is run once, single threaded, and for every graph output K
// (in graph order) out_dir/output_K.bin gets the raw little-endian data; out_dir/outputs.json
// gets [{"name", "dtype", "dims", "file"}]. The Python side turns these into TensorProto files,
// so this script needs no protobuf code at all.
//
// onnxruntime-node is looked up in $ORT_NODE_DIR/node_modules (default /opt/ortnode).
'use strict';
const fs = require('fs');
const path = require('path');

const ortDir = process.env.ORT_NODE_DIR || '/opt/ortnode';
const ort = require(path.join(ortDir, 'node_modules', 'onnxruntime-node'));

const TYPED = {
  float32: Float32Array, float64: Float64Array, int64: BigInt64Array, int32: Int32Array,
  int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
};

function loadInput(spec) {
  const Ctor = TYPED[spec.dtype];
  if (!Ctor) throw new Error(`unsupported input dtype ${spec.dtype}`);
  const buf = fs.readFileSync(spec.file);
  const ab = new ArrayBuffer(buf.length);
  new Uint8Array(ab).set(buf);
  const data = new Ctor(ab);
  const n = spec.dims.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`${spec.file}: ${data.length} elements, dims say ${n}`);
  return new ort.Tensor(spec.dtype, data, spec.dims);
}

async function runJob(job) {
  const opts = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: job.opt_level || 'disabled',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3, // errors only: old-opset and initializer-as-input warnings are expected
  };
  const sess = await ort.InferenceSession.create(job.model, opts);
  const feeds = {};
  for (const spec of job.inputs) feeds[spec.name] = loadInput(spec);
  const outs = await sess.run(feeds);
  fs.mkdirSync(job.out_dir, { recursive: true });
  const meta = [];
  sess.outputNames.forEach((nm, k) => {
    const t = outs[nm];
    const d = t.data;
    const file = path.join(job.out_dir, `output_${k}.bin`);
    fs.writeFileSync(file, Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    meta.push({ name: nm, dtype: t.type, dims: t.dims.map(Number), file });
  });
  fs.writeFileSync(path.join(job.out_dir, 'outputs.json'), JSON.stringify(meta));
}

(async () => {
  const jobsFile = process.argv[2];
  if (!jobsFile) { console.error('usage: node ort_ref.js <jobs.json>'); process.exit(2); }
  const jobs = JSON.parse(fs.readFileSync(jobsFile, 'utf8'));
  for (const job of jobs) {
    try {
      await runJob(job);
    } catch (err) {
      console.error(`ort_ref.js: ${job.model}: ${err.message || err}`);
      process.exit(1);
    }
  }
})();
