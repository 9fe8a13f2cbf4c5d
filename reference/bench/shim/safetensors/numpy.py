"""safetensors.numpy for the pure-Python shim (see safetensors/__init__.py)."""
import numpy as np

from . import SafetensorError

_DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
           "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}


def _to_numpy(info, data):
    dtype = _DTYPES.get(info["dtype"])
    if dtype is None:
        raise SafetensorError(f"dtype {info['dtype']} is not supported by this shim (numpy)")
    return np.frombuffer(data, dtype=np.dtype(dtype).newbyteorder("<")).reshape(info["shape"]).copy()


def load_file(filename):
    from . import safe_open

    with safe_open(filename, framework="np") as f:
        return {k: f.get_tensor(k) for k in f.keys()}
