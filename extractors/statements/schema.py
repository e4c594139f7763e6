"""The detector's input and output records (the public shapes other stages are written against)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TextUnit:
    """One paragraph or one transcript answer turn, with what is known about who published it.

    `source_country` (ISO alpha-3 of the publishing ministry, "" for news outlets) is what "we" and
    "our side" mean; `speaker`/`speaker_role` name the transcript's answering spokesperson, who is
    the speaker of every answer paragraph. `title` is the page title, context for "the two sides"
    and "the leaders" in a readout ("Secretary Blinken's Call with ...").
    """

    text: str
    date: dt.date | None = None
    source_country: str = ""
    speaker: str = ""
    speaker_role: str = ""
    id: str = ""
    title: str = ""


@dataclass(frozen=True)
class Statement:
    """A position an actor takes towards a target and/or topic (shared/docs/statements.md).

    `basis` is "demand" when the position was read from a demand or appeal ("urges X to stop",
    "calls on", "should", "must", "hopes", "it is essential that X uphold") and "assessment" when
    it was read from an attitude or evaluation ("supports", "condemns", "is concerned", "a serious
    violation"): the contract's timeline rule lets an assessment outweigh the routine demands of
    the same day. `topics` lists every topic the position is about (`topic` is the first);
    `confidence` is the classifier's probability for the stance (1.0 where a rule alone decided).
    """

    actor: str
    speaker: str
    speaker_role: str
    stance: str
    target: str
    topic: str
    flags: tuple[str, ...]
    sentence: str
    cue: str
    stated_on: dt.date | None
    sentence_start: int = 0
    sentence_end: int = 0
    basis: str = "assessment"
    topics: tuple[str, ...] = ()
    confidence: float = field(default=1.0, compare=False)
    detector_version: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # `topic` is the first of `topics` (kept for the gold/score format, which reads one topic).
        if not self.topics and self.topic:
            object.__setattr__(self, "topics", (self.topic,))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, the gold/score format's field names plus the evidence fields."""
        return {
            "actor": self.actor,
            "speaker": self.speaker,
            "speaker_role": self.speaker_role,
            "stance": self.stance,
            "target": self.target,
            "topic": self.topic,
            "topics": list(self.topics),
            "flags": list(self.flags),
            "sentence": self.sentence,
            "cue": self.cue,
            "stated_on": self.stated_on.isoformat() if self.stated_on else None,
            "basis": self.basis,
            "confidence": round(self.confidence, 3),
        }
