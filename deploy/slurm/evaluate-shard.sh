#!/bin/sh
# One task of the array deploy/slurm/evaluate.sh submits: shard $SLURM_ARRAY_TASK_ID of SHARDS.
#   evaluate-shard.sh INPUT OUT SHARDS [EVALUATE-ARGS...]
set -u
input=$1 out=$2 shards=$3
shift 3
: "${SLURM_ARRAY_TASK_ID:?not running as a Slurm array task}"
${LATENTAUDIO:-latentaudio} evaluate "$input" -o "$out" --shard-index "$SLURM_ARRAY_TASK_ID" --shard-count "$shards" --resume "$@"
rc=$?
# Exit 2 with the shard's done marker means: every item ran, some failed (their failure rows are in the rows file,
# the summary counts them). The shard is complete, so the merge may run.
if [ "$rc" -eq 2 ] && [ -f "$out/rows/shard-$SLURM_ARRAY_TASK_ID-of-$shards.done.json" ]; then exit 0; fi
exit "$rc"
