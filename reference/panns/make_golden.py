"""PANNs CNN14 (16 kHz) parity fixtures for LatentAudio's PannsCnn14Embedder (fixture generation only; never run by
the product, its tests or CI).

Imports audioldm_eval's own Cnn14 (audioldm_eval/feature_extractors/panns/models.py) and WaveDataset
(audioldm_eval/datasets/load_mel.py), torchlibrosa and librosa from REFSRC at the commits in PINS, builds the model
with the 16 kHz arguments of audioldm_eval/eval.py EvaluationHelper.__init__ (backbone "cnn14"), and writes to
tests/LatentAudio.Tests/Fixtures/panns/:

  tiny_cnn14_16k.pth   a reduced-width model (conv widths WIDTHS, same layer names, same front end), random weights
                       and random BatchNorm statistics, saved the way PANNs' pytorch/main.py saves a checkpoint
                       ({'iteration', 'model', 'sampler'} with numpy arrays in 'sampler') in torch's LEGACY
                       (non-zip) format, which audioldm_eval reads with torch.load(...)["model"];
  clip_a.wav, clip_b.wav  inputs (16-bit PCM): A stereo 16 kHz 1.25 s (first channel, mean removal, padding to
                       32000 samples), B mono 22.05 kHz 2.5 s (resampling by torchaudio.functional.resample);
  golden.json          per clip: the waveform audioldm_eval feeds the model, the log-mel (logmel_extractor output)
                       and the "2048" embedding; plus versions and pins;
  zip_training_checkpoint.pth  {'iteration', 'model': {w, n}, 'sampler' (numpy)} in the zip format;
  legacy_extra_storages.pth  a legacy file with tensors outside 'model' (their storages must be skipped);
  cnn14_16k_keys.json  the full-size model's state-dict keys and shapes (for the shape-check test).

Run: REFSRC=/tmp/panns-refsrc nice -n 19 /usr/bin/python3 reference/panns/make_golden.py  (see README.md)
"""
import json
import os
import sys
import tempfile
import types

import numpy as np
import scipy.io.wavfile
import torch

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(REPO, "tests", "LatentAudio.Tests", "Fixtures", "panns")
REFSRC = os.environ.get("REFSRC", "/work/refsrc")
PINS = {
    "audioldm_eval": ("haoheliu/audioldm_eval", "8dc07ee7c42f9dc6e295460a1034175a0d49b436"),
    "torchlibrosa": ("qiuqiangkong/torchlibrosa", "d4e8add6c9ee49ae531c78a4901e4fdcc88c746a"),
    "librosa-0.10.2": ("librosa/librosa", "c295e2ada7c307bc55765b1fc72ef5c1cb7cbbac"),  # tag 0.10.2.post1
}
# audioldm_eval/eval.py EvaluationHelper.__init__, sampling_rate == 16000, backbone "cnn14"
ARGS_16K = dict(features_list=["2048", "logits"], sample_rate=16000, window_size=512, hop_size=160, mel_bins=64,
                fmin=50, fmax=8000, classes_num=527)
WIDTHS = [4, 8, 8, 16, 16, 32]  # the fixture's conv_block1..6 output channels (full size: 64 ... 2048)


def src(folder):
    path = os.path.join(REFSRC, folder)
    if not os.path.isdir(path):
        sys.exit(f"missing {path}: export {PINS[folder][0]} at {PINS[folder][1]} there (see README.md)")
    return path


sys.path[:0] = [src("librosa-0.10.2"), src("torchlibrosa"), src("audioldm_eval")]
sys.modules["soxr"] = types.ModuleType("soxr")  # librosa's resampler backend: nothing here resamples with librosa
# audioldm_eval's package __init__ imports eval.py (transformers, MERT, ssr_eval): register bare packages instead so
# that only the two modules used here load, unmodified, from their own files.
for pkg in ["audioldm_eval", "audioldm_eval.feature_extractors", "audioldm_eval.feature_extractors.panns",
            "audioldm_eval.datasets"]:
    m = types.ModuleType(pkg)
    m.__path__ = [os.path.join(src("audioldm_eval"), *pkg.split("."))]
    sys.modules[pkg] = m
