#!/bin/sh
# heldout_snr.sh KILN TAG [kiln options]: offline measurement for docs/quantization.md. For each
# bench model, calibrates on the first half of calib.npy, runs the other half through the
# float and the int8 build (kiln run) and prints the SNR over all of it, per-sample median
# and minimum. B (default ../shared/bench/models) is where the models are.
B=${B:-../shared/bench/models}
K=$1; tag=$2; shift 2
T=${TMPDIR:-/tmp}/kiln_heldout; mkdir -p $T
for m in kws_dscnn ad_fc_autoencoder ic_resnet8 vww_mobilenetv1_025; do
  [ -f $T/$m.e.npy ] || /usr/bin/python3 -c "
import numpy as np; c=np.load('$B/$m/calib.npy'); n=len(c)//2; np.save('$T/$m.c.npy', c[:n]); np.save('$T/$m.e.npy', c[n:])"
  [ -f $T/$m.f.npy ] || $K run $B/$m/model.onnx --input $T/$m.e.npy --output $T/$m.f.npy --quiet
  $K run $B/$m/model.onnx --quantize int8 --calib $T/$m.c.npy "$@" --input $T/$m.e.npy --output $T/$m.q.$tag.npy --quiet
  /usr/bin/python3 -c "
import numpy as np; f=np.load('$T/$m.f.npy').astype(np.float64); q=np.load('$T/$m.q.$tag.npy').astype(np.float64)
f=f.reshape(len(f),-1); q=q.reshape(len(q),-1)
per=10*np.log10((f**2).sum(1)/((q-f)**2).sum(1))
print('$m $tag: aggregate %.1f dB, median %.1f, min %.1f over %d samples' % (10*np.log10((f**2).sum()/((q-f)**2).sum()), np.median(per), per.min(), len(f)))"
done
