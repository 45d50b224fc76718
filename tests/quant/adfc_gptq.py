#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""ad_fc_autoencoder with int8 weights only (float activations): round-to-nearest per-channel
weights vs GPTQ-style rounding (each layer's rounding error spread over the columns not yet
rounded, through the inverse of X^T X of that layer's float inputs on calib.npy), output SNR
on calib.npy / test_data_set_0 / test_data_set_1.

Offline measurement for docs/quantization.md (not part of the build or test path): it shows
how far the weights alone keep ad_fc_autoencoder from 30 dB once activations are wider
than int8. Usage: tests/quant/adfc_gptq.py [MODEL_DIR]
"""
import numpy as np, onnx, sys
from onnx import numpy_helper
B=(sys.argv[1] if len(sys.argv) > 1 else "../shared/bench/models/ad_fc_autoencoder") + "/"
m=onnx.load(B+'model.onnx'); I={i.name:numpy_helper.to_array(i).astype(np.float64) for i in m.graph.initializer}
nodes=list(m.graph.node); layers=[]
for i,n in enumerate(nodes):
    if n.op_type=='Gemm':
        W=I[n.input[1]]; b=I[n.input[2]]; relu=False
        if i+1<len(nodes) and nodes[i+1].op_type=='BatchNormalization':
            bn=nodes[i+1]; g,be,mu,var=[I[x] for x in bn.input[1:]]
            s=g/np.sqrt(var+1e-3); W=W*s[:,None]; b=(b-mu)*s+be; relu=True
        layers.append((W,b,relu))
calib=np.load(B+'calib.npy').astype(np.float64)
tests=[]
for s in ['test_data_set_0','test_data_set_1']:
    t=onnx.TensorProto(); t.ParseFromString(open(B+s+'/input_0.pb','rb').read()); tests.append(numpy_helper.to_array(t).astype(np.float64))
def fwd(x, Ws):
    acts=[x]
    for (W,b,relu),Wq in zip(layers,Ws):
        y=x@Wq.T+b
        if relu: y=np.maximum(y,0)
        acts.append(y); x=y
    return x, acts
ref,acts=fwd(calib,[l[0] for l in layers])
def qrt(W): s=np.abs(W).max(1,keepdims=True)/127; return np.clip(np.round(W/s),-127,127)*s
def gptq(W,X,damp=0.01):
    s=np.abs(W).max(1,keepdims=True)/127
    H=X.T@X; H+=damp*np.mean(np.diag(H))*np.eye(H.shape[0])
    Hi=np.linalg.cholesky(np.linalg.inv(H)).T  # upper
    W=W.copy(); Q=np.zeros_like(W)
    for j in range(W.shape[1]):
        q=np.clip(np.round(W[:,j]/s[:,0]),-127,127)*s[:,0]; Q[:,j]=q
        e=(W[:,j]-q)/Hi[j,j]
        W[:,j+1:]-=np.outer(e,Hi[j,j+1:])
    return Q
def snr(a,e): return 10*np.log10((e**2).sum()/((a-e)**2).sum())
Wr=[qrt(l[0]) for l in layers]
Wg=[gptq(l[0],acts[k]) for k,l in enumerate(layers)]
for name,Ws in [('round',Wr),('gptq',Wg)]:
    print(name,[f'{snr(fwd(x,Ws)[0],fwd(x,[l[0] for l in layers])[0]):.1f}' for x in [calib]+tests])
