"""The grammar's closed-class words (data/words.yaml) and the match-label table (data/labels.yaml).

The word sets the grammar tests tokens against, and the label groups it reads marks by, are data: a
reviewer sees every set in one file with what it is for, and an edit there changes DETECTOR_VERSION.
Modules name the sets they use at import (``MODALS = word_set("modals")``), so a set missing from the
file fails on import, not half way through a night.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from .version import DATA_DIR

# A document's matches: label -> (start, end) token spans (patterns.collect_marks).
Marks = dict[str, list[tuple[int, int]]]


def _read_yaml(name: str) -> dict[str, Any]:
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    return _read_yaml("words.yaml")


def word_set(name: str) -> frozenset[str]:
    """A closed-class word set of words.yaml ("modals", "prepositions", ...)."""
    return frozenset(_words()[name])


def word_list(name: str) -> tuple[str, ...]:
    """A words.yaml list in file order (where order matters, e.g. a regex alternation)."""
    return tuple(_words()[name])


def word_map(name: str) -> dict[str, str]:
    """A words.yaml mapping in file order ("plural_titles": "presidents" -> "head_of_state")."""
    return dict(_words()[name])


@dataclass(frozen=True)
class Label:
    """One match label of labels.yaml: who writes it and how the grammar reads it."""

    name: str
    family: str
    role: str
    means: str
    kind: str = ""
    stance: str = ""
    basis: str = "assessment"
    needs_party: bool = False


@lru_cache(maxsize=1)
def labels() -> dict[str, Label]:
    """Every match label in file order (the order decides between equal cues: see labels.yaml)."""
    return {name: Label(name=name, **fields) for name, fields in _read_yaml("labels.yaml")["labels"].items()}


def labels_with(role: str, kind: str | None = None) -> tuple[str, ...]:
    """The labels of one role (and cue kind), in file order: ``labels_with("cue")``."""
    return tuple(lab.name for lab in labels().values() if lab.role == role and (kind is None or lab.kind == kind))
