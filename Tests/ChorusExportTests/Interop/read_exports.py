"""Reads a Chorus corpus with each format's reference reader and prints what they read as
one JSON object, for ExportInteropTests to compare with the project's store.

    read_exports.py CORPUS_DIR SOURCE_LANG TARGET_LANG[,TARGET_LANG...]

Lhotse and Kaldi resolve relative paths against the working folder, so it works from the
corpus folder, as the corpus's users are told to.
"""
import csv
import glob
import html
import io
import json
import os
import sys


def seconds(timestamp):
    """WebVTT's hh:mm:ss.ttt as seconds."""
    h, m, s = timestamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def main():
    root, source, targets = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    os.chdir(root)
    root = os.getcwd()
    out = {}

    # soundfile: every clip's rate, channels and length.
    import soundfile
    out["soundfile"] = {}
    for path in sorted(glob.glob(os.path.join(root, "audio", "*", "*"))):
        info = soundfile.info(path)
        out["soundfile"][os.path.relpath(path, root)] = {
            "rate": info.samplerate, "channels": info.channels, "frames": info.frames}

    # datasets: the audiofolder, audio not decoded.
    import datasets
    ds = datasets.load_dataset("audiofolder", data_dir=os.path.join(root, "hf"))
    ds = ds.cast_column("audio", datasets.Audio(decode=False))
    # The corpus folder itself, through the dataset card's configs.
    whole = datasets.load_dataset(root)
    out["hf_root"] = {split: len(whole[split]) for split in whole}
    out["hf"] = {}
    for split in ds:
        rows = []
        for row in ds[split]:
            rows.append({
                "id": row["id"], "text": row["text"], "speaker": row["speaker"], "speaker_id": row["speaker_id"],
                "source": [row["source_recording"], row["source_start"], row["source_end"]],
                "translations": {t: row["translation_" + t] for t in targets},
                "file": os.path.basename(row["audio"]["path"]),
                "method": row["transcript_method"], "annotators": row["transcript_annotators"],
            })
        out["hf"][split] = rows

    # PyYAML and the line-aligned texts: MuST-C.
    import yaml
    out["mustc"] = {}
    for target in targets:
        for ydir in sorted(glob.glob(os.path.join(root, "mustc", f"{source}-{target}", "data", "*"))):
            split = os.path.basename(ydir)
            with open(os.path.join(ydir, "txt", f"{split}.yaml"), encoding="utf-8") as f:
                segs = yaml.safe_load(f)
            with open(os.path.join(ydir, "txt", f"{split}.{source}"), encoding="utf-8") as f:
                src = f.read().split("\n")[:-1]
            with open(os.path.join(ydir, "txt", f"{split}.{target}"), encoding="utf-8") as f:
                tgt = f.read().split("\n")[:-1]
            assert len(segs) == len(src) == len(tgt), (len(segs), len(src), len(tgt))
            for s in segs:
                assert os.path.exists(os.path.join(ydir, "wav", s["wav"])), s["wav"]
            out["mustc"][f"{target}/{split}"] = [
                {"wav": s["wav"], "duration": s["duration"], "offset": s["offset"], "speaker": s["speaker_id"], "source": a, "target": b}
                for s, a, b in zip(segs, src, tgt)]

    # translate-toolkit: TMX, one language pair at a time.
    from translate.storage import tmx
    out["tmx"] = {}
    for path in sorted(glob.glob(os.path.join(root, "tmx", "*.tmx"))):
        split = os.path.basename(path)[:-4]
        for target in targets:
            with open(path, "rb") as f:
                store = tmx.tmxfile(f, sourcelanguage=source, targetlanguage=target)
            out["tmx"][f"{target}/{split}"] = [
                {"id": u.getid(), "source": u.source, "target": u.target} for u in store.units]

    # webvtt-py and pysrt: subtitles.
    import webvtt
    import pysrt
    out["vtt"], out["srt"] = {}, {}
    for path in sorted(glob.glob(os.path.join(root, "vtt", "*.vtt"))):
        out["vtt"][os.path.basename(path)] = [
            {"start": seconds(c.start), "end": seconds(c.end), "text": html.unescape(c.text), "voice": html.unescape(c.voice) if c.voice else None} for c in webvtt.read(path)]
    for path in sorted(glob.glob(os.path.join(root, "srt", "*.srt"))):
        out["srt"][os.path.basename(path)] = [
            {"start": s.start.ordinal / 1000, "end": s.end.ordinal / 1000, "text": s.text}
            for s in pysrt.open(path, encoding="utf-8")]

    # praatio: TextGrids.
    from praatio import textgrid
    out["textgrid"] = {}
    for path in sorted(glob.glob(os.path.join(root, "textgrid", "*.TextGrid"))):
        tg = textgrid.openTextgrid(path, includeEmptyIntervals=False)
        out["textgrid"][os.path.basename(path)] = {
            name: [[e.start, e.end, e.label] for e in tg.getTier(name).entries] for name in tg.tierNames}

    # pympi-ling: ELAN.
    import pympi
    out["eaf"] = {}
    for path in sorted(glob.glob(os.path.join(root, "eaf", "*.eaf"))):
        eaf = pympi.Elan.Eaf(path)
        tiers = {}
        for name in eaf.get_tier_names():
            if eaf.tiers[name][2].get("PARENT_REF"):
                tiers[name] = [[a[0], a[1], a[2]] for a in eaf.get_ref_annotation_data_for_tier(name)]
            else:
                tiers[name] = [[a[0], a[1], a[2]] for a in eaf.get_annotation_data_for_tier(name)]
        media = [m["RELATIVE_MEDIA_URL"] for m in eaf.media_descriptors]
        for m in media:
            soundfile.info(os.path.join(os.path.dirname(path), m))
        out["eaf"][os.path.basename(path)] = {
            "tiers": tiers, "media": media,
            "participants": {name: eaf.tiers[name][2].get("PARTICIPANT") for name in tiers},
            "languages": sorted(eaf.languages.keys())}

    # CoVoST TSV as fairseq's prep_covost_data reads it (csv, tab, no quoting).
    out["covost"] = {}
    for path in sorted(glob.glob(os.path.join(root, "covost", "*.tsv"))):
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t", quotechar=None, doublequote=False, quoting=csv.QUOTE_NONE))
        for r in rows:
            assert os.path.exists(os.path.join(root, "audio", r["path"])), r["path"]
        out["covost"][os.path.basename(path)] = rows

    # NeMo manifests: audio_filepath relative to the manifest, as NeMo resolves it.
    out["nemo"] = {}
    for path in sorted(glob.glob(os.path.join(root, "nemo", "*.jsonl"))):
        rows = [json.loads(line) for line in open(path, encoding="utf-8")]
        for r in rows:
            soundfile.info(os.path.join(os.path.dirname(path), r["audio_filepath"]))
        out["nemo"][os.path.basename(path)[:-6]] = [
            {"id": r["id"], "speaker": r["speaker"], "speaker_name": r.get("speaker_name"),
             "source": [r["source_recording"], r["source_start"], r["source_end"]]} for r in rows]

    # Kaldi: utt2spk, and every wav.scp entry found from the corpus folder.
    out["kaldi"] = {}
    for folder in sorted(glob.glob(os.path.join(root, "kaldi", "*"))):
        with open(os.path.join(folder, "utt2spk"), encoding="utf-8") as f:
            out["kaldi"][os.path.basename(folder)] = dict(line.split() for line in f)
        with open(os.path.join(folder, "wav.scp"), encoding="utf-8") as f:
            for line in f:
                path = line.split("'")[1] if "'" in line else line.split()[1]
                assert os.path.exists(path), path

    # Lhotse: the manifests, validated and their audio loaded, from the corpus folder.
    import lhotse
    out["lhotse"] = {}
    for path in sorted(glob.glob(os.path.join(root, "lhotse", "recordings_*.jsonl.gz"))):
        split = os.path.basename(path)[len("recordings_"):-len(".jsonl.gz")]
        recordings = lhotse.load_manifest(path)
        supervisions = lhotse.load_manifest(path.replace("recordings_", "supervisions_"))
        lhotse.validate_recordings_and_supervisions(recordings, supervisions)
        cuts = lhotse.CutSet.from_manifests(recordings=recordings, supervisions=supervisions)
        for cut in cuts:
            assert cut.load_audio().shape[-1] > 0
        out["lhotse"][split] = {s.id: {"speaker": s.speaker, "speaker_name": s.custom.get("speaker_name"),
                                       "source": [s.custom["source_recording"], s.custom["source_start"], s.custom["source_end"]]}
                                for s in supervisions}

    # Lhotse Shar: lhotse's own Shar reader, the audio decoded from the shards.
    out["lhotse_shar"] = {}
    for folder in sorted(glob.glob(os.path.join(root, "lhotse_shar", "*"))):
        cuts = lhotse.CutSet.from_shar(in_dir=folder)
        rows = {}
        for cut in cuts:
            audio = cut.load_audio()
            s = cut.supervisions[0]
            rows[cut.id] = {"speaker": s.speaker, "text": s.text, "frames": audio.shape[-1],
                            "source": [s.custom["source_recording"], s.custom["source_start"], s.custom["source_end"]]}
        out["lhotse_shar"][os.path.basename(folder)] = rows

    # WebDataset: the webdataset library, and datasets' webdataset loader.
    import webdataset
    out["webdataset"] = {}
    for folder in sorted(glob.glob(os.path.join(root, "webdataset", "*"))):
        shards = sorted(glob.glob(os.path.join(folder, "*.tar")))
        rows = {}
        for sample in webdataset.WebDataset(shards, shardshuffle=False):
            meta = json.loads(sample["json"])
            info = soundfile.info(io.BytesIO(sample["flac"]))
            rows[sample["__key__"]] = {"speaker": meta["speaker"], "speaker_name": meta["speaker_name"], "text": meta["text"],
                                       "frames": info.frames, "source": [meta["source_recording"], meta["source_start"], meta["source_end"]]}
        out["webdataset"][os.path.basename(folder)] = {"rows": rows, "shards": len(shards)}
    wds = datasets.load_dataset("webdataset", data_files={s: os.path.join(root, "webdataset", s, "*.tar") for s in out["webdataset"]})
    out["webdataset_datasets"] = {split: sorted(r["__key__"] for r in wds[split].cast_column("flac", datasets.Audio(decode=False))) for split in wds}

    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
