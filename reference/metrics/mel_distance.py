"""mel_distance and mel_distance_audiotools: descript-audio-codec's MelSpectrogramLoss (dac/nn/loss.py L140-230,
copied from audiotools/metrics/spectral.py, identical class) called as loss(x=AudioSignal(deg), y=AudioSignal(ref)),
once with DAC's conf/base.yml L63-69 settings (mel_distance) and once with the class defaults
(mel_distance_audiotools). The mel spectrogram is audiotools' AudioSignal.mel_spectrogram (torch.stft centred,
reflect padding, scipy periodic Hann, librosa.filters.mel on the magnitude).

Run: /usr/bin/python3 reference/metrics/mel_distance.py

What is imported and what is stubbed:
* dac/nn/loss.py loaded as a file (dac/__init__ imports the codec model, argbind etc.).
* audiotools/core/ from the pinned source, as a bare package (audiotools/__init__ imports data/ml/metrics modules
  with further dependencies). Stubbed load-time imports that are not on the mel path: julius (resampling and
  filters), ffmpy (ffmpeg subprocess), flatten_dict (nested-dict helpers). torchaudio, importlib_resources are Debian's.
* librosa 0.10.2.post1 from its pinned source (only librosa.filters.mel is used; float32 bank, its default).
* Inputs are float32 tensors of shape (1, 1, N) as AudioSignal loads audio; the loss runs in float32.
"""
import sys
import types

import numpy as np
import torch

import common

common.use_librosa()
for name in ("julius", "ffmpy"):
    common.stub(name)
common.stub("flatten_dict", flatten=None, unflatten=None)
pkg = types.ModuleType("audiotools")
pkg.__path__ = [common.src("audiotools", "audiotools")]
sys.modules["audiotools"] = pkg
from audiotools.core import AudioSignal, STFTParams  # noqa: E402
pkg.AudioSignal, pkg.STFTParams = AudioSignal, STFTParams
loss_mod = common.load_module("dac_nn_loss", common.src("dac", "dac", "nn", "loss.py"))

SETTINGS = {
    "mel_distance": dict(n_mels=[5, 10, 20, 40, 80, 160, 320], window_lengths=[32, 64, 128, 256, 512, 1024, 2048],
                         mel_fmin=[0, 0, 0, 0, 0, 0, 0], mel_fmax=[None] * 7, pow=1.0, clamp_eps=1.0e-5,
                         mag_weight=0.0),
    "mel_distance_audiotools": dict(),
}
SOURCE = {
    "mel_distance": "conf/base.yml L63-69 (MelSpectrogramLoss.* bindings)",
    "mel_distance_audiotools": "class defaults: n_mels [150, 80], window_lengths [2048, 512], pow 2.0, "
                               "clamp_eps 1e-5, mag_weight 1.0, log_weight 1.0, mel_fmin [0, 0], mel_fmax [None, None]",
}

for key, kwargs in SETTINGS.items():
    loss = loss_mod.MelSpectrogramLoss(**kwargs)
    values = {}
    for pid, ref, deg in common.pairs():
        x = AudioSignal(torch.from_numpy(deg.astype(np.float32)).view(1, 1, -1), 16000)
        y = AudioSignal(torch.from_numpy(ref.astype(np.float32)).view(1, 1, -1), 16000)
        with torch.no_grad():
            values[pid] = float(loss(x, y))
        print(key, pid, values[pid])
    common.write_section(key, {
        "reference": [dict(common.pin("dac"), file="dac/nn/loss.py",
                           function=f"MelSpectrogramLoss(**arguments)(x=AudioSignal(deg, 16000), y=AudioSignal(ref, 16000))"),
                      dict(common.pin("audiotools"), file="audiotools/core/audio_signal.py",
                           function="AudioSignal.mel_spectrogram / stft / get_window / get_mel_filters"),
                      dict(common.pin("librosa-0.10.2"), file="librosa/filters.py", function="mel (Slaney, float32)")],
        "arguments": kwargs,
        "settings_source": SOURCE[key],
        "dtype": "float32",
        "script": "reference/metrics/mel_distance.py",
        "values": values,
    })
