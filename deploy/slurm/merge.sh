#!/bin/sh
# The merge job deploy/slurm/evaluate.sh submits: checks every shard and writes OUT/summary.*.
#   merge.sh OUT
set -eu
exec ${LATENTAUDIO:-latentaudio} merge "$1"
