#!/usr/bin/env python3
"""Where each tool misses the speech of the stepped-noise files, by local SNR.

The stepped files put real speech over noise whose level steps by 15 to 40 dB; much of their
speech ends up under noise louder than itself. make_real_set.py keeps each file's speech and
noise apart (steps-speech-K.parts.npz); here the local SNR of every 10 ms frame is the speech
power over the noise power, each averaged over 0.3 s around it, and each tool's missed speech
is counted by SNR band. A tool that finds speech under noise much louder than itself does so
by calling noise speech (see its seconds in the noise-only files).

A second table gives each tool's frame F1 on these files beside a ceiling: the frame F1 of a
detector that calls no noise speech and finds every frame of speech that stands at or above
the noise (its power over 50 ms) in at least one of five bands (200 Hz-4 kHz, 150 Hz-1 kHz,
1-2 kHz, 2-4 kHz, 4-7.8 kHz), its gaps under 0.3 s inside a true region filled (the truth's own
rule). It is what a detector gets that finds speech wherever, and only where, it stands above
the noise in some band, and calls no noise speech; to do better a tool must find speech under
louder noise: by bridging longer gaps, by a model of speech, or by calling noise speech too.

Usage: steps_snr.py SETDIR TOOL=MANIFEST.jsonl ...
"""
import json, os, sys
import numpy as np
from scipy.signal import butter, sosfilt

from score import frames

BANDS = [(-np.inf, -10, "under -10 dB"), (-10, 0, "-10 to 0 dB"), (0, 10, "0 to 10 dB"), (10, np.inf, "over 10 dB")]


def local_power(x, rate, n, frames_=30):
    """Power of each 10 ms frame, averaged over `frames_` frames around it."""
    hop = rate // 100
    m = min(n, len(x) // hop)
    p = np.zeros(n)
    p[:m] = (x[:m * hop].astype(np.float64).reshape(m, hop) ** 2).mean(axis=1)
    return np.convolve(p, np.ones(frames_) / frames_, "same")


CEILING_BANDS = [(200, 4000), (150, 1000), (1000, 2000), (2000, 4000), (4000, 7800)]


def above_noise(parts, rate, n, speech):
    """True speech frames that stand at or above the noise in some band (50 ms power), with the
    gaps under 0.3 s between them inside a true region filled."""
    found = np.zeros(n, bool)
    for lo, hi in CEILING_BANDS:
        if hi >= 0.5 * rate:
            continue
        sos = butter(4, [lo, hi], btype="band", fs=rate, output="sos")
        s = local_power(sosfilt(sos, parts["speech"]), rate, n, 5)
        z = local_power(sosfilt(sos, parts["noise"]), rate, n, 5)
        found |= s >= z
    found &= speech
    i = 0
    while i < n:
        if speech[i] and not found[i]:
            j = i
            while j < n and speech[j] and not found[j]:
                j += 1
            if j - i < 30 and i > 0 and found[i - 1] and j < n and found[j]:
                found[i:j] = True
            i = j
        else:
            i += 1
    return found


def f1(tp, fa, miss):
    return 2 * tp / max(1, 2 * tp + fa + miss)


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
    counts = {name: np.zeros(3) for name in ["ceiling"] + [name for name, _ in tools]}
    for t in truth:
        parts = np.load(os.path.join(setdir, t["file"].replace(".wav", ".parts.npz")))
        n = int(round(t["duration"] * 100))
        snr = 10 * np.log10(local_power(parts["speech"], t["rate"], n) + 1e-20) - 10 * np.log10(local_power(parts["noise"], t["rate"], n) + 1e-20)
        speech = frames(t["segments"], n)
        ceiling = above_noise(parts, t["rate"], n, speech)
        counts["ceiling"] += [ceiling.sum(), 0, (speech & ~ceiling).sum()]
        for name, _ in tools:
            called = frames(found[name].get(t["file"], []), n)
            counts[name] += [(called & speech).sum(), (called & ~speech).sum(), (speech & ~called).sum()]
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
    print()
    print("| frame F1 on the stepped files | F1 | speech found (s) | noise called speech (s) |")
    print("|---|---|---|---|")
    for name, (tp, fa, miss) in counts.items():
        label = "ceiling (all speech at or above the noise in some band, no noise)" if name == "ceiling" else name
        print(f"| {label} | {f1(tp, fa, miss):.3f} | {tp / 100:.0f} of {(tp + miss) / 100:.0f} | {fa / 100:.0f} |")


if __name__ == "__main__":
    main()
