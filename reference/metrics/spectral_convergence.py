"""spectral_convergence: auraloss STFTLoss with only its spectral-convergence term, at LatentAudio's linear
spectrogram setting: STFTLoss(fft_size=1024, hop_size=160, win_length=1024, window="hann_window", w_sc=1.0,
w_log_mag=0.0, w_lin_mag=0.0)(input=deg, target=ref) = ||Y - X||_F / ||Y||_F (csteinmetz1/auraloss auraloss/freq.py
SpectralConvergenceLoss L9-19, STFTLoss.stft L205-232: torch.stft centred, reflect padding, periodic Hann,
magnitude sqrt(clamp(re^2 + im^2, 1e-8))).

Run: /usr/bin/python3 reference/metrics/spectral_convergence.py

auraloss is imported unmodified from the pinned source (numpy, scipy, torch only). Computed in float64 (class built
under torch.set_default_dtype(torch.float64) so the window is float64, as expected.json's mrstft_float64) and in
float32 (as a user calls it); their difference is the reference's own spread.
"""
import sys

import numpy as np
import torch

import common

sys.path.insert(0, common.src("auraloss"))
import auraloss.freq  # noqa: E402

ARGS = dict(fft_size=1024, hop_size=160, win_length=1024, window="hann_window", w_sc=1.0, w_log_mag=0.0,
            w_lin_mag=0.0, output="full")


def run(dtype):
    torch.set_default_dtype(dtype)
    loss = auraloss.freq.STFTLoss(**ARGS)
    out = {}
    for pid, ref, deg in common.pairs():
        x = torch.from_numpy(deg).to(dtype).view(1, 1, -1)
        y = torch.from_numpy(ref).to(dtype).view(1, 1, -1)
        with torch.no_grad():
            _, sc, _, _, _ = loss(x, y)
        out[pid] = float(sc)
    torch.set_default_dtype(torch.float32)
    return out


v64, v32 = run(torch.float64), run(torch.float32)
for pid in v64:
    print(pid, v64[pid], v32[pid], abs(v64[pid] - v32[pid]) / v64[pid])
common.write_section("spectral_convergence", {
    "reference": [dict(common.pin("auraloss"), file="auraloss/freq.py",
                       function="STFTLoss(**arguments)(input=deg, target=ref)[1] (sc_mag_loss)")],
    "arguments": ARGS,
    "script": "reference/metrics/spectral_convergence.py",
    "values": v64,
    "values_float32": v32,
    "note": "values: float64 (window and inputs); values_float32: float32 as a user calls it.",
})
