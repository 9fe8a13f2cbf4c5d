"""Pure-Python stand-in for the `safetensors` package (whose reader is a compiled Rust extension, not packaged by
Debian and not buildable here without PyPI/crates). It implements only what diffusers 0.31.0, transformers 4.40.2
and huggingface_hub 0.25.2 call on the paths reference/bench uses: `safe_open(...)` with keys()/get_tensor()/
metadata()/get_slice(), and safetensors.torch.load_file/load/save_file/save/storage_ptr/storage_size.

The format (https://huggingface.co/docs/safetensors): 8-byte little-endian u64 N, N bytes of JSON header
{name: {"dtype", "shape", "data_offsets": [begin, end]}, optional "__metadata__": {str: str}}, then the raw
little-endian tensor bytes (offsets relative to the end of the header). Loading produces the same tensors, bit for
bit, as the real package (both copy the raw bytes into CPU tensors), so nothing downstream -- the modules, their
numerics or their speed -- depends on which of the two read the file.
"""
import json
import struct

__version__ = "0.4.3"  # the API level mimicked (safetensors 0.4.x); reported to importlib.metadata by the shim's dist-info


class SafetensorError(Exception):
    pass


def _read_header(f):
    raw = f.read(8)
    if len(raw) != 8:
        raise SafetensorError("file too short for a safetensors header")
    (n,) = struct.unpack("<Q", raw)
    if n > 100_000_000:
        raise SafetensorError(f"header of {n} bytes is too large")
    header = json.loads(f.read(n).decode("utf-8"))
    metadata = header.pop("__metadata__", None)
    return 8 + n, header, metadata


class _Slice:
    def __init__(self, handle, name):
        self._handle, self._name = handle, name

    def get_shape(self):
        return list(self._handle._header[self._name]["shape"])

    def get_dtype(self):
        return self._handle._header[self._name]["dtype"]

    def __getitem__(self, index):
        return self._handle.get_tensor(self._name)[index]


class safe_open:  # noqa: N801 - the real API's name
    def __init__(self, filename, framework="pt", device="cpu"):
        if framework not in ("pt", "torch", "pytorch", "np", "numpy"):
            raise SafetensorError(f"framework {framework!r} is not supported by this shim")
        self._framework = framework
        self._device = device
        self._file = open(filename, "rb")
        self._data_start, self._header, self._metadata = _read_header(self._file)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()
        return False

    def keys(self):
        return list(self._header.keys())

    def metadata(self):
        return self._metadata

    def get_slice(self, name):
        return _Slice(self, name)

    def _raw(self, name):
        info = self._header[name]
        begin, end = info["data_offsets"]
        self._file.seek(self._data_start + begin)
        data = self._file.read(end - begin)
        if len(data) != end - begin:
            raise SafetensorError(f"tensor {name!r}: file truncated")
        return info, data

    def get_tensor(self, name):
        info, data = self._raw(name)
        if self._framework in ("np", "numpy"):
            from .numpy import _to_numpy

            return _to_numpy(info, data)
        from .torch import _to_torch

        t = _to_torch(info, data)
        return t if self._device in (None, "cpu") else t.to(self._device)
