"""Shared helpers for the reference harness (fixture generation only; never used by the product or its tests).

Every script here imports the fetched reference code from REFSRC (default /work/refsrc), one folder per repository
exported at the pinned commit listed in PINS, runs it on the golden pairs of
tests/LatentAudio.Tests/Fixtures/metrics/ and merges its section into reference_values.json.
"""
import importlib.util
import json
import os
import subprocess
import sys
import types

import numpy as np
import scipy.io.wavfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(REPO, "tests", "LatentAudio.Tests", "Fixtures", "metrics")
OUT = os.path.join(FIXTURES, "reference_values.json")
REFSRC = os.environ.get("REFSRC", "/work/refsrc")

# folder under REFSRC -> (GitHub repository, pinned commit). Export with
#   git -C <clone> archive <commit> | tar -x -C $REFSRC/<folder>
PINS = {
    "ssr_eval": ("haoheliu/ssr_eval", "907395cb98f57761fc66c069a83f7d77119d71e9"),
    "audioldm_eval": ("haoheliu/audioldm_eval", "8dc07ee7c42f9dc6e295460a1034175a0d49b436"),
    "dac": ("descriptinc/descript-audio-codec", "c7cfc5d2647e26471dc394f95846a0830e7bec34"),
    "audiotools": ("descriptinc/audiotools", "348ebf2034ce24e2a91a553e3171cb00c0c71678"),
    "auraloss": ("csteinmetz1/auraloss", "0853e9e732cd32a7b23f11ef4f0d2975d259e653"),
    "mcd": ("stefantaubert/mel-cepstral-distance", "deefa00015fee90d50b26a596d4a3936f91a545a"),
    "librosa-0.10.2": ("librosa/librosa", "c295e2ada7c307bc55765b1fc72ef5c1cb7cbbac"),  # tag 0.10.2.post1
}


def src(folder, *sub):
    path = os.path.join(REFSRC, folder, *sub)
    if not os.path.exists(path):
        sys.exit(f"missing {path}: export {PINS[folder][0]} at {PINS[folder][1]} there (see reference/README.md)")
    return path


def pin(folder):
    repo, commit = PINS[folder]
    return {"repo": repo, "commit": commit}


def stub(name, **attrs):
    """Register an empty module for an import that the reference code makes at load time but that is not on the
    code path we run (so Debian need not provide it). Any attribute not given raises when used."""
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)

    def missing(attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        def fail(*a, **k):
            raise RuntimeError(f"stubbed module {name}.{attr} was called: not on the verified code path")
        return fail
    mod.__getattr__ = missing
    sys.modules[name] = mod
    return mod


def use_librosa():
    """librosa 0.10.2.post1 from its pinned source; soxr (resampling only) is stubbed: nothing here resamples."""
    if "soxr" not in sys.modules:
        stub("soxr", __version__="0.0.0-stub")
    sys.path.insert(0, src("librosa-0.10.2"))
    import librosa
    return librosa


def load_module(name, path):
    """Import one source file as a module without running its package's __init__ (which pulls in model code)."""
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def pairs():
    """(id, ref, deg) for every golden pair, read as scipy.io.wavfile int16 / 32768 in float64."""
    with open(os.path.join(FIXTURES, "expected.json")) as f:
        expected = json.load(f)
    for p in expected["pairs"]:
        out = []
        for key in ("ref", "deg"):
            rate, x = scipy.io.wavfile.read(os.path.join(FIXTURES, "pairs", p[key]))
            assert rate == 16000 and x.dtype == np.int16
            out.append(x.astype(np.float64) / 32768.0)
        yield p["id"], out[0], out[1]


def versions():
    def deb(pkg):
        try:
            return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True).stdout
        except OSError:
            return None
    import scipy
    import torch
    v = {"python": sys.version.split()[0] + " (" + sys.executable + ")", "numpy": np.__version__,
         "scipy": scipy.__version__, "torch": torch.__version__}
    v["debian_packages"] = {p: deb(p) for p in (
        "python3-numpy", "python3-scipy", "python3-torch", "python3-numba", "python3-soundfile",
        "python3-skimage", "python3-sklearn", "python3-joblib", "python3-decorator", "python3-lazy-loader",
        "python3-pooch", "python3-msgpack", "python3-audioread", "python3-torchaudio",
        "python3-importlib-resources", "python3-tqdm", "python3-typing-extensions")}
    return v


def write_section(key, section):
    """Merge one metric's section into reference_values.json (other sections are kept)."""
    data = {}
    if os.path.exists(OUT):
        with open(OUT) as f:
            data = json.load(f)
    data.setdefault("description", "Values of the named reference implementations on the golden pairs "
                    "(Fixtures/metrics/pairs, listed in expected.json). Produced by reference/metrics/*.py; "
                    "see reference/README.md.")
    data.setdefault("input_convention", "int16 = scipy.io.wavfile.read(path)[1]; x = int16 / 32768 (float64, "
                    "cast to float32 where the section says so); ref = reference file, deg = degraded file")
    data.setdefault("metrics", {})[key] = section
    data["metrics"] = dict(sorted(data["metrics"].items()))
    data["versions"] = versions()
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {key} to {OUT}")
