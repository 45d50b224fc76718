# SPDX-License-Identifier: MIT
# Offline generator of the --const test models (run by hand; outputs are committed).
# reshape_input: y = Reshape(x, shape) with `shape` a graph input, and z = x * 2 so a
# second output checks that verify still compares every output. Expected outputs are
# computed with numpy from the operator definitions.
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

def save(dirname, name, arr):
    t = numpy_helper.from_array(arr, name)
    with open(f"{dirname}/{name}.pb", "wb") as f:
        f.write(t.SerializeToString())

x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4])
shape = helper.make_tensor_value_info("shape", TensorProto.INT64, [2])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["a", "b"])
z = helper.make_tensor_value_info("z", TensorProto.FLOAT, [2, 3, 4])
two = numpy_helper.from_array(np.array(2.0, np.float32), "two")
g = helper.make_graph([helper.make_node("Reshape", ["x", "shape"], ["y"]),
                       helper.make_node("Mul", ["x", "two"], ["z"])],
                      "reshape_input", [x, shape], [y, z], [two])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
m.ir_version = 8
onnx.checker.check_model(m)
import os
os.makedirs("reshape_input/test_data_set_0", exist_ok=True)
os.makedirs("reshape_input/test_data_set_1", exist_ok=True)
onnx.save(m, "reshape_input/model.onnx")
rng = np.random.default_rng(3)
for k, shp in enumerate([[6, 4], [4, -1]]):
    d = f"reshape_input/test_data_set_{k}"
    xv = rng.standard_normal((2, 3, 4)).astype(np.float32)
    sv = np.array(shp, np.int64)
    save(d, "input_0", xv)
    save(d, "input_1", sv)
    save(d, "output_0", xv.reshape(sv))
    save(d, "output_1", xv * 2)
np.save("reshape_input/shape_6x4.npy", np.array([6, 4], np.int64))
xv = rng.standard_normal((1, 2, 3, 4)).astype(np.float32)   # one sample for kiln run
np.save("reshape_input/x.npy", xv)
np.save("reshape_input/y_6x4.npy", xv.reshape(1, 6, 4))
