#!/usr/bin/env python3
"""Makes Chorus's sample corpus: short Swahili and English recordings with natural pauses,
their reference transcripts and translations.

Needs espeak-ng and sox (Debian: apt-get install espeak-ng sox); Python's standard library
only. Deterministic for a given espeak-ng version: run it from this folder to rebuild
audio/*.flac and references.jsonl.
"""
import json, math, os, random, subprocess, sys, tempfile, wave, struct

RATE_SPEECH = 22050  # espeak-ng's own rate

# (file, language, espeak voice, output rate, channels, noise, [(text, {lang: translation})])
RECORDINGS = [
    ("sw-soko", "sw", "sw", 16000, 1, "room", [
        ("Habari za asubuhi.", {"en": "Good morning."}),
        ("Leo ni siku ya soko.", {"en": "Today is market day."}),
        ("Mama yangu anauza mboga na matunda.", {"en": "My mother sells vegetables and fruit."}),
        ("Bei ya nyanya imepanda sana wiki hii.", {"en": "The price of tomatoes has gone up a lot this week."}),
        ("Watoto wanakwenda shuleni kila asubuhi.", {"en": "The children go to school every morning."}),
        ("Mvua ilinyesha usiku kucha.", {"en": "It rained all night."}),
        ("Barabara ya kijijini imejaa matope.", {"en": "The village road is full of mud."}),
        ("Tutakutana kesho jioni baada ya kazi.", {"en": "We will meet tomorrow evening after work."}),
    ]),
    ("sw-kijiji", "sw", "sw+m3", 22050, 2, "hum", [
        ("Mkulima alivuna mahindi mengi mwaka huu.", {"en": "The farmer harvested a lot of maize this year."}),
        ("Daktari atakuja kijijini siku ya Jumatatu.", {"en": "The doctor will come to the village on Monday."}),
        ("Tafadhali funga mlango unapotoka.", {"en": "Please close the door when you leave."}),
        ("Samaki wa ziwani ni watamu sana.", {"en": "The fish from the lake are very tasty."}),
        ("Basi la kwenda mjini linaondoka saa mbili.", {"en": "The bus to town leaves at eight o'clock."}),
        ("Nimepoteza ufunguo wa nyumba yangu.", {"en": "I have lost the key to my house."}),
        ("Mwalimu aliwasomea wanafunzi hadithi ndefu.", {"en": "The teacher read the students a long story."}),
        ("Maji ya kisima ni safi na baridi.", {"en": "The well water is clean and cold."}),
    ]),
    ("en-habari", "en", "en-us+f3", 16000, 1, "room", [
        ("The radio said it will be sunny tomorrow.", {"sw": "Redio ilisema kesho kutakuwa na jua."}),
        ("Our neighbours are building a new house.", {"sw": "Majirani zetu wanajenga nyumba mpya."}),
        ("Please bring two cups of tea.", {"sw": "Tafadhali lete vikombe viwili vya chai."}),
        ("The clinic opens at nine in the morning.", {"sw": "Kliniki inafunguliwa saa tatu asubuhi."}),
        ("My brother works at the port in Mombasa.", {"sw": "Kaka yangu anafanya kazi bandarini Mombasa."}),
    ]),
    ("en-nyumbani", "en", "en-gb+m2", 16000, 1, "hiss", [
        ("We planted beans after the first rains.", {"sw": "Tulipanda maharagwe baada ya mvua za kwanza."}),
        ("The children are playing football outside.", {"sw": "Watoto wanacheza mpira nje."}),
        ("How much does this basket cost?", {"sw": "Kikapu hiki kinagharimu kiasi gani?"}),
        ("The meeting has been moved to Friday.", {"sw": "Mkutano umehamishwa hadi Ijumaa."}),
        ("She reads the newspaper every evening.", {"sw": "Yeye husoma gazeti kila jioni."}),
    ]),
]
PAUSES = [0.45, 0.6, 0.8, 1.1, 1.5, 2.2, 3.0, 6.0]

# A conversation: two Swahili speakers taking turns, with the pause before each turn. Two
# replies come quickly (0.15 s and 0.12 s, under the segmenter's 0.3 s minimum silence), so
# silence alone cannot separate them: the RTTM written beside it (as pyannote would) can.
CONVERSATION = ("sw-mazungumzo", "sw", 16000, "room", [
    ("SPEAKER_00", "sw+f4", 0.0, "Habari yako, rafiki?", {"en": "How are you, friend?"}),
    ("SPEAKER_01", "sw+m1", 0.7, "Nzuri sana, asante.", {"en": "Very well, thank you."}),
    ("SPEAKER_00", "sw+f4", 0.15, "Umetoka wapi leo?", {"en": "Where have you come from today?"}),
    ("SPEAKER_01", "sw+m1", 0.9, "Nimetoka sokoni kununua ndizi.", {"en": "I have come from the market to buy bananas."}),
    ("SPEAKER_00", "sw+f4", 0.6, "Bei ya ndizi ni ngapi siku hizi?", {"en": "How much are bananas these days?"}),
    ("SPEAKER_01", "sw+m1", 0.12, "Ni shilingi mia tano kwa kichana.", {"en": "Five hundred shillings a bunch."}),
    ("SPEAKER_00", "sw+f4", 1.0, "Haya, tutaonana kesho.", {"en": "All right, see you tomorrow."}),
])


