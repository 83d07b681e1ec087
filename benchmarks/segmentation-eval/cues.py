#!/usr/bin/env python3
"""Whether syllable-rate modulation or spectral flatness would tell the babble Chorus calls
speech from the speech the annotators marked.

Speech rises and falls with its syllables, 2 to 8 times a second; a babble of many voices is
smoother, since each voice fills the others' dips. And noise is spectrally flatter than a
voice, its flatness steadier. So the babble that Chorus calls speech on the real set (other
AMI recordings summed, 5 to 20 dB under the talker) might show less of both than the marked
speech. This measures it over every region Chorus reports (at least 0.3 s long):

- envelope: the standard deviation, in dB, of the speech band's (200 Hz-4 kHz) 10 ms energy
  in dB, band-passed to 2-8 Hz;
- index: in four bands (200-500 Hz, 500 Hz-1 kHz, 1-2 kHz, 2-4 kHz), the 10 ms power
  envelope's variance at 2-8 Hz over its squared mean (the modulation depth at syllable
  rate), averaged over the bands;
- flatness: the spectral flatness (geometric over arithmetic mean of the power spectrum,
  200 Hz-4 kHz, 32 ms frames every 10 ms) in dB, its median over the region (0 dB is white
  noise; a voice is far below);
- flatness change: the standard deviation of that flatness over the region.

A region is "marked" where the truth covers 80 % of it or more and "not marked" under 20 %.
For each measure it prints the 10th, 50th and 90th percentiles by class, and how much of the
babble Chorus calls speech a threshold would remove if set to keep 95 % of the marked speech
(by time) at 10 and 5 dB. On the real set of seed 7 that is none, by any of the four.

Usage: modulation.py SETDIR CHORUS_MANIFEST.jsonl
"""
import json, sys
from collections import defaultdict

import numpy as np
from scipy.io import wavfile
from scipy.signal import butter, sosfilt, stft

from score import frames

BANDS = [(200, 500), (500, 1000), (1000, 2000), (2000, 4000)]
# The 10 ms envelopes' own rate.
ENVELOPE_RATE = 100


