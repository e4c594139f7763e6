"""The evaluation split: gold units divided by document into a tuning part and a locked part.

Rules written while reading a set's errors flatter that set (the previous detector scored 0.92 on
the dev gold and 0.56 on unseen text), so every figure we report comes from documents nothing was
tuned or trained on. The split is by *document* (a press conference, a readout, a joint
statement), never by paragraph: paragraphs of one document share names, topics and phrasing, and
a paragraph's neighbour in the training data would leak its answer.

A document is locked when a keyed hash of its identity falls under `LOCKED_PERCENT`; the key is
fixed and committed, so the split is the same on every machine and never drifts as the gold files
grow (a new document lands on a side by its own hash, the others stay put). The project's seed
article always stays on the tuning side: its statements are the contract's own examples.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

#: The committed key of the split. Changing it reshuffles every document: don't.
SPLIT_KEY = "stancewatch-2026"
#: About a quarter of the documents (~120 of ~520 units) are locked.
LOCKED_PERCENT = 24


def document_of(unit: dict[str, Any]) -> str:
    """The document a gold unit belongs to: its url, else its id without the paragraph suffix
    ("seed-3" -> "seed", "mfa-20180517-q5-p2" -> "mfa-20180517-q5")."""
    url = str(unit.get("url") or "")
    if url:
        return url
    uid = str(unit.get("id") or "")
    return uid.rsplit("-", 1)[0] if "-" in uid else uid


def is_seed(unit: dict[str, Any]) -> bool:
    """The project's seed article (ids "seed-N")."""
    return str(unit.get("id") or "").startswith("seed-")


def is_locked(unit: dict[str, Any]) -> bool:
    """True when the unit's document is in the locked part."""
    if is_seed(unit):
        return False
    digest = hashlib.sha256(f"{SPLIT_KEY}:{document_of(unit)}".encode()).hexdigest()
    return int(digest, 16) % 100 < LOCKED_PERCENT


def split(units: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(tuning part, locked part), each in input order."""
    tune: list[dict[str, Any]] = []
    locked: list[dict[str, Any]] = []
    for unit in units:
        (locked if is_locked(unit) else tune).append(unit)
    return tune, locked


def folds(units: list[dict[str, Any]], k: int) -> list[int]:
    """A cross-validation fold (0..k-1) for each unit, by document, balanced by document count.

    Documents are ordered by their keyed hash and dealt round-robin, so every fold holds whole
    documents and the assignment is reproducible.
    """
    docs = sorted(
        {document_of(u) for u in units}, key=lambda d: hashlib.sha256(f"{SPLIT_KEY}:cv:{d}".encode()).digest()
    )
    fold_of = {d: i % k for i, d in enumerate(docs)}
    return [fold_of[document_of(u)] for u in units]
