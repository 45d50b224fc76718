#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Offline generator of examples/digits: trains a small CNN on scikit-learn's bundled 8x8
digits data set and exports it to ONNX with its BatchNormalization nodes left in the graph.

NOT part of the build or test path; its outputs (model.onnx, test_data_set_0/, sample.npy,
labels.npy) are committed. Needs Debian's python3-torch, python3-sklearn, python3-onnx,
python3-numpy, and Node with onnxruntime-node (for the reference output, via
tests/golden/ort_ref.js; ORT_NODE_DIR defaults to /opt/ortnode):

    /usr/bin/python3 examples/digits/train.py
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
ORT_REF = os.path.join(HERE, '..', '..', 'tests', 'golden', 'ort_ref.js')
SEED = 0
EPOCHS = 30
BATCH = 32
N_SAMPLE = 16


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        )
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        return torch.softmax(self.fc(self.flatten(self.features(x))), dim=1)

    def logits(self, x):
        return self.fc(self.flatten(self.features(x)))


def ort_outputs(model_path, images, tmp):
    """Runs ONNX Runtime on each image (batch 1); returns a list of [1,10] arrays."""
    jobs = []
    for i, img in enumerate(images):
        f = os.path.join(tmp, f'in{i}.bin')
        np.ascontiguousarray(img[None]).tofile(f)
        jobs.append({'model': model_path, 'out_dir': os.path.join(tmp, f'out{i}'),
                     'inputs': [{'name': 'image', 'dtype': 'float32', 'dims': [1, 1, 8, 8],
                                 'file': f}]})
    jf = os.path.join(tmp, 'jobs.json')
    with open(jf, 'w') as f:
        json.dump(jobs, f)
    subprocess.run(['node', ORT_REF, jf], check=True)
    outs = []
    for job in jobs:
        with open(os.path.join(job['out_dir'], 'outputs.json')) as f:
            meta = json.load(f)
        assert meta[0]['name'] == 'probs' and meta[0]['dims'] == [1, 10], meta
        outs.append(np.fromfile(meta[0]['file'], dtype=np.float32).reshape(1, 10))
    return outs


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0)[:, None, :, :]   # [1797,1,8,8] in [0,1]
    y = digits.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, random_state=SEED,
                                              stratify=y)

    net = DigitsCNN()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x_tr), torch.from_numpy(y_tr)
    gen = torch.Generator().manual_seed(SEED)
    for epoch in range(EPOCHS):
        net.train()
        perm = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for i in range(0, len(xt), BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = loss_fn(net.logits(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        net.eval()
        with torch.no_grad():
            acc = (net.logits(torch.from_numpy(x_te)).argmax(1).numpy() == y_te).mean()
        print(f'epoch {epoch + 1:2d}: train loss {total / len(xt):.4f}, test acc {acc:.4f}')

    net.eval()
    with torch.no_grad():
        torch_pred = net(torch.from_numpy(x_te)).argmax(1).numpy()
    torch_acc = float((torch_pred == y_te).mean())

    model_path = os.path.join(HERE, 'model.onnx')
    # TrainingMode.PRESERVE on a module in eval() mode exports inference-mode
    # BatchNormalization but skips the exporter's eval peephole pass, which would fuse
    # Conv+BN (TrainingMode.EVAL does that even with do_constant_folding=False); kiln is
    # meant to fold the BN nodes itself.
    assert not net.training
    torch.onnx.export(net, torch.zeros(1, 1, 8, 8), model_path, opset_version=13,
                      do_constant_folding=False, input_names=['image'],
                      output_names=['probs'], training=torch.onnx.TrainingMode.PRESERVE)
    m = onnx.load(model_path)
    onnx.checker.check_model(m, full_check=True)
    ops = [n.op_type for n in m.graph.node]
    assert ops.count('BatchNormalization') == 2, ops
    print('ONNX ops:', ' '.join(ops))

    with tempfile.TemporaryDirectory(prefix='kiln_digits_') as tmp:
        outs = ort_outputs(model_path, x_te, tmp)
    ort_pred = np.array([o.argmax() for o in outs])
    ort_acc = float((ort_pred == y_te).mean())
    print(f'test accuracy: torch {torch_acc:.4f}, onnxruntime {ort_acc:.4f} '
          f'({int((ort_pred == y_te).sum())}/{len(y_te)})')
    if ort_acc < 0.95:
        sys.exit('accuracy below 95%')

    ds = os.path.join(HERE, 'test_data_set_0')
    os.makedirs(ds, exist_ok=True)
    with open(os.path.join(ds, 'input_0.pb'), 'wb') as f:
        f.write(numpy_helper.from_array(x_te[:1], 'image').SerializeToString())
    with open(os.path.join(ds, 'output_0.pb'), 'wb') as f:
        f.write(numpy_helper.from_array(outs[0], 'probs').SerializeToString())
    np.save(os.path.join(HERE, 'sample.npy'), np.ascontiguousarray(x_te[:N_SAMPLE]))
    np.save(os.path.join(HERE, 'labels.npy'), y_te[:N_SAMPLE].astype(np.int64))
    print(f'test digit 0: label {y_te[0]}, ORT argmax {outs[0].argmax()}; '
          f'sample labels {y_te[:N_SAMPLE].tolist()}')


if __name__ == '__main__':
    main()
