"""stancewatch/replay.py: a sequence names its documents in saved corpora (here: a whole saved page)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from stancewatch.replay import load_sequence

PARAGRAPHS = [
    "The two presidents discussed the settlement of the conflict and agreed that the talks had been useful "
    "and that the ceasefire must be observed by every party along the whole line of contact.",
    "They spoke in favour of developing bilateral relations next year, including trade and investment, "
    "and noted the constructive nature of the consultations held by their ministers in recent weeks.",
    "The leaders exchanged New Year greetings and agreed to maintain contacts at various levels, "
    "including a meeting of the foreign ministers early in the spring.",
]
PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Telephone conversation • Site</title></head><body>"
    "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
    "<article><h1>Telephone conversation</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article>"
    "<footer><p>All content on this site is licensed under CC BY 4.0.</p></footer></body></html>"
)


def _sequence(tmp_path: Path, text_sha: str) -> Path:
    corpora = tmp_path / "corpora"
    (corpora / "news").mkdir(parents=True)
    (corpora / "news" / "1.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    line = {
        "id": "k-01",
        "date": "2019-12-31",
        "url": "http://news.example/1",
        "corpus": "news/1.html.gz",
        "page": True,
        "sha256": text_sha,
    }
    path = tmp_path / "sequence.jsonl"
    path.write_text(json.dumps(line) + "\n")
    return path


def test_a_whole_saved_page_is_read_as_its_main_text_one_paragraph_a_line(tmp_path):
    text = "\n".join(PARAGRAPHS)
    path = _sequence(tmp_path, hashlib.sha256(text.encode()).hexdigest()[:16])

    [doc] = load_sequence(path, tmp_path / "corpora")

    assert doc["text"] == text  # no navigation, no footer, one line per paragraph
    assert "page" not in doc and "corpus" not in doc and "sha256" not in doc
    assert doc["url"] == "http://news.example/1"


def test_a_page_whose_text_changed_is_refused(tmp_path):
    path = _sequence(tmp_path, "0" * 16)

    with pytest.raises(ValueError, match="the corpus text changed"):
        load_sequence(path, tmp_path / "corpora")
