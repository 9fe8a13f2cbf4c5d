#!/bin/sh
# The merge job deploy/slurm/evaluate.sh submits: checks every shard and writes OUT/summary.*.
#   merge.sh OUT
# `latentaudio merge` exits 2 both when it refuses (shards missing or unlike: nothing written) and when it wrote
# the summary of a study in which some items failed (their failure rows are counted in it). Only the latter prints
# "summary: PATH", so that line tells them apart: the job succeeds when the summary was written.
set -u
log=$(${LATENTAUDIO:-latentaudio} merge "$1")
rc=$?
printf '%s\n' "$log"
if [ "$rc" -eq 2 ] && printf '%s\n' "$log" | grep -q '^summary: '; then
  echo "merge: the summary is written; some items failed (failure_reasons in summary.json)" >&2
  exit 0
fi
exit "$rc"
