"""lsd: audioldm_eval's EvaluationHelper.calculate_lsd (haoheliu/audioldm_eval audioldm_eval/eval.py L145-180), which
mean-removes and peak-normalises both signals and calls ssr_eval's AudioMetrics(sr).evaluation(est, target)["lsd"]
(haoheliu/ssr_eval ssr_eval/metrics.py): librosa.stft n_fft int(2048/(44100/sr)) = 743, hop sr/100 = 160.

Run: /usr/bin/python3 reference/metrics/lsd.py

What is imported and what is stubbed:
* ssr_eval/metrics.py and ssr_eval/utils.py from the pinned source (the package __init__ is skipped: it imports the
  SSR model helpers, which need torchlibrosa).
* audioldm_eval/eval.py from the pinned source; its load-time imports that are not on the LSD path are stubbed:
  the package's own dataset/feature-extractor/FAD modules, transformers (MERT model loading). torchaudio, skimage,
  tqdm are Debian's. `EvaluationHelper.calculate_lsd` and `.lsd` run unmodified on an object that has only
  `lsd_metric = AudioMetrics(16000)` (the attribute the pinned commit comments out, L36).
* librosa 0.10.2.post1 from its pinned source (stft zero-pads: pad_mode "constant", the default since 0.9.0).
* time_offset = 0: LatentAudio's lsd does not drop audioldm_eval's 1120-sample HiFi-GAN offset (its default).
* Inputs are float32 (audioldm_eval's WaveDataset yields float32 tensors), ref = target = audio2, deg = audio1.
"""
import sys
import types

import numpy as np
import torch

import common

librosa = common.use_librosa()
librosa_pin = common.pin("librosa-0.10.2")

# ssr_eval as a bare package (its __init__ imports the SSR model code)
pkg = types.ModuleType("ssr_eval")
pkg.__path__ = [common.src("ssr_eval", "ssr_eval")]
sys.modules["ssr_eval"] = pkg
from ssr_eval.metrics import AudioMetrics  # noqa: E402

# audioldm_eval/eval.py with its non-LSD imports stubbed
for name in ("audioldm_eval", "audioldm_eval.datasets", "audioldm_eval.datasets.load_mel", "audioldm_eval.metrics",
             "audioldm_eval.metrics.fad", "audioldm_eval.feature_extractors", "audioldm_eval.feature_extractors.panns",
             "audioldm_eval.audio", "audioldm_eval.audio.tools", "transformers"):
    common.stub(name)
evalmod = common.load_module("audioldm_eval_eval", common.src("audioldm_eval", "audioldm_eval", "eval.py"))
Helper = evalmod.EvaluationHelper


class LsdOnly:
    lsd_metric = AudioMetrics(16000)

    def lsd(self, audio1, audio2):
        return Helper.lsd(self, audio1, audio2)


values, values64 = {}, {}
for pid, ref, deg in common.pairs():
    for dtype, into in ((np.float32, values), (np.float64, values64)):
        # the loader yields (_, _, filename, (audio1, audio2)) with audio tensors of shape (1, 1, N)
        loader = [(None, None, pid, (torch.from_numpy(deg.astype(dtype)).view(1, 1, -1),
                                     torch.from_numpy(ref.astype(dtype)).view(1, 1, -1)))]
        out = Helper.calculate_lsd(LsdOnly(), loader, same_name=True, time_offset=0)
        into[pid] = float(out["lsd"])
    print(pid, values[pid], values64[pid], abs(values[pid] - values64[pid]))

common.write_section("lsd", {
    "reference": [dict(common.pin("audioldm_eval"), file="audioldm_eval/eval.py",
                       function="EvaluationHelper.calculate_lsd(pairedloader, same_name=True, time_offset=0)"),
                  dict(common.pin("ssr_eval"), file="ssr_eval/metrics.py",
                       function="AudioMetrics(16000).evaluation(est=deg, target=ref, None)['lsd']"),
                  dict(librosa_pin, file="librosa/core/spectrum.py", function="stft (defaults: center=True, pad_mode='constant', hann)")],
    "arguments": {"rate": 16000, "n_fft": 743, "hop_length": 160, "time_offset": 0, "dtype": "float32",
                  "audio1 (estimate)": "deg", "audio2 (target)": "ref"},
    "script": "reference/metrics/lsd.py",
    "values": values,
    "values_float64": values64,
    "note": "values: float32 inputs as audioldm_eval's loader gives them (librosa then computes in complex64); "
            "values_float64: the same call on float64 inputs. Their difference is the reference's own spread.",
})