import audioldm_eval.feature_extractors.panns.models as panns_models  # noqa: E402
from audioldm_eval.datasets.load_mel import WaveDataset  # noqa: E402
import librosa  # noqa: E402
import torchaudio  # noqa: E402

Cnn14 = panns_models.Cnn14
ConvBlock = panns_models.ConvBlock
CKPT = os.path.join(".cache", "audioldm_eval", "ckpt")


def construct_without_checkpoint():
    """Cnn14.__init__ at 16 kHz with its torch.load/load_state_dict of the downloaded checkpoint bypassed, so the
    front end (torchlibrosa Spectrogram/LogmelFilterBank) comes from the constructor itself."""
    load, load_sd = torch.load, Cnn14.load_state_dict
    torch.load = lambda *a, **k: {"model": None}
    Cnn14.load_state_dict = lambda self, sd, strict=True: None
    try:
        return Cnn14(**ARGS_16K)
    finally:
        torch.load, Cnn14.load_state_dict = load, load_sd


def randomise(model, gen):
    """Random weights and BatchNorm statistics; the frozen front end (DFT conv, mel bank) is kept."""
    sd = model.state_dict()
    for k, v in sd.items():
        if k.startswith(("spectrogram_extractor", "logmel_extractor")) or k.endswith("num_batches_tracked"):
            continue
        if k == "bn0.running_mean":
            v.copy_(torch.randn(v.shape, generator=gen) * 5 - 30)      # log-mel is in dB
        elif k == "bn0.running_var":
            v.copy_(torch.rand(v.shape, generator=gen) * 300 + 100)
        elif k.endswith("running_mean"):
            v.copy_(torch.randn(v.shape, generator=gen) * 0.2)
        elif k.endswith("running_var"):
            v.copy_(torch.rand(v.shape, generator=gen) * 1.5 + 0.5)
        elif k.endswith(".weight") and v.dim() == 1:                    # BN scale
            v.copy_(torch.rand(v.shape, generator=gen) + 0.5)
        elif k.endswith(".bias"):
            v.copy_(torch.randn(v.shape, generator=gen) * 0.1)
        else:                                                            # conv / linear weight, fan-in scaled
            fan_in = int(np.prod(v.shape[1:]))
            v.copy_(torch.randn(v.shape, generator=gen) * (2.0 / fan_in) ** 0.5)
    for k, v in sd.items():
        if k.endswith("num_batches_tracked"):
            v.fill_(12345)
    model.load_state_dict(sd)


def narrow(model):
    """The same module tree with WIDTHS channels: audioldm_eval's own ConvBlock and nn.Linear, same names."""
    cin = 1
    for i, w in enumerate(WIDTHS, 1):
        setattr(model, f"conv_block{i}", ConvBlock(in_channels=cin, out_channels=w))
        cin = w
    model.fc1 = torch.nn.Linear(cin, cin, bias=True)
    model.fc_audioset = torch.nn.Linear(cin, ARGS_16K["classes_num"], bias=True)
    return model


def training_checkpoint(state_dict):
    """What pytorch/main.py of audioset_tagging_cnn saves: model plus iteration and the sampler's state."""
    rng = np.random.RandomState(3)
    return {
        "iteration": 560000,
        "model": state_dict,
        "sampler": {
            "indexes_per_class": [np.where(rng.rand(40) > 0.5)[0] for _ in range(5)],
            "queue": [int(i) for i in rng.randint(0, 527, 10)],
            "pointers_of_classes": [0] * 5,
            "random_state": rng.get_state(),
        },
    }


def write_clips():
    t = np.arange(int(16000 * 1.25)) / 16000
    left = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.1 * np.sin(2 * np.pi * 3100 * t) + 0.05
    right = 0.2 * np.sin(2 * np.pi * 660 * t)
    rng = np.random.RandomState(7)
    left += 0.02 * rng.randn(t.size)
    a = np.stack([left, right], 1)
    t = np.arange(int(22050 * 2.5)) / 22050
    b = 0.25 * np.sin(2 * np.pi * (200 + 900 * t) * t) + 0.03 * rng.randn(t.size) - 0.02
    clips = {"clip_a.wav": (16000, a), "clip_b.wav": (22050, b)}
    for name, (sr, x) in clips.items():
        scipy.io.wavfile.write(os.path.join(OUT, name), sr, np.round(np.clip(x, -1, 1) * 32767).astype(np.int16))
    return list(clips)


