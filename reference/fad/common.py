"""Shared helpers for the FAD fixtures (fixture generation only; never used by the product or its tests).

The reference code is imported from REFSRC (default /work/refsrc), one folder per repository exported at the pinned
commit in PINS:  git -C <clone> archive <commit> | tar -x -C $REFSRC/<folder>
"""
import json
import os
import sys
import types

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(REPO, "tests", "LatentAudio.Tests", "Fixtures", "fad")
REFSRC = os.environ.get("REFSRC", "/work/refsrc")

PINS = {
    "fadtk": ("microsoft/fadtk", "ec74b1f96d5576ec04e721985fa0f0d14d965d9b"),
    "torchvggish": ("harritaylor/torchvggish", "f3f90969ce8fb77a05d984b892ddf662e8466377"),
}


def src(folder, *sub):
    path = os.path.join(REFSRC, folder, *sub)
    if not os.path.exists(path):
        sys.exit(f"missing {path}: export {PINS[folder][0]} at {PINS[folder][1]} there (see reference/fad/README.md)")
    return path


def pin(folder):
    repo, commit = PINS[folder]
    return {"repo": repo, "commit": commit}


def stub(name, **attrs):
    """An empty module for an import made at load time that is not on the computed path; any other attribute
    raises when called, so a stub on the computed path fails the run."""
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)

    def missing(attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        def fail(*a, **k):
            raise RuntimeError(f"stubbed {name}.{attr} was called: not on the verified code path")
        return fail
    mod.__getattr__ = missing
    sys.modules[name] = mod
    return mod


def versions():
    import scipy
    import torch
    import subprocess
    def deb(pkg):
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True).stdout
    return {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
            "torch": torch.__version__,
            "debian_packages": {p: deb(p) for p in ("python3-numpy", "python3-scipy", "python3-torch")}}


def write(name, data):
    data["versions"] = versions()
    path = os.path.join(FIXTURES, name)
    with open(path, "w") as f:
        json.dump(data, f, separators=(",", ":"))  # compact: the arrays dominate
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")
