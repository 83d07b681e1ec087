#!/usr/bin/env python3
"""Writes annotations.jsonl (the monologues) and conversation.jsonl (sw-mazungumzo, whose
segments come from its RTTM): the Swahili references as if from two transcribers and a
translator, for `chorus annotations import` (the demo and tests use them).

amina types each reference as it is; baraka types it in lower case without punctuation
(the same text once normalised), except for one sentence where he mishears a word, so the
demo shows a review task; chausiku translates the settled sentences into English. Lines name recordings by the
SHA-256 of their bytes, so they import wherever the corpus sits. Run inside sample/.
"""
import hashlib, json, string

refs = [json.loads(l) for l in open("references.jsonl", encoding="utf-8")]
sha = {}
with open("annotations.jsonl", "w", encoding="utf-8") as monologues, open("conversation.jsonl", "w", encoding="utf-8") as conversation:
    for r in refs:
        out = conversation if r.get("speaker") else monologues
        if r["lang"] != "sw":
            continue
        if r["recording"] not in sha:
            sha[r["recording"]] = hashlib.sha256(open(r["recording"], "rb").read()).hexdigest()
        where = {"recording_sha256": sha[r["recording"]], "start": r["start"], "end": r["end"]}
        casual = r["text"].lower().translate(str.maketrans("", "", string.punctuation))
        misheard = r["recording"].endswith("kijiji.flac") and r["index"] == 3
        if misheard:
            casual = casual.replace("watamu", "wazuri")
        lines = [
            {**where, "kind": "transcribe", "language": "sw", "annotator": "amina", "text": r["text"], "active_seconds": 31.5},
            {**where, "kind": "transcribe", "language": "sw", "annotator": "baraka", "text": casual, "active_seconds": 44.0},
        ]
        # A disagreement waits for review before it can be translated.
        if not misheard:
            lines.append({**where, "kind": "translate", "language": "en", "annotator": "chausiku",
                          "text": r["translations"]["en"], "active_seconds": 52.0})
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
