"""The detector's three trained classifiers, as one bundle stored in `model/`.

- **stance**: does this sentence carry a position, and with which stance(s)? (support / oppose /
  concern, one-vs-rest);
- **holder**: does this candidate (the publishing voice, a party named here, in the title, in an
  earlier paragraph) hold a position stated in this sentence?
- **topic**: which of the contract's topics is the sentence about? (one-vs-rest over the slugs)

They are trained by `stancewatch train` (see `training.py`) on the tuning part of the gold data
only, and shipped as plain numbers (`linear.py`). `settings.json` beside them holds the decision
thresholds chosen by cross-validation on the tuning part.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from .linear import LinearModel

MODEL_DIR = Path(__file__).resolve().parent / "model"
STANCES = ("support", "oppose", "concern")
NAMES = ("stance", "holder", "topic")


@dataclass(frozen=True)
class Settings:
    """Decision thresholds and training knobs (chosen by cross-validation on the tuning part)."""

    add_support: float = 0.6  # a sentence with no rule statement of this stance gets one above this
    add_oppose: float = 0.7
    add_concern: float = 0.7
    # A rule statement's confidence is never below the rules' own measured precision (strict, on the
    # tuning units they were not written against; set by `stancewatch train`): an explicit cue is
    # evidence the classifier's topic priors must not outvote ("China now supports sanctions" reads
    # as unlikely to a classifier that has only seen sanctions opposed — exactly the reversal).
    rule_floor: float = 0.8
    holder: float = 0.5  # candidates above this hold the added position (at least the best one)
    topic: float = 0.6  # further topics above this join an added statement's `topics` (half are right at 0.6)
    max_topics: int = 2
    complete: float = 0.7  # 0 = off; else further holders above this join a sentence's existing stance
    c_stance: float = 1.0  # inverse regularisation of each classifier (chosen by cross-validation)
    c_holder: float = 10.0
    c_topic: float = 3.0

    def add_threshold(self, stance: str) -> float:
        return float(getattr(self, f"add_{stance}"))

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Settings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})


@dataclass(frozen=True)
class Classifiers:
    """The three models and the settings they were tuned with."""

    stance: LinearModel
    holder: LinearModel
    topic: LinearModel
    settings: Settings

    def to_disk(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name in NAMES:
            getattr(self, name).to_disk(folder / name)
        (folder / "settings.json").write_text(json.dumps(asdict(self.settings), indent=2, sort_keys=True) + "\n")

    @classmethod
    def from_disk(cls, folder: Path) -> Classifiers:
        settings = Settings.from_dict(json.loads((folder / "settings.json").read_text()))
        models = {name: LinearModel.from_disk(folder / name) for name in NAMES}
        return cls(models["stance"], models["holder"], models["topic"], settings)


def available(folder: Path = MODEL_DIR) -> bool:
    """True when a trained bundle is present (a fresh clone ships one)."""
    return all((folder / f"{name}.npz").exists() for name in NAMES) and (folder / "settings.json").exists()


@lru_cache(maxsize=4)
def load(folder: Path = MODEL_DIR) -> Classifiers:
    """The shipped bundle (cached per process: workers load it once, before their first batch)."""
    return Classifiers.from_disk(folder)
