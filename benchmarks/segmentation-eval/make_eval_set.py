#!/usr/bin/env python3
"""Builds a segmentation evaluation set from synthesised speech, with frame-exact truth.

Each file strings together espeak-ng utterances in one language with pauses drawn from
0.15 s to 40 s, scales the speech to a random level, mixes a noise (white, pink, mains hum,
babble of other voices) at a set SNR measured over active speech, and writes it at a chosen
rate and channel count. The truth is where the clean speech is active (10 ms frames within
45 dB of the file's loudest speech frame), with gaps under 0.3 s filled: a pause shorter
than that does not separate segments. Also writes noise-only files (two whose level steps by
15 to 40 dB) and a silent file.

Usage: make_eval_set.py OUTDIR [--seed N] [--files N]
Writes OUTDIR/*.wav and OUTDIR/truth.jsonl (one line per file: {"file", "segments": [[s, e], ...]}).
"""
import argparse, json, os, subprocess, tempfile, wave
import numpy as np
from scipy.signal import resample_poly
from math import gcd

SENTENCES = {
    "en": ["The committee will meet again on Thursday afternoon.", "She carried the water up the hill, slowly.",
           "Nobody expected the river to rise so fast this year.", "Please write your name and the date at the top.",
           "Yes.", "We sold everything at the market before noon.", "How many children go to the new school?"],
    "sw": ["Habari za asubuhi, ndugu zangu.", "Mvua imenyesha sana usiku wa jana.", "Watoto wanacheza mpira uwanjani.",
           "Ndiyo.", "Tutakutana sokoni kesho jioni.", "Bei ya mahindi imepanda mwezi huu.", "Mwalimu anafundisha hesabu."],
    "fr": ["Le train de sept heures est encore en retard.", "Nous avons planté des arbres près de la rivière.",
           "Oui.", "Pourquoi la boulangerie est-elle fermée aujourd'hui?", "Il faut attendre la fin de la saison des pluies."],
    "de": ["Der Bus fährt heute nicht bis zum Bahnhof.", "Wir haben den ganzen Tag im Garten gearbeitet.",
           "Ja.", "Kannst du mir bitte das Salz reichen?", "Die Brücke wurde im letzten Sommer repariert."],
    "es": ["Mañana vamos a visitar a mis abuelos en el campo.", "El mercado abre muy temprano los sábados.",
           "Sí.", "¿Dónde está la estación de autobuses?", "La cosecha de este año fue mejor que la anterior."],
    "hi": ["आज मौसम बहुत अच्छा है।", "बच्चे स्कूल जा रहे हैं।", "हाँ।", "बाज़ार में बहुत भीड़ थी।", "कल हम गाँव जाएंगे।"],
    "ar": ["ذهبنا إلى السوق في الصباح الباكر.", "نعم.", "الطقس جميل جدا اليوم.", "أين تقع محطة القطار؟"],
    "cmn": ["今天天气很好。", "我们明天去市场买菜。", "是。", "孩子们在学校学习中文。", "这条河每年都会涨水。"],
}
PAUSES = [0.15, 0.2, 0.25, 0.35, 0.5, 0.8, 1.2, 2.0, 3.5, 6.0, 12.0, 40.0]
PAUSE_WEIGHTS = [3, 3, 2, 4, 5, 5, 4, 3, 2, 1, 1, 0.5]
RATES = [8000, 16000, 22050, 44100, 48000]
NOISES = ["none", "white", "pink", "hum", "babble"]
SNRS = [None, 20, 10, 5]


def speak(text, lang, speed, pitch):
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        subprocess.run(["espeak-ng", "-v", lang, "-s", str(speed), "-p", str(pitch), "-w", f.name, text],
                       check=True, capture_output=True)
        with wave.open(f.name) as w:
            rate = w.getframerate()
            x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float64) / 32768
    return x, rate


def trim(x, rate):
    """Cut espeak's own leading and trailing silence."""
    hop = rate // 100
    n = len(x) // hop
    e = np.array([np.mean(x[i * hop:(i + 1) * hop] ** 2) for i in range(n)]) + 1e-20
    db = 10 * np.log10(e)
    on = np.nonzero(db > db.max() - 50)[0]
    return x[on[0] * hop:(on[-1] + 1) * hop]


def resample(x, src, dst):
    if src == dst:
        return x
    g = gcd(src, dst)
    return resample_poly(x, dst // g, src // g)


def pink(n, rng):
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spec)); f[0] = 1
    y = np.fft.irfft(spec / np.sqrt(f), n)
    return y / np.std(y)


def hum(n, rate, rng):
    t = np.arange(n) / rate
    base = rng.choice([50, 60])
    y = np.zeros(n)
    for k, a in enumerate([1.0, 0.5, 0.35, 0.2, 0.12, 0.08, 0.05], start=1):
        if base * k < rate / 2:
            y += a * np.sin(2 * np.pi * base * k * t + rng.uniform(0, 6.28))
    y += 0.05 * rng.standard_normal(n)
    return y / np.std(y)


def babble(n, rate, rng, lang_pool):
    y = np.zeros(n)
    for v in range(6):
        parts = []
        total = 0
        while total < n:
            lang = rng.choice(lang_pool)
            s, r = speak(rng.choice(SENTENCES[lang]), lang, int(rng.integers(130, 200)), int(rng.integers(20, 80)))
            s = resample(trim(s, r), r, rate)
            parts.append(s)
            total += len(s)
        voice = np.concatenate(parts)[:n]
        voice = np.roll(voice, int(rng.integers(0, n)))
        y += voice / (np.std(voice) + 1e-12)
    return y / np.std(y)


