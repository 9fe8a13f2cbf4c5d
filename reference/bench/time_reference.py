#!/usr/bin/env python3
"""Times the PyTorch AudioLDM2 VAE encode / decode and HiFi-GAN vocoder on a 10.24 s log-mel and writes the JSON
that `latentaudio bench-models --reference-timing FILE` reads (format: docs/benchmarks.md, "Reference timing").

UNTESTED HERE: the machine this was written on has no diffusers (Debian packages python3-torch, not diffusers);
the protocol and the stage definitions are those of the earlier recorded timing
(tests/LatentAudio.Tests/Fixtures/models/fullsize/python_reference_timing.json).

Run it on the machine that runs bench-models, with the same thread count:
    latentaudio bench-models --keep /tmp/fullsize --threads 2          # writes the random full-size model
    python3 reference/bench/time_reference.py --model /tmp/fullsize --threads 2 --out timing.json
    latentaudio bench-models --model /tmp/fullsize --threads 2 --reference-timing timing.json

Classes: diffusers.AutoencoderKL (diffusers 0.31.0, src/diffusers/models/autoencoders/autoencoder_kl.py) and
transformers.SpeechT5HifiGan (transformers 4.40.2, src/transformers/models/speecht5/modeling_speecht5.py), loaded
from MODEL/vae and MODEL/vocoder with from_pretrained, as AudioLDM2Pipeline does. The weights' values do not change
the speed.
"""
import argparse
import json
import os
import platform
import time

import torch
import diffusers
import transformers
from diffusers import AutoencoderKL
from transformers import SpeechT5HifiGan

FRAMES = 1024  # bench-models' input: 1024 frames x 10 ms = 10.24 s


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def time_stage(fn, runs):
    fn()  # warm-up
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="folder with vae/ and vocoder/ (e.g. written by bench-models --keep)")
    ap.add_argument("--threads", type=int, required=True, help="torch.set_num_threads; give bench-models the same")
    ap.add_argument("--runs", type=int, default=5, help="timed calls per stage after one warm-up (the minimum is kept)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    vae = AutoencoderKL.from_pretrained(args.model, subfolder="vae").eval()
    vocoder = SpeechT5HifiGan.from_pretrained(args.model, subfolder="vocoder").eval()
    mels = vocoder.config.model_in_dim
    # Log-mel-like values around -5 (natural log), as bench-models feeds; the values do not change the speed.
    x = -5 + 2 * (torch.rand(1, vae.config.in_channels, FRAMES, mels) * 2 - 1)

    with torch.inference_mode():
        mean = vae.encode(x).latent_dist.mean
        decoded = vae.decode(mean).sample
        encode = time_stage(lambda: vae.encode(x).latent_dist.mean, args.runs)
        decode = time_stage(lambda: vae.decode(mean).sample, args.runs)
        vocode = time_stage(lambda: vocoder(decoded.squeeze(1)), args.runs)

    result = {
        # required by bench-models
        "frames": FRAMES,
        "torch_num_threads": torch.get_num_threads(),
        "encode_s": min(encode),
        "decode_s": min(decode),
        "vocoder_s": min(vocode),
        # shown or kept for the record
        "cpu": cpu_name(),
        "torch": torch.__version__,
        "diffusers": diffusers.__version__,
        "transformers": transformers.__version__,
        "encode_all_s": encode,
        "decode_all_s": decode,
        "vocoder_all_s": vocode,
        "protocol": f"torch.inference_mode(), float32, CPU; 1 warm-up call, then {args.runs} timed calls "
                    "(time.perf_counter); *_s = min",
        "encode_definition": "vae.encode(x).latent_dist.mean",
        "decode_definition": "vae.decode(mean).sample",
        "vocoder_definition": "SpeechT5HifiGan(decoded.squeeze(1))",
        "model": os.path.abspath(args.model),
        "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "MKL_NUM_THREADS")},
        "os_cpu_count": os.cpu_count(),
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps({k: result[k] for k in ("encode_s", "decode_s", "vocoder_s", "torch_num_threads")}))


if __name__ == "__main__":
    main()
