#!/usr/bin/env python3
"""Where each tool misses the speech of the stepped-noise files, by local SNR.

The stepped files put real speech over noise whose level steps by 15 to 40 dB; much of their
speech ends up under noise louder than itself. make_real_set.py keeps each file's speech and
noise apart (steps-speech-K.parts.npz); here the local SNR of every 10 ms frame is the speech
power over the noise power, each averaged over 0.3 s around it, and each tool's missed speech
is counted by SNR band. A tool that finds speech under noise much louder than itself does so
by calling noise speech (see its seconds in the noise-only files).

Usage: steps_snr.py SETDIR TOOL=MANIFEST.jsonl ...
"""
import json, os, sys
import numpy as np

from score import frames

BANDS = [(-np.inf, -10, "under -10 dB"), (-10, 0, "-10 to 0 dB"), (0, 10, "0 to 10 dB"), (10, np.inf, "over 10 dB")]


def local_power(x, rate, n):
    hop = rate // 100
    m = min(n, len(x) // hop)
    p = np.zeros(n)
    p[:m] = (x[:m * hop].astype(np.float64).reshape(m, hop) ** 2).mean(axis=1)
    return np.convolve(p, np.ones(30) / 30, "same")


def main():
    setdir, tools = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
    truth = [json.loads(l) for l in open(os.path.join(setdir, "truth.jsonl"))]
    truth = [t for t in truth if t["noise"] == "steps"]
    found = {}
    for name, path in tools:
        found[name] = {}
        for l in open(path):
            d = json.loads(l)
            found[name].setdefault(d["file"].split("/")[-1], []).append((d["start"], d["end"]))
    total = np.zeros(len(BANDS))
    missed = {name: np.zeros(len(BANDS)) for name, _ in tools}
    for t in truth:
        parts = np.load(os.path.join(setdir, t["file"].replace(".wav", ".parts.npz")))
        n = int(round(t["duration"] * 100))
        snr = 10 * np.log10(local_power(parts["speech"], t["rate"], n) + 1e-20) - 10 * np.log10(local_power(parts["noise"], t["rate"], n) + 1e-20)
        speech = frames(t["segments"], n)
        for b, (lo, hi, _) in enumerate(BANDS):
            band = speech & (snr >= lo) & (snr < hi)
            total[b] += band.sum() / 100
            for name, _ in tools:
                missed[name][b] += (band & ~frames(found[name].get(t["file"], []), n)).sum() / 100
    print("| speech missed in the stepped files, by local SNR (s) | " + " | ".join(label for _, _, label in BANDS) + " |")
    print("|---|" + "---|" * len(BANDS))
    print("| speech there | " + " | ".join(f"{x:.0f}" for x in total) + " |")
    for name, _ in tools:
        print(f"| {name} | " + " | ".join(f"{x:.0f}" for x in missed[name]) + " |")


if __name__ == "__main__":
    main()