def stepped(n, rate, rng, kinds=("white", "pink", "hum+pink")):
    """Background noise whose level steps by 15 to 40 dB every 6 to 15 s (from digital near-silence too)."""
    y = np.zeros(n)
    t = 0
    level = -90.0
    while t < n:
        length = int(rng.uniform(6, 15) * rate)
        kind = rng.choice(list(kinds))
        step = rng.uniform(15, 40) * (1 if level < -60 or (level < -30 and rng.random() < 0.5) else -1)
        level = float(np.clip(level + step, -90, -25))
        m = min(length, n - t)
        if kind == "white":
            piece = rng.standard_normal(m)
        elif kind == "pink":
            piece = pink(m, rng)
        else:
            piece = 0.6 * hum(m, rate, rng) + 0.8 * pink(m, rng)
        piece = piece / (np.std(piece) + 1e-12)
        y[t:t + m] = piece * 10 ** (level / 20)
        t += m
    return y


def activity(x, rate, peak_db):
    hop = rate // 100
    n = len(x) // hop
    e = (x[:n * hop].reshape(n, hop) ** 2).mean(axis=1) + 1e-20
    return 10 * np.log10(e) > peak_db - 45


def runs(active, hop_s, fill):
    segs = []
    i = 0
    n = len(active)
    while i < n:
        if active[i]:
            j = i
            while j < n and active[j]:
                j += 1
            segs.append([i * hop_s, j * hop_s])
            i = j
        else:
            i += 1
    merged = []
    for s in segs:
        if merged and s[0] - merged[-1][1] < fill:
            merged[-1][1] = s[1]
        else:
            merged.append(s)
    return merged


def write_wav(path, y, rate):
    y = np.clip(y, -1, 1)
    data = (y * 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1 if y.ndim == 1 else y.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.tobytes())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--files", type=int, default=40)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    langs = list(SENTENCES)
    truth = []
    for k in range(a.files):
        lang = langs[k % len(langs)]
        noise = NOISES[k % len(NOISES)]
        snr = None if noise == "none" else SNRS[1 + (k // len(NOISES)) % 3]
        rate = RATES[(k * 3 + 1) % len(RATES)]
        channels = 2 if k % 4 == 3 else 1
        speed, pitch = int(rng.integers(130, 200)), int(rng.integers(25, 75))
        pieces, spans = [], []
        t = int(rate * rng.uniform(0.3, 3.0))
        pieces.append(np.zeros(t))
        for u in range(int(rng.integers(5, 10))):
            s, r = speak(rng.choice(SENTENCES[lang]), lang, speed, pitch)
            s = resample(trim(s, r), r, rate)
            pieces.append(s)
            spans.append((t, t + len(s)))
            t += len(s)
            gap = int(rate * rng.choice(PAUSES, p=np.array(PAUSE_WEIGHTS) / sum(PAUSE_WEIGHTS)))
            pieces.append(np.zeros(gap))
            t += gap
        clean = np.concatenate(pieces)
        peak = np.max(np.abs(clean))
        level = 10 ** (rng.uniform(-26, -3) / 20)
        clean = clean / peak * level
        hop = rate // 100
        n = len(clean) // hop
        frame_db = 10 * np.log10((clean[:n * hop].reshape(n, hop) ** 2).mean(axis=1) + 1e-20)
        active = activity(clean, rate, frame_db.max())
        segs = runs(active, hop / rate, 0.3)
        speech_power = np.mean(np.concatenate([clean[a:b] for a, b in spans]) ** 2)
        if noise == "none":
            mix = clean + 10 ** (-90 / 20) * rng.standard_normal(len(clean))
        else:
            gen = {"white": lambda: rng.standard_normal(len(clean)), "pink": lambda: pink(len(clean), rng),
                   "hum": lambda: hum(len(clean), rate, rng),
                   "babble": lambda: babble(len(clean), rate, rng, [l for l in langs if l != lang])}[noise]
            nz = gen()
            mix = clean + nz * np.sqrt(speech_power / 10 ** (snr / 10))
        if channels == 2:
            mix = np.stack([mix, 0.7 * mix + 0.002 * rng.standard_normal(len(mix))], axis=1)
        name = f"{k:02d}-{lang}-{noise}{'' if snr is None else snr}-{rate}-{channels}ch.wav"
        write_wav(os.path.join(a.out, name), mix, rate)
        truth.append({"file": name, "noise": noise, "snr": snr, "rate": rate, "channels": channels,
                      "duration": len(clean) / rate, "segments": segs})
        print(name, f"{len(clean) / rate:.1f}s", len(segs), "segments", flush=True)
    for name, gen in [("noise-only-pink.wav", lambda r: pink(r * 60, rng) * 0.05),
                      ("noise-only-white.wav", lambda r: rng.standard_normal(r * 45) * 0.02),
                      ("silence.wav", lambda r: np.zeros(r * 20))]:
        rate = 16000
        write_wav(os.path.join(a.out, name), gen(rate), rate)
        truth.append({"file": name, "noise": "only", "snr": None, "rate": rate, "channels": 1,
                      "duration": 60.0 if "pink" in name else 45.0 if "white" in name else 20.0, "segments": []})
    # Noise alone whose level steps up and down by 15 to 40 dB: a fan, a door, a passing car.
    for k, kinds in enumerate([("white", "pink"), ("white", "pink", "hum+pink")]):
        rate = 16000
        name = f"noise-only-steps-{k}.wav"
        write_wav(os.path.join(a.out, name), stepped(rate * 90, rate, rng, kinds), rate)
        truth.append({"file": name, "noise": "only", "snr": None, "rate": rate, "channels": 1, "duration": 90.0, "segments": []})
    with open(os.path.join(a.out, "truth.jsonl"), "w") as f:
        for t in truth:
            f.write(json.dumps(t) + "\n")


if __name__ == "__main__":
    main()
