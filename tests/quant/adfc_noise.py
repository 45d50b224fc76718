#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Why ad_fc_autoencoder stays below 30 dB in int8: a numpy simulation of the scheme.

Offline measurement for docs/quantization.md (not part of the build or test path).
BatchNorm folded into the Gemms; int8 symmetric per-channel weights (max|w|/127) and/or
int8 asymmetric per-tensor activations (minmax over calib.npy), one at a time or all;
prints the output SNR on calib.npy (128 samples) and the two test data sets.
"""
import numpy as np, onnx
from onnx import numpy_helper
import sys
B = (sys.argv[1] if len(sys.argv) > 1 else "../shared/bench/models/ad_fc_autoencoder") + "/"
m=onnx.load(B+'model.onnx'); I={i.name:numpy_helper.to_array(i).astype(np.float64) for i in m.graph.initializer}
nodes=list(m.graph.node); layers=[]
for i,n in enumerate(nodes):
    if n.op_type=='Gemm':
        W=I[n.input[1]]; b=I[n.input[2]]
        relu=False
        if i+1<len(nodes) and nodes[i+1].op_type=='BatchNormalization':
            bn=nodes[i+1]; g,be,mu,var=[I[x] for x in bn.input[1:]]
            s=g/np.sqrt(var+1e-3); W=W*s[:,None]; b=(b-mu)*s+be; relu=True
        layers.append((W,b,relu))
calib=np.load(B+'calib.npy').astype(np.float64)
tests=[]
for s in ['test_data_set_0','test_data_set_1']:
    t=onnx.TensorProto(); t.ParseFromString(open(B+s+'/input_0.pb','rb').read()); tests.append(numpy_helper.to_array(t).astype(np.float64))
X=np.concatenate([calib]+tests)
def qw(W, clip=1.0):
    a=np.abs(W).max(1,keepdims=True)*clip; s=a/127; return np.clip(np.round(W/s),-127,127)*s
def qa(x,lo,hi):
    lo=min(lo,0);hi=max(hi,0); s=(hi-lo)/255; zp=-128-np.round(lo/s); return (np.clip(np.round(x/s)+zp,-128,127)-zp)*s
def run(x, wq=set(), aq=False, ranges=None, rec=None):
    acts=[x]
    if aq: x=qa(x,*ranges[0])
    for k,(W,b,relu) in enumerate(layers):
        Wk=qw(W) if k in wq else W
        y=x@Wk.T+b
        if relu: y=np.maximum(y,0)
        if aq: y=qa(y,*ranges[k+1])
        acts.append(y); x=y
    return x, acts
ref,acts=run(calib)
ranges=[(a.min(),a.max()) for a in acts]
def snr(a,e): return 10*np.log10((e**2).sum()/((a-e)**2).sum())
def rep(name, **kw):
    out=[]
    for x in [calib]+tests:
        r,_=run(x); q,_=run(x,**kw); out.append(snr(q,r))
    print(f'{name:40s} calib(128) {out[0]:5.1f} dB  set0 {out[1]:5.1f}  set1 {out[2]:5.1f}')
allw=set(range(len(layers)))
rep('float', wq=set())
rep('int8 weights only', wq=allw)
rep('int8 activations only (minmax)', aq=True, ranges=ranges)
rep('int8 weights + activations', wq=allw, aq=True, ranges=ranges)
for k in range(len(layers)):
    rep(f'int8 weights of layer {k} only', wq={k})
# signal vs noise through layers: ratio of output rms to layer-0 rms
_,a=run(tests[0])
print('rms per layer output', [f'{np.sqrt((t**2).mean()):.3g}' for t in a])
print('fraction of zeros (relu) per layer', [f'{(t==0).mean():.2f}' for t in a[1:]])
def run2(x, qset, ranges):
    if 0 in qset: x=qa(x,*ranges[0])
    for k,(W,b,relu) in enumerate(layers):
        y=x@W.T+b
        if relu: y=np.maximum(y,0)
        if k+1 in qset: y=qa(y,*ranges[k+1])
        x=y
    return x
for k in range(len(layers)+1):
    out=[]
    for x in [calib]+tests:
        r,_=run(x); q=run2(x,{k},ranges); out.append(snr(q,r))
    print(f'activation {k} only int8: calib {out[0]:5.1f} set0 {out[1]:5.1f} set1 {out[2]:5.1f}  range {ranges[k][0]:.3g}..{ranges[k][1]:.3g} rms {np.sqrt((acts[k]**2).mean()):.3g}')
