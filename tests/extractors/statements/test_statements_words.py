"""The label table and the closed-class word file agree with the code that reads them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from stancewatch.extractors.statements import words
from stancewatch.extractors.statements.patterns import FAMILIES, TOKEN_FAMILIES
from stancewatch.extractors.statements.version import DATA_DIR, hashed_files

PACKAGE = Path(words.__file__).parent


def written_labels() -> dict[str, str]:
    """label -> family, for every label a pattern family writes (topic slugs folded into TOPIC_*)."""
    out = {}
    for name, func in {**FAMILIES, **TOKEN_FAMILIES}.items():
        for label in func():
            out["TOPIC_*" if label.startswith("TOPIC_") else label] = name
    return out


def test_every_written_label_is_in_the_table_with_its_family():
    table = words.labels()
    written = written_labels()
    assert {lab: table[lab].family for lab in written if lab in table} == written
    assert set(written) == set(table), (
        f"written but not listed: {set(written) - set(table)}; listed but never written: {set(table) - set(written)}"
    )


def test_cue_labels_read_as_plain_cues_say_kind_and_stance():
    for lab in words.labels_with("cue"):
        label = words.labels()[lab]
        assert bool(label.kind) == bool(label.stance), lab
        assert label.basis in ("assessment", "demand"), lab
    assert words.labels_with("cue")[:2] == ("SUPPORT", "SUPPORT_RELATION")  # the first of equal cues wins


def test_every_word_set_is_read_by_the_code_and_every_set_read_exists():
    data = yaml.safe_load((DATA_DIR / "words.yaml").read_text(encoding="utf-8"))
    listed = set(data) - {"version"}
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.glob("*.py"))
    read = set(re.findall(r"word_(?:set|list|map)\(\"(\w+)\"\)", source))
    assert read == listed, f"read but missing: {read - listed}; listed but unread: {listed - read}"


def test_the_version_hashes_every_data_file():
    hashed = {p.name for p in hashed_files()}
    assert {p.name for p in DATA_DIR.iterdir() if p.suffix in (".yaml", ".csv")} <= hashed
