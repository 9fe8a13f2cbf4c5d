#!/bin/sh
# Regenerates tests/LatentAudio.Tests/Fixtures/metrics/reference_values.json (see reference/README.md).
set -e
cd "$(dirname "$0")"
for s in lsd mel_distance spectral_convergence mcd; do
  /usr/bin/python3 "$s.py"
done
