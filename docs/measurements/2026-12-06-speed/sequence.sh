#!/bin/bash
cd /work/main
L=src/LatentAudio.Cli/bin/Release/net10.0/latentaudio.dll
log() { echo "== $1 $(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)" >> /tmp/q2/log.txt; }
log start
bash reference/bench/run.sh --model /tmp/fullsize --threads 2 --out /tmp/q2/timing.json > /tmp/q2/pytorch.txt 2>&1
log pytorch-done
dotnet $L bench-models --model /tmp/fullsize --path reconstruct --runs 3 --reference-timing /tmp/q2/timing.json > /tmp/q2/bench-models.txt 2>&1
log bench-models-done
dotnet $L bench-metrics --repeat 5 > /tmp/q2/bench-metrics.txt 2>&1
log bench-metrics-done
dotnet $L bench-load --model /tmp/fullsize > /tmp/q2/bench-load.txt 2>&1
log bench-load-done
cd /tmp/q && rm -rf out1 out2
/usr/bin/time -f "wall %e s, cpu %U+%S s, maxrss %M kB" dotnet /work/main/$L reconstruct in/ --model /tmp/fullsize -o out1 -q > /tmp/q2/reconstruct1.txt 2>&1
log reconstruct1-done
/usr/bin/time -f "wall %e s, cpu %U+%S s, maxrss %M kB" dotnet /work/main/$L reconstruct in/speech_libri1.wav --model /tmp/fullsize --decoder all -o out2 -q > /tmp/q2/reconstruct2.txt 2>&1
log all-done
