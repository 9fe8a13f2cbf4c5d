#!/usr/bin/env bash
# Fuzz one LatentAudio parser for a given time (issue 8).
#   fuzz/run.sh TARGET SECONDS          AFL++ with SharpFuzz instrumentation (installs afl++ / the sharpfuzz tool if missing)
#   FUZZ_MODE=mutate fuzz/run.sh ...    the in-process seeded mutational fuzzer instead (no AFL, no instrumentation)
#   FUZZ_EXECS=1100000 fuzz/run.sh ...  also stop once about that many executions are done (AFL's -E)
#   FUZZ_OUT=fuzz/out2 fuzz/run.sh ...  build into another folder, so two targets can run at once (one per core)
#   FUZZ_TIMEOUT_MS=3000 fuzz/run.sh ... AFL's hang limit (default 1000); on a machine under load the seed's dry run
#                                        alone can pass 1 s, and afl-fuzz then gives up before it starts
# Targets: wav flac mp3 ogg npy safetensors vae-config vocoder-config torch-checkpoint pickle codec
# Prints executions, paths (AFL corpus count; distinct rejection messages in mutate mode) and findings;
# crashing/hanging inputs are kept under fuzz/findings/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${1:?usage: fuzz/run.sh TARGET SECONDS}
SECONDS_TO_RUN=${2:?usage: fuzz/run.sh TARGET SECONDS}
MODE=${FUZZ_MODE:-afl}
CORPUS=fuzz/corpus/$TARGET
OUT=${FUZZ_OUT:-fuzz/out}
[ -d "$CORPUS" ] || { echo "no corpus for target '$TARGET' ($CORPUS)"; exit 2; }

mkdir -p fuzz/findings
if ! dotnet build -c Release fuzz/LatentAudio.Fuzz -o "$OUT" -v quiet -nologo >"fuzz/findings/build-$TARGET.log" 2>&1; then
  grep -E "error" "fuzz/findings/build-$TARGET.log" | sort -u; exit 1
fi

if [ "$MODE" = mutate ]; then
  exec dotnet "$OUT/LatentAudio.Fuzz.dll" mutate "$TARGET" "$SECONDS_TO_RUN" "$CORPUS" "${FUZZ_SEED:-1}"
fi

if ! command -v afl-fuzz >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq afl++) >/dev/null
fi
if [ ! -x fuzz/.tools/sharpfuzz ]; then
  dotnet tool install --tool-path fuzz/.tools SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi
# Instrument the parsers' assemblies (ours: the audio readers are in Signal, the model/codec parsers in Core; and the
# MP3/Vorbis decoders); a rebuild copies plain ones back.
for dll in LatentAudio.Signal.dll LatentAudio.Core.dll NLayer.dll NVorbis.dll; do
  grep -q SharpFuzz "$OUT/$dll" || fuzz/.tools/sharpfuzz "$OUT/$dll"
done

FINDINGS=fuzz/findings/$TARGET
rm -rf "$FINDINGS"; mkdir -p fuzz/findings
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
# -t 1000: the contract's 1 s hang limit; -m none: .NET reserves far more address space than it uses
# (the allocation limit is checked inside the harness instead).
LIMITS=(-V "$SECONDS_TO_RUN")
[ -z "${FUZZ_EXECS:-}" ] || LIMITS+=(-E "$FUZZ_EXECS")
afl-fuzz "${LIMITS[@]}" -t "${FUZZ_TIMEOUT_MS:-1000}" -m none -i "$CORPUS" -o "$FINDINGS" -- dotnet "$OUT/LatentAudio.Fuzz.dll" afl "$TARGET" >"$FINDINGS.log" 2>&1 || true
STATS=$(find "$FINDINGS" -name fuzzer_stats | head -1)
[ -n "$STATS" ] || { echo "afl-fuzz did not start; see $FINDINGS.log"; tail -20 "$FINDINGS.log"; exit 1; }
val() { awk -F: -v k="$1" '$1 ~ "^"k" *$" {gsub(/ /,"",$2); print $2}' "$STATS"; }
echo "$TARGET: executions $(val execs_done), paths $(val corpus_count), crashes $(val saved_crashes), hangs $(val saved_hangs), $(val run_time) s"
