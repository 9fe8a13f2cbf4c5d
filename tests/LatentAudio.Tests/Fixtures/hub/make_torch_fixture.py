"""Makes tiny_state_dict.bin the way torch.save(state_dict, f) lays it out (torch/serialization.py _save,
protocol 2, persistent ids for storages), with Python's own pickler and stand-ins for torch's classes, because
torch is not installed here. Run: python3 make_torch_fixture.py. Expected values are in tiny_state_dict.json."""
import collections, io, json, pickle, struct, sys, types, zipfile

torch = types.ModuleType("torch"); utils = types.ModuleType("torch._utils")
sys.modules["torch"] = torch; sys.modules["torch._utils"] = utils; torch._utils = utils
for name in ("FloatStorage", "HalfStorage", "BFloat16Storage"):
    cls = type(name, (), {"__module__": "torch"}); setattr(torch, name, cls)
def _rebuild_tensor_v2(*a): raise RuntimeError("never called")
_rebuild_tensor_v2.__module__ = "torch._utils"; utils._rebuild_tensor_v2 = _rebuild_tensor_v2

class Storage:
    def __init__(self, kind, key, data, fmt):
        self.kind, self.key, self.raw = kind, key, b"".join(struct.pack("<" + fmt, v) for v in data)
        self.numel = len(data)

class Tensor:
    def __init__(self, storage, offset, size, stride): self.args = (storage, offset, size, stride)
    def __reduce__(self):
        s, o, size, stride = self.args
        return (_rebuild_tensor_v2, (s, o, tuple(size), tuple(stride), False, collections.OrderedDict()))

class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", getattr(torch, obj.kind), obj.key, "cpu", obj.numel)
        return None

w = Storage("FloatStorage", "0", [float(i) / 4 - 1 for i in range(12)], "f")
h = Storage("HalfStorage", "1", [0.5, -2.0, 65504.0], "e")
sd = collections.OrderedDict()
sd["encoder.conv_in.weight"] = Tensor(w, 0, [2, 2, 3], [6, 3, 1])
sd["encoder.conv_in.bias"] = Tensor(h, 0, [3], [1])
sd["decoder.view"] = Tensor(w, 6, [3, 2], [1, 3])  # a transposed view into the same storage
sd._metadata = collections.OrderedDict([("", {"version": 1}), ("encoder", {"version": 1})])
buf = io.BytesIO(); Pickler(buf, protocol=2).dump(sd)

with zipfile.ZipFile("tiny_state_dict.bin", "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", buf.getvalue())
    z.writestr("archive/byteorder", "little")
    z.writestr("archive/data/0", w.raw)
    z.writestr("archive/data/1", h.raw)
    z.writestr("archive/version", "3\n")
wv = [float(i) / 4 - 1 for i in range(12)]
json.dump({"encoder.conv_in.weight": {"shape": [2, 2, 3], "values": wv},
           "encoder.conv_in.bias": {"shape": [3], "values": [0.5, -2.0, 65504.0]},
           "decoder.view": {"shape": [3, 2], "values": [wv[6 + r + 3 * c] for r in range(3) for c in range(2)]}},
          open("tiny_state_dict.json", "w"), indent=1)
