#!/bin/sh
# Submits a LatentAudio study to Slurm: one job-array task per shard, then a merge job that runs only when every
# shard succeeded. Prints the merge job's id on stdout.
#
#   deploy/slurm/evaluate.sh INPUT OUT SHARDS [-- EVALUATE-ARGS...]
#
# INPUT and OUT must be on a file system every node sees. The executable is $LATENTAUDIO (default: latentaudio on
# PATH; it may be a command with arguments, e.g. "dotnet /opt/latentaudio/latentaudio.dll"). Every SBATCH_* variable
# of the environment (SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...) applies to both jobs: sbatch reads them
# itself. Logs go to OUT/logs/. A task that was killed or requeued resumes its shard (evaluate --resume).
set -eu

usage() { echo "usage: $0 INPUT OUT SHARDS [-- EVALUATE-ARGS...]" >&2; exit 2; }
[ $# -ge 3 ] || usage
input=$1 out=$2 shards=$3
shift 3
if [ $# -gt 0 ]; then
    [ "$1" = "--" ] || usage
    shift
fi
case $shards in ''|*[!0-9]*) echo "$0: SHARDS must be a positive integer (got '$shards')" >&2; exit 2 ;; esac
[ "$shards" -ge 1 ] || { echo "$0: SHARDS must be at least 1" >&2; exit 2; }
command -v sbatch >/dev/null 2>&1 || { echo "$0: sbatch not found (is this a Slurm submit host?)" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/logs"
input=$(cd "$(dirname "$input")" && pwd)/$(basename "$input")
out=$(cd "$out" && pwd)

array=$(sbatch --parsable --array="0-$((shards - 1))" --job-name=latentaudio-evaluate \
    --output="$out/logs/evaluate-%A_%a.out" --export=ALL \
    "$here/evaluate-shard.sh" "$input" "$out" "$shards" "$@")
array=${array%%;*}
echo "submitted evaluate array job $array ($shards shard(s))" >&2

merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --job-name=latentaudio-merge \
    --output="$out/logs/merge-%j.out" --export=ALL \
    "$here/merge.sh" "$out")
merge=${merge%%;*}
echo "submitted merge job $merge (after $array succeeds); summary: $out/summary.json" >&2
echo "$merge"
