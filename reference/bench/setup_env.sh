#!/usr/bin/env bash
# Builds the venv-free PYTHONPATH tree that reference/bench/run.sh uses to run time_reference.py with the original
# reference code: diffusers 0.31.0, transformers 4.40.2 and huggingface_hub 0.25.2 from their git tags, on Debian's
# python3-torch 1.13.1 (/usr/bin/python3). No PyPI, no hub. See reference/bench/README.md.
#
# The three source repositories must already be on this machine as bare git directories (mirrors, no work tree),
# e.g. brought by the search tool's `fetch` to /work/.mirror/OWNER+NAME/repo. Give their paths, or let the defaults be:
#   DIFFUSERS_GIT=...        (github huggingface/diffusers,       tag v0.31.0 = 89e4d6219805975bd7d253a267e1951badc9f1c0)
#   TRANSFORMERS_GIT=...     (github huggingface/transformers,    tag v4.40.2 = 4fdf58afb72b0754da30037fc800b6044e7d9c99;
#                             upstream is over the 500 MiB fetch limit, the fork tianhua2/my_huggingface carries the
#                             same tag object and commit)
#   HUGGINGFACE_HUB_GIT=...  (github huggingface/huggingface_hub, tag v0.25.2 = 5eef17964897652da99ec829df6354be18c59a07)
#   PYREF_HOME=...           (output tree, default $HOME/.cache/latentaudio-pyref)
# Usage: bash reference/bench/setup_env.sh [--no-apt]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYREF_HOME="${PYREF_HOME:-$HOME/.cache/latentaudio-pyref}"
DIFFUSERS_GIT="${DIFFUSERS_GIT:-/work/.mirror/huggingface+diffusers/repo}"
HUGGINGFACE_HUB_GIT="${HUGGINGFACE_HUB_GIT:-/work/.mirror/huggingface+huggingface_hub/repo}"
if [[ -z "${TRANSFORMERS_GIT:-}" ]]; then
  TRANSFORMERS_GIT=/work/.mirror/huggingface+transformers/repo
  [[ -d "$TRANSFORMERS_GIT" ]] || TRANSFORMERS_GIT=/work/.mirror/tianhua2+my_huggingface/repo
fi

# Debian packages: the interpreter's torch/numpy and the pure-Python libraries the three packages import.
# (tokenizers, accelerate, scipy are not needed: transformers and diffusers skip them when absent.)
APT_PKGS="python3 python3-torch python3-numpy libopenblas0-pthread python3-filelock python3-fsspec python3-packaging
python3-regex python3-requests python3-tqdm python3-yaml python3-typing-extensions python3-importlib-metadata"
if [[ "${1:-}" != "--no-apt" ]]; then
  missing=""
  for p in $APT_PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [[ -n "$missing" ]]; then
    echo "apt-get install:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
  fi
fi

site="$PYREF_HOME/site"
rm -rf "$site"
mkdir -p "$site"

# name  git-dir  tag  commit  version
extract() {
  local name="$1" gitdir="$2" tag="$3" want="$4" version="$5"
  [[ -d "$gitdir" ]] || { echo "missing git directory for $name: $gitdir (fetch github:$6 first)" >&2; exit 1; }
  local got
  got="$(git --git-dir="$gitdir" rev-parse "$tag^{commit}")"
  [[ "$got" == "$want" ]] || { echo "$name: $tag is $got in $gitdir, expected $want" >&2; exit 1; }
  git --git-dir="$gitdir" archive "$want" "src/$name" | tar -x -C "$site" --strip-components=1
  # What `pip install` of that source would record, so importlib.metadata.version() finds it (the packages and
  # transformers' dependency_versions_check look versions up this way).
  local di="$site/$name-$version.dist-info"
  mkdir -p "$di"
  printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: from git %s (%s), reference/bench/setup_env.sh\n' \
    "$name" "$version" "$tag" "$want" > "$di/METADATA"
  echo "$name" > "$di/top_level.txt"
  echo "$name $version <- $gitdir $tag ($want)"
}
extract diffusers       "$DIFFUSERS_GIT"       v0.31.0 89e4d6219805975bd7d253a267e1951badc9f1c0 0.31.0 huggingface/diffusers
extract transformers    "$TRANSFORMERS_GIT"    v4.40.2 4fdf58afb72b0754da30037fc800b6044e7d9c99 4.40.2 huggingface/transformers
extract huggingface_hub "$HUGGINGFACE_HUB_GIT" v0.25.2 5eef17964897652da99ec829df6354be18c59a07 0.25.2 huggingface/huggingface_hub

# The pure-Python safetensors stand-in (reference/bench/shim/safetensors) and its metadata.
cp -r "$here/shim/safetensors" "$site/"
cp -r "$here/shim/"*.dist-info "$site/"

# An empty cache marked current: else transformers, imported after diffusers has written its own marker there, warns
# once about migrating a pre-4.22 cache.
mkdir -p "$PYREF_HOME/hf-home/hub" && echo 1 > "$PYREF_HOME/hf-home/hub/version.txt"

env -i PATH=/usr/bin:/bin HOME="$HOME" PYTHONPATH="$site" PYTHONNOUSERSITE=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
  HF_HOME="$PYREF_HOME/hf-home" PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 - <<'PY'
import importlib.metadata as md
import torch, diffusers, transformers, huggingface_hub, safetensors
from diffusers import AutoencoderKL
from transformers import SpeechT5HifiGan
print("ok: torch", torch.__version__, "diffusers", diffusers.__version__, "transformers", transformers.__version__,
      "huggingface_hub", huggingface_hub.__version__, "safetensors (shim)", md.version("safetensors"),
      "from", safetensors.__file__)
PY
echo "PYTHONPATH tree: $site"
