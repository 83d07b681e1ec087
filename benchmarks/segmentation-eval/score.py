#!/usr/bin/env python3
"""Scores a segment manifest (JSON Lines: file, start, end) against truth.jsonl.

Frame F1 over 10 ms frames (a frame is speech when its centre lies in a segment) and
boundary F1 (starts matched to starts and ends to ends, one to one, within 0.2 s), overall
and per noise bucket; the share of true regions cut in the middle (two or more predicted
segments each cover at least 0.1 s of it) and predicted segments per true region found; and
seconds called speech in files whose truth has none.

Usage: score.py TRUTH.jsonl MANIFEST.jsonl [--json]
"""
import json, sys
from collections import defaultdict
import numpy as np


def frames(segs, n):
    lab = np.zeros(n, bool)
    centres = (np.arange(n) + 0.5) * 0.01
    for s, e in segs:
        lab |= (centres >= s) & (centres < e)
    return lab


def match(a, b, tol=0.2):
    a, b = sorted(a), sorted(b)
    used = [False] * len(b)
    hits = 0
    for x in a:
        best, bi = None, -1
        for i, y in enumerate(b):
            if not used[i] and abs(x - y) <= tol and (best is None or abs(x - y) < best):
                best, bi = abs(x - y), i
        if bi >= 0:
            used[bi] = True
            hits += 1
    return hits


def main():
    truth = [json.loads(l) for l in open(sys.argv[1])]
    pred = defaultdict(list)
    for l in open(sys.argv[2]):
        d = json.loads(l)
        pred[d["file"].split("/")[-1]].append((d["start"], d["end"]))
    buckets = defaultdict(lambda: np.zeros(9))  # tp fp fn, btp bpred btruth, regions found, cut, pieces
    noise_only = {}
    for t in truth:
        n = int(round(t["duration"] * 100))
        p = pred.get(t["file"], [])
        if not t["segments"]:
            noise_only[t["file"]] = sum(e - s for s, e in p)
            continue
        ft, fp_ = frames(t["segments"], n), frames(p, n)
        tb = [s for s, _ in t["segments"]], [e for _, e in t["segments"]]
        pb = [s for s, _ in p], [e for _, e in p]
        found = cut = pieces = 0
        for s, e in t["segments"]:
            covering = sum(1 for a, b in p if min(b, e) - max(a, s) >= min(0.1, (e - s) / 2))
            if covering:
                found += 1
                pieces += covering
                cut += covering >= 2
        row = np.array([np.sum(ft & fp_), np.sum(~ft & fp_), np.sum(ft & ~fp_),
                        match(tb[0], pb[0]) + match(tb[1], pb[1]), 2 * len(p), 2 * len(t["segments"]), found, cut, pieces])
        key = "steps" if t["noise"] == "steps" else "clean" if t["snr"] is None else f"{t['snr']}dB"
        for k in (key, t["noise"], "overall"):
            buckets[k] += row
        if "--files" in sys.argv:
            print(f"  {t['file']:40s} frameF1 {2*row[0]/(2*row[0]+row[1]+row[2]):.3f}  boundF1 {2*row[3]/(row[4]+row[5]):.3f}  pred {len(p)} truth {len(t['segments'])}")
    out = {}
    for k, (tp, fp, fn, btp, bp, bt, found, cut, pieces) in buckets.items():
        out[k] = {"frame_f1": 2 * tp / (2 * tp + fp + fn), "boundary_f1": 2 * btp / (bp + bt),
                  "cut": cut / max(1, found), "per_region": pieces / max(1, found)}
    out["noise_only_speech_seconds"] = noise_only
    if "--json" in sys.argv:
        print(json.dumps(out))
    else:
        for k in ["overall", "clean", "20dB", "10dB", "5dB", "steps", "white", "pink", "hum", "babble", "none"]:
            if k in out:
                print(f"{k:8s} frame F1 {out[k]['frame_f1']:.4f}  boundary F1 {out[k]['boundary_f1']:.4f}"
                      f"  cut {100 * out[k]['cut']:5.1f} %  {out[k]['per_region']:.2f} per region")
        print("speech called in files with none:", {k: round(v, 2) for k, v in noise_only.items()})


if __name__ == "__main__":
    main()
