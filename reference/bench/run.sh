#!/usr/bin/env bash
# Runs reference/bench/time_reference.py with the original reference code (diffusers 0.31.0, transformers 4.40.2,
# huggingface_hub 0.25.2 from git, Debian's torch 1.13.1) on the tree setup_env.sh built. Arguments go to the script:
#   bash reference/bench/run.sh --model /tmp/fullsize --threads 2 --out timing.json [--runs 5]
# Offline: no hub, no network. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE / OMP_NUM_THREADS etc. are passed through as they
# are set (the script records them); nothing here changes them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYREF_HOME="${PYREF_HOME:-$HOME/.cache/latentaudio-pyref}"
site="$PYREF_HOME/site"
[[ -d "$site/diffusers" && -d "$site/transformers" && -d "$site/huggingface_hub" ]] || {
  echo "no $site: run bash $here/setup_env.sh first (see $here/README.md)" >&2; exit 1; }
# The shim is copied into the tree by setup_env.sh; take the repository's copy first so an edit needs no rebuild.
export PYTHONPATH="$here/shim:$site"
export PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 DIFFUSERS_OFFLINE=1
export HF_HUB_DISABLE_TELEMETRY=1 DISABLE_TELEMETRY=1
export HF_HOME="$PYREF_HOME/hf-home"
exec /usr/bin/python3 "$here/time_reference.py" "$@"
