"""safetensors.torch for the pure-Python shim (see safetensors/__init__.py)."""
import json
import os
import struct

import torch

from . import SafetensorError, _read_header, safe_open

_DTYPES = {
    "F64": torch.float64,
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I64": torch.int64,
    "I32": torch.int32,
    "I16": torch.int16,
    "I8": torch.int8,
    "U8": torch.uint8,
    "BOOL": torch.bool,
}
_NAMES = {v: k for k, v in _DTYPES.items()}


def _to_torch(info, data):
    dtype = _DTYPES.get(info["dtype"])
    if dtype is None:
        raise SafetensorError(f"dtype {info['dtype']} is not supported by this shim")
    shape = list(info["shape"])
    if len(data) == 0:
        return torch.empty(shape, dtype=dtype)
    # bytearray: a writable copy of the bytes, so the tensor owns its memory (as the real load_file's does).
    return torch.frombuffer(bytearray(data), dtype=dtype).reshape(shape)


def load_file(filename, device="cpu"):
    with safe_open(filename, framework="pt", device=device) as f:
        return {k: f.get_tensor(k) for k in f.keys()}


def load(data):
    import io

    f = io.BytesIO(data)
    start, header, _ = _read_header(f)
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        out[name] = _to_torch(info, data[start + b:start + e])
    return out


def storage_ptr(tensor):
    try:
        return tensor.untyped_storage().data_ptr()
    except Exception:
        try:
            return tensor.storage().data_ptr()
        except NotImplementedError:
            return 0


def storage_size(tensor):
    try:
        return tensor.untyped_storage().nbytes()
    except AttributeError:
        try:
            return tensor.storage().size() * tensor.element_size()
        except NotImplementedError:
            return tensor.nelement() * tensor.element_size()


def _serialize(tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name]
        if not isinstance(t, torch.Tensor):
            raise SafetensorError(f"{name!r} is not a tensor")
        dtype = _NAMES.get(t.dtype)
        if dtype is None:
            raise SafetensorError(f"dtype {t.dtype} is not supported by this shim")
        t = t.detach().to("cpu").contiguous()
        raw = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata is not None:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)  # 8-byte alignment of the data, as the real writer does
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def save(tensors, metadata=None):
    return _serialize(tensors, metadata)


def save_file(tensors, filename, metadata=None):
    with open(os.fspath(filename), "wb") as f:
        f.write(_serialize(tensors, metadata))


def load_model(model, filename, strict=True, device="cpu"):
    state = load_file(filename, device=device)
    return model.load_state_dict(state, strict=strict)


def save_model(model, filename, metadata=None, force_contiguous=False):
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, filename, metadata=metadata)
