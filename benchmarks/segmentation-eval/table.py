#!/usr/bin/env python3
"""Prints one Markdown table from score.py --json outputs: a row per tool, for the overall
figures and each SNR bucket, with the share of true regions cut in the middle and the seconds
called speech in files with none.

Usage: table.py TOOL=SCORES.json ...
"""
import json, sys

BUCKETS = ["overall", "clean", "20dB", "10dB", "5dB", "steps"]


def main():
    rows = []
    for arg in sys.argv[1:]:
        tool, path = arg.split("=", 1)
        rows.append((tool, json.load(open(path))))
    present = [b for b in BUCKETS if any(b in s for _, s in rows)]
    head = ["tool"] + [f"{b} frame F1 / boundary F1" for b in present] + ["cut in the middle", "segments per region", "speech in noise-only files (s)"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for tool, s in rows:
        cells = [tool]
        for b in present:
            cells.append(f"{s[b]['frame_f1']:.3f} / {s[b]['boundary_f1']:.3f}" if b in s else "")
        cells.append(f"{100 * s['overall']['cut']:.1f} %")
        cells.append(f"{s['overall']['per_region']:.2f}")
        only = s["noise_only_speech_seconds"]
        steps = sum(v for k, v in only.items() if "steps" in k)
        cells.append(f"{sum(only.values()):.1f} (steps {steps:.1f})")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