def envelopes(x, rate, n):
    """Per 10 ms frame: the speech band's power, and each of BANDS' power."""
    hop = rate // 100
    m = min(n, len(x) // hop)

    def power(low, high):
        sos = butter(4, [low, min(high, rate / 2 - 100)], "bandpass", fs=rate, output="sos")
        y = sosfilt(sos, x)
        p = np.full(n, 1e-12)
        p[:m] = (y[:m * hop].reshape(m, hop) ** 2).mean(axis=1) + 1e-12
        return p

    return power(200, 4000), [power(lo, hi) for lo, hi in BANDS]


def flatness(x, rate, n):
    """Spectral flatness (dB) of 32 ms frames every 10 ms over 200 Hz-4 kHz, one per 10 ms frame."""
    hop = rate // 100
    size = 1 << int(np.ceil(np.log2(0.032 * rate)))
    freqs, _, z = stft(x, fs=rate, nperseg=size, noverlap=size - hop, boundary=None, padded=False)
    band = (freqs >= 200) & (freqs <= min(4000, rate / 2))
    p = np.abs(z[band]) ** 2 + 1e-20
    f = 10 * np.log10(np.exp(np.log(p).mean(axis=0)) / p.mean(axis=0))
    out = np.full(n, f[-1] if len(f) else 0.0)
    # Frame k covers [k * hop, k * hop + size): centre it on its 10 ms frames.
    shift = (size // hop) // 2
    m = min(n - shift, len(f))
    out[shift:shift + m] = f[:m]
    out[:shift] = f[0] if len(f) else 0.0
    return out


def measures(speech, bands, flat, a, b, syllable):
    """Envelope dB deviation at 2-8 Hz, mean modulation index at 2-8 Hz, median flatness and
    its deviation, over frames [a, b)."""
    db = sosfilt(syllable, 10 * np.log10(speech))
    envelope = float(np.std(db[a:b]))
    index = []
    for p in bands:
        mean = p[a:b].mean()
        index.append(float(np.var(sosfilt(syllable, p)[a:b])) / (mean * mean))
    return envelope, float(np.mean(index)), float(np.median(flat[a:b])), float(np.std(flat[a:b]))


def main():
    setdir, manifest = sys.argv[1], sys.argv[2]
    truth = [json.loads(line) for line in open(f"{setdir}/truth.jsonl")]
    predicted = defaultdict(list)
    for line in open(manifest):
        d = json.loads(line)
        predicted[d["file"].split("/")[-1]].append((d["start"], d["end"]))
    syllable = butter(2, [2, 8], "bandpass", fs=ENVELOPE_RATE, output="sos")
    rows = []  # (class, seconds, envelope, index)
    for t in truth:
        if t["noise"] == "only" or not predicted.get(t["file"]):
            continue
        n = int(round(t["duration"] * 100))
        marked = frames(t["segments"], n)
        rate, x = wavfile.read(f"{setdir}/{t['file']}")
        x = x.astype(np.float64) / 32768
        if x.ndim > 1:
            x = x.mean(axis=1)
        speech, bands = envelopes(x, rate, n)
        flat = flatness(x, rate, n)
        for start, end in predicted[t["file"]]:
            a, b = int(start * 100), min(n, int(end * 100))
            if b - a < 30:
                continue
            share = marked[a:b].mean()
            snr = "clean" if t["snr"] is None else f"{t['snr']} dB"
            if share >= 0.8:
                label = f"marked, {t['noise'] if t['noise'] == 'steps' else snr}"
            elif share < 0.2:
                label = "not marked, babble" if t["noise"] == "babble" else "not marked, other"
            else:
                continue
            rows.append((label, (b - a) / 100, *measures(speech, bands, flat, a, b, syllable)))
    order = ["not marked, babble", "not marked, other", "marked, clean", "marked, 20 dB",
             "marked, 10 dB", "marked, 5 dB", "marked, steps"]
    # Name, and whether babble is expected to read lower than speech (else higher).
    names = [("envelope dB", True), ("index", True), ("flatness dB", False), ("flatness change dB", True)]
    print("Cues over the regions Chorus calls speech: 10th / 50th / 90th percentiles")
    print(f"{'':22s} {'regions':>7s} {'seconds':>8s}" + "".join(f"  {name:>22s}" for name, _ in names))
    for label in order:
        r = [row for row in rows if row[0] == label]
        if not r:
            continue
        cells = []
        for k in range(len(names)):
            v = np.array([row[2 + k] for row in r])
            cells.append(f"{np.percentile(v, 10):6.2f} /{np.percentile(v, 50):6.2f} /{np.percentile(v, 90):6.2f}")
        print(f"{label:22s} {len(r):7d} {sum(row[1] for row in r):8.1f}" + "".join(f"  {c:>22s}" for c in cells))
    babble = [row for row in rows if row[0] == "not marked, babble"]
    noisy = [row for row in rows if row[0] in ("marked, 10 dB", "marked, 5 dB")]
    if not babble or not noisy:
        return
    total = sum(row[1] for row in babble)
    weights = np.array([row[1] for row in noisy])
    for k, (name, lower) in enumerate(names):
        # The threshold that keeps 95 % of the marked speech at 10 and 5 dB, by time.
        values = np.array([row[2 + k] for row in noisy])
        ranked = np.argsort(values if lower else -values)
        cumulative = np.cumsum(weights[ranked]) / weights.sum()
        threshold = values[ranked][np.searchsorted(cumulative, 0.05)]
        removed = sum(row[1] for row in babble if (row[2 + k] < threshold if lower else row[2 + k] > threshold))
        print(f"{name}: {removed:.1f} of the {total:.1f} s of babble called speech lies {'under' if lower else 'over'} "
              f"{threshold:.2f}, where a threshold keeping 95 % of the marked speech at 10 and 5 dB would be")


if __name__ == "__main__":
    main()