def speak(text, voice):
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", f.name, text], check=True, capture_output=True)
        with wave.open(f.name) as w:
            raw = w.readframes(w.getnframes())
    x = [v / 32768 for v in struct.unpack(f"<{len(raw) // 2}h", raw)]
    # espeak-ng pads its output with silence: keep only the speech.
    hop = RATE_SPEECH // 100
    energy = [sum(v * v for v in x[i:i + hop]) / hop for i in range(0, len(x) - hop, hop)]
    peak = max(energy)
    on = [i for i, e in enumerate(energy) if e > peak * 1e-5]
    return x[on[0] * hop:(on[-1] + 1) * hop]


def noise(kind, n, rng):
    if kind == "room":
        level = 10 ** (-62 / 20)
        return [level * rng.gauss(0, 1) for _ in range(n)]
    if kind == "hiss":
        level = 10 ** (-45 / 20)
        return [level * rng.gauss(0, 1) for _ in range(n)]
    # Mains hum (50 Hz and harmonics) with a little hiss, about 25 dB under the speech.
    level = 10 ** (-40 / 20)
    return [level * (math.sin(2 * math.pi * 50 * i / RATE_SPEECH) + 0.5 * math.sin(2 * math.pi * 150 * i / RATE_SPEECH)
                     + 0.25 * math.sin(2 * math.pi * 250 * i / RATE_SPEECH)) + 0.3 * level * rng.gauss(0, 1)
            for i in range(n)]


def write_flac(name, samples, rate, channels=1):
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        with wave.open(f.name, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE_SPEECH)
            w.writeframes(struct.pack(f"<{len(samples)}h", *[int(round(v * 32767)) for v in samples]))
        out = f"audio/{name}.flac"
        remix = ["remix", "1", "1v0.8"] if channels == 2 else []
        subprocess.run(["sox", "-R", f.name, "-r", str(rate), "-b", "16", out] + remix, check=True)
    return out


def conversation():
    """Writes the conversation, its RTTM (sw-mazungumzo.rttm) and returns its references."""
    name, lang, rate, kind, turns = CONVERSATION
    rng = random.Random(20261201)
    samples = [0.0] * int(RATE_SPEECH * 1.2)
    refs, rttm = [], []
    for index, (speaker, voice, pause, text, translations) in enumerate(turns):
        samples += [0.0] * int(RATE_SPEECH * pause)
        speech = speak(text, voice)
        start = len(samples)
        samples += [0.5 * v for v in speech]
        a, b = round(start / RATE_SPEECH, 3), round(len(samples) / RATE_SPEECH, 3)
        refs.append({"recording": f"audio/{name}.flac", "index": index, "lang": lang, "start": a, "end": b,
                     "text": text, "translations": translations, "speaker": speaker})
        rttm.append(f"SPEAKER {name} 1 {a:.3f} {b - a:.3f} <NA> <NA> {speaker} <NA> <NA>")
    samples += [0.0] * int(RATE_SPEECH * 1.5)
    bed = noise(kind, len(samples), rng)
    out = write_flac(name, [max(-1.0, min(1.0, s + b)) for s, b in zip(samples, bed)], rate)
    with open(f"{name}.rttm", "w") as f:
        f.write("\n".join(rttm) + "\n")
    print(out, f"{len(samples) / RATE_SPEECH:.1f} s", len(turns), "turns")
    return refs


def main():
    os.makedirs("audio", exist_ok=True)
    only = set(sys.argv[1:])
    if only:
        # Rebuild only the named recordings; the others' references are kept as they are.
        names = {r[0] for r in RECORDINGS} | {CONVERSATION[0]}
        assert only <= names, f"known recordings: {sorted(names)}"
        refs = [json.loads(l) for l in open("references.jsonl", encoding="utf-8")]
        refs = [r for r in refs if r["recording"][len("audio/"):-len(".flac")] not in only]
        if CONVERSATION[0] in only:
            refs += conversation()
        assert not (only - {CONVERSATION[0]}), "rebuild the monologues all together: python3 make_sample.py"
        with open("references.jsonl", "w") as f:
            for r in refs:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        return
    rng = random.Random(20261123)
    refs = []
    for name, lang, voice, rate, channels, kind, lines in RECORDINGS:
        samples = [0.0] * int(RATE_SPEECH * 1.2)
        spans = []
        for index, (text, translations) in enumerate(lines):
            speech = speak(text, voice)
            start = len(samples)
            samples += [0.5 * v for v in speech]
            spans.append((start, len(samples), text, translations))
            pause = rng.choice(PAUSES) if index + 1 < len(lines) else 1.5
            samples += [0.0] * int(RATE_SPEECH * pause)
        bed = noise(kind, len(samples), rng)
        mixed = [max(-1.0, min(1.0, s + b)) for s, b in zip(samples, bed)]
        out = write_flac(name, mixed, rate, channels)
        for index, (a, b, text, translations) in enumerate(spans):
            refs.append({"recording": f"audio/{name}.flac", "index": index, "lang": lang,
                         "start": round(a / RATE_SPEECH, 3), "end": round(b / RATE_SPEECH, 3),
                         "text": text, "translations": translations})
        print(out, f"{len(samples) / RATE_SPEECH:.1f} s", len(spans), "utterances")
    refs += conversation()
    with open("references.jsonl", "w") as f:
        for r in refs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