def f32(values):
    """float32 values at the 9 significant digits that round-trip them."""
    return [float("%.9g" % v) for v in values]


def main():
    os.makedirs(OUT, exist_ok=True)
    # Cnn14.__init__ wgets both checkpoints into ~/.cache/audioldm_eval/ckpt unless the 32 kHz one exists there.
    home = tempfile.mkdtemp()
    os.makedirs(os.path.join(home, CKPT))
    open(os.path.join(home, CKPT, "Cnn14_mAP=0.431.pth"), "w").close()
    os.environ["HOME"] = home
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(2024)

    full = construct_without_checkpoint()
    keys = {k: list(v.shape) for k, v in full.state_dict().items()}

    tiny = narrow(construct_without_checkpoint())
    randomise(tiny, gen)
    ckpt_path = os.path.join(OUT, "tiny_cnn14_16k.pth")
    torch.save(training_checkpoint(tiny.state_dict()), ckpt_path, _use_new_zipfile_serialization=False)

    # Load it back as audioldm_eval does (torch.load(...)["model"] into the same module tree).
    model = narrow(construct_without_checkpoint())
    model.load_state_dict(torch.load(ckpt_path)["model"])
    model.eval()

    # A legacy file whose other entries hold tensors too (an optimizer's, say): the reader must step over their
    # storages (one float64, one int64) to reach the model's.
    extra = {"optimizer": {"state": torch.arange(5, dtype=torch.float64), "step": torch.tensor([9, 8])},
             "model": {"w": torch.tensor([1.5, -2.0, 3.25]), "n": torch.tensor(7)},
             "iteration": 3}
    torch.save(extra, os.path.join(OUT, "legacy_extra_storages.pth"), _use_new_zipfile_serialization=False)
    # The same kind of training checkpoint in the zip format (torch >= 1.6), numpy sampler included.
    torch.save(training_checkpoint({"w": torch.tensor([0.25, -1.0]), "n": torch.tensor(4)}),
               os.path.join(OUT, "zip_training_checkpoint.pth"))

    names = write_clips()
    dataset = WaveDataset(OUT, sr=16000)
    dataset.datalist = [os.path.join(OUT, n) for n in names]
    clips = {}
    for i, name in enumerate(names):
        waveform, _ = dataset[i]                         # (1, n): first channel, mean removed, resampled, padded
        waveform = waveform.unsqueeze(0).squeeze(1).float()  # DataLoader batch of 1, then get_featuresdict
        with torch.no_grad():
            logmel = model.logmel_extractor(model.spectrogram_extractor(waveform))
            out = model(waveform)
        clips[name] = {
            "waveform": f32(waveform[0].tolist()),
            "logmel_shape": list(logmel.shape),
            "logmel": f32(logmel.flatten().tolist()),
            "embedding": f32(out["2048"][0].tolist()),
        }

    golden = {
        "about": "reference/panns/make_golden.py: audioldm_eval Cnn14 (16 kHz arguments of eval.py), reduced widths, "
                 "random weights; waveform = WaveDataset.read_from_file output; logmel = logmel_extractor output; "
                 "embedding = forward(...)['2048']",
        "pins": {k: {"repo": r, "commit": c} for k, (r, c) in PINS.items()},
        "widths": WIDTHS,
        "args": ARGS_16K,
        "versions": {"python": sys.version.split()[0], "torch": torch.__version__, "torchaudio": torchaudio.__version__,
                     "numpy": np.__version__, "librosa": librosa.__version__},
        "clips": clips,
    }
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f)
    with open(os.path.join(OUT, "cnn14_16k_keys.json"), "w") as f:
        json.dump({"about": "state_dict() of audioldm_eval Cnn14(**ARGS_16K): key -> shape", "args": ARGS_16K,
                   "keys": keys}, f, indent=0)
    for name, c in clips.items():
        e = np.array(c["embedding"])
        print(name, "logmel", c["logmel_shape"], "embedding nonzero", int((e > 0).sum()), "of", e.size,
              "max", float(e.max()))


if __name__ == "__main__":
    main()
