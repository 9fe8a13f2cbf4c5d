"""mcd / mcd_no_c0: NOT a match, a documented comparison. LatentAudio's mcd borrows its frame parameters (32 ms / 8 ms,
20 mel bands, D = 16) from stefantaubert/mel-cepstral-distance, but computes Kubichek's dB-scaled MCD on an
orthonormal DCT of the ln mel amplitude (see docs/metrics.md). This script records what that package itself gives on
the golden pairs with the nearest settings (no DTW: aligning="pad"; s = 0 and s = 1; D = 16; its defaults
otherwise), so the size of the difference is on file:

  mel_cepstral_distance.compare_audio_files(ref_path, deg_path, sample_rate=16000, n_fft=32, win_len=32, hop_len=8,
      window="hanning", fmin=0, fmax=8000, M=20, s=S, D=16, aligning="pad", remove_silence="no", norm_audio=True)

Run: /usr/bin/python3 reference/metrics/mcd.py

The package is imported from the pinned source; fastdtw (used only by aligning="dtw") is stubbed.
VERSA's and pymcd's MCD need pyworld and pysptk (WORLD vocoder + SPTK mel-cepstrum), which Debian does not package;
they were not run (VERSA's published test vector, mcd 5.045226506332897, is on its own test files and WORLD features).
"""
import os
import sys

import common

common.stub("fastdtw")
common.stub("fastdtw.fastdtw")
sys.path.insert(0, common.src("mcd", "src"))
from mel_cepstral_distance import compare_audio_files  # noqa: E402
import json  # noqa: E402

ARGS = dict(sample_rate=16000, n_fft=32, win_len=32, hop_len=8, window="hanning", fmin=0, fmax=8000, M=20, D=16,
            aligning="pad", remove_silence="no", norm_audio=True)

with open(os.path.join(common.FIXTURES, "expected.json")) as f:
    pairs = json.load(f)["pairs"]
for key, s in (("mcd", 0), ("mcd_no_c0", 1)):
    values = {}
    for p in pairs:
        path = lambda name: os.path.join(common.FIXTURES, "pairs", name)  # noqa: E731
        mcd, penalty = compare_audio_files(path(p["ref"]), path(p["deg"]), s=s, **ARGS)
        values[p["id"]] = float(mcd)
        print(key, p["id"], mcd, penalty)
    common.write_section(key, {
        "status": "comparison only: LatentAudio's definition differs (see note); no test asserts equality",
        "reference": [dict(common.pin("mcd"), file="src/mel_cepstral_distance/api.py",
                           function="compare_audio_files(ref_path, deg_path, s=%d, **arguments)[0]" % s)],
        "arguments": dict(ARGS, s=s),
        "script": "reference/metrics/mcd.py",
        "values": values,
        "note": "stefantaubert's package frames without centring (frames k = 0, hop, ... < N - win), uses numpy's "
                "symmetric np.hanning, HTK-formula triangular filters on floor((n_fft+1) f/sr) bins without area "
                "normalisation, log10 energy + machine eps, an unnormalised cosine transform whose first row is "
                "cos(1*(n-0.5)pi/M) (no c0 in the usual sense: s=0 keeps that row, s=1 drops it), alpha = 1 (bels, "
                "no 10 sqrt(2)/ln10), and peak-normalises both signals. LatentAudio: centred reflect-padded "
                "periodic Hann, librosa Slaney mel bank, 0.5 ln(mel power), orthonormal DCT-II c0..c15, "
                "alpha = 10 sqrt(2)/ln10 (dB), no normalisation.",
    })
