"""Reference scores for the metrics interop tests.

    python reference.py generate DIR SEED   writes DIR/ref.txt and DIR/hyp.txt: random sentence
                                            pairs with few distinct words (so equally short edit
                                            scripts tie often), non-Latin scripts, combining
                                            marks, empty lines, odd white space, long lines
    python reference.py score METRIC REF HYP prints the reference package's JSON for METRIC

The reference packages are pinned in scripts/interop-venv.
"""
import json
import random
import sys

WORDS = ["habari", "ya", "za", "asubuhi", "mimi", "ni", "mwalimu", "a", "b", "c",
         "東京", "大阪", "مرحبا", "שלום", "नमस्ते", "ŋombe", "cafe\u0301", "café", "Ελλάδα", "ok",
         "(hi)", "sana.", "\"ok\"", "-", "e.g.", "Leo,", "?", "3-4", "1,000", "2.5", "&amp;", "x&lt;y",
         "<skipped>", "U.S.", "a-", "{x}", "~"]
SPACES = [" ", " ", " ", "  ", "\t", " \u00a0", "\u3000", " \u2003 "]


def sentence(rng, n):
    out = ""
    for i in range(n):
        out += rng.choice(WORDS)
        if i < n - 1:
            out += rng.choice(SPACES)
    if rng.random() < 0.1:
        out = " " + out + "\t"
    return out


def mutate(rng, words):
    out = list(words)
    for _ in range(rng.randint(0, 4)):
        op = rng.random()
        if op < 0.3 and out:
            out[rng.randrange(len(out))] = rng.choice(WORDS)
        elif op < 0.6 and out:
            del out[rng.randrange(len(out))]
        else:
            out.insert(rng.randint(0, len(out)), rng.choice(WORDS))
    return out


def generate(folder, seed):
    rng = random.Random(seed)
    refs, hyps = [], []
    for i in range(400):
        kind = rng.random()
        if kind < 0.05:
            r, h = "", sentence(rng, rng.randint(0, 3))
        elif kind < 0.1:
            r, h = sentence(rng, rng.randint(1, 5)), ""
        else:
            n = rng.choice([1, 2, 3, 5, 8, 13, 30, 70, 120])
            r = sentence(rng, n)
            h = " ".join(mutate(rng, r.split()))
            if rng.random() < 0.3:
                h = sentence(rng, rng.randint(1, n + 3))
        refs.append(r)
        hyps.append(h)
    # Long lines: thousands of characters, where RapidFuzz splits the problem in two.
    for n in (900,):
        r = sentence(rng, n)
        refs.append(r)
        hyps.append(" ".join(mutate(rng, r.split()) + [rng.choice(WORDS) for _ in range(n // 10)]))
    # Unrelated long lines over a small alphabet: many equally short scripts, and split in two.
    for n, m in ((2200, 2000), (200, 150)):
        refs.append("".join(rng.choice("abcd ") for _ in range(n)))
        hyps.append("".join(rng.choice("abcd ") for _ in range(m)))
    with open(f"{folder}/ref.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(refs) + "\n")
    with open(f"{folder}/hyp.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(hyps) + "\n")


def generate_reliability(folder, seed):
    """Random reliability data for each level: 2 to 6 coders, 5 to 60 units, missing cells."""
    rng = random.Random(seed)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        coders, units = rng.randint(2, 6), rng.randint(5, 60)
        values = ["mvua", "jua", "upepo", "ŋombe"] if level == "nominal" and seed % 2 else [1, 2, 3, 4, 5, 7.5, 10]
        truth = [rng.choice(values) for _ in range(units)]
        rows = []
        for _ in range(coders):
            row = []
            for u in range(units):
                r = rng.random()
                row.append("" if r < 0.15 else str(truth[u] if r < 0.75 else rng.choice(values)))
            rows.append(row)
        with open(f"{folder}/{level}.csv", "w", encoding="utf-8") as f:
            f.write("\n".join(",".join(row) for row in rows) + "\n")


def alpha(level, path):
    import csv
    import krippendorff
    import numpy as np
    rows = list(csv.reader(open(path, encoding="utf-8", newline="")))
    cells = [c for row in rows for c in row if c != ""]
    try:
        [float(c) for c in cells]
        data = [[float(c) if c != "" else np.nan for c in row] for row in rows]
    except ValueError:
        data = np.array([[c if c != "" else "nan" for c in row] for row in rows])
    value = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    print(json.dumps({"alpha": value, "coders": len(rows), "level": level, "units": len(rows[0])}, sort_keys=True))


def lines(path):
    text = open(path, encoding="utf-8", newline="").read()
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n")


def score(metric, ref, hyp):
    r, h = lines(ref), lines(hyp)
    if metric == "bleu":
        from sacrebleu.metrics import BLEU
        b = BLEU().corpus_score(h, [r])
        print(json.dumps({"bleu": b.score, "counts": b.counts, "totals": b.totals, "hyp_len": b.sys_len, "ref_len": b.ref_len}, sort_keys=True))
        return
    if metric in ("chrf", "chrf++"):
        from sacrebleu.metrics import CHRF
        word_order = 2 if metric == "chrf++" else 0
        value = CHRF(word_order=word_order).corpus_score(h, [r]).score
        print(json.dumps({"beta": 2, "char_order": 6, "chrf": value, "word_order": word_order}, sort_keys=True))
        return
    import jiwer
    if metric == "cer":
        o = jiwer.process_characters(r, h)
        value = o.cer
        unit = "characters"
        nr = sum(len(x) for x in o.references)
        nh = sum(len(x) for x in o.hypotheses)
    else:
        o = jiwer.process_words(r, h)
        value = {"wer": o.wer, "mer": o.mer, "wil": o.wil}[metric]
        unit = "words"
        nr = sum(len(x) for x in o.references)
        nh = sum(len(x) for x in o.hypotheses)
    print(json.dumps({metric: value, "hits": o.hits, "substitutions": o.substitutions, "deletions": o.deletions,
                      "insertions": o.insertions, f"reference_{unit}": nr, f"hypothesis_{unit}": nh}, sort_keys=True))


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]))
        generate_reliability(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "alpha":
        alpha(sys.argv[2], sys.argv[3])
    else:
        score(sys.argv[2], sys.argv[3], sys.argv[4])
