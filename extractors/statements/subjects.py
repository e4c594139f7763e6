"""Who a sentence's subject is, read from the masked sentence: the holders of a position the
classifiers add.

The holder classifier scores candidates one by one from the words around their mentions, and it
learned from a few hundred paragraphs; it misses what the contract states as a rule ("Whose
position"): "we" in a joint statement is every signatory; "the two sides", "they", "the leaders",
"Secretary Blinken and Foreign Minister Son ..." in a readout are each party taking part; a readout's
impersonal "the importance of joint efforts was emphasised" is the position of both. Where the subject
is one of these, it decides the holders; anywhere else the classifier does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from .features import SentenceView, UnitFacts
from .words import word_list, word_set

PARTY_TOKENS = ("SELF", "PARTY", "PERSON")
SUBJECT_WORDS = word_set("subject_words")
JOINT_SUBJECT_WORDS = word_set("joint_subject_words")
MEETING_TITLES = word_set("meeting_titles")
ADVERBIAL = 6  # an opening adverbial before the subject is this many words at most ("Since early this year,")
COUNTED_SIDES = {"both": 2, "two": 2, "three": 3}  # "both sides", "the two sides", "the three sides"


@lru_cache(maxsize=1)
def _impersonal() -> re.Pattern[str]:
    verbs = "|".join(re.escape(v) for v in word_list("impersonal_verbs"))
    openings = "|".join(re.escape(o) for o in word_list("impersonal_openings"))
    return re.compile(rf"^(?:{openings})\b|\b(?:was|were) (?:also )?(?:{verbs})\b", re.IGNORECASE)


def subject_span(sv: SentenceView) -> tuple[int, int]:
    """The sentence's opening subject phrase as (start, end) positions in `sv.tokens`: after a short
    adverbial ("Today, we ..."; "Meanwhile, we ..."), up to the first word that is neither a party nor
    a subject word (its verb).

    >>> sv = SentenceView("Today , WE have taken action".split(), [], "", 0)
    >>> subject_span(sv)
    (2, 3)
    """
    toks = sv.tokens
    start = 0
    if "," in toks[:ADVERBIAL] and not any(t in PARTY_TOKENS or t == "WE" for t in toks[: toks.index(",")]):
        start = toks.index(",") + 1
    end = start
    while end < len(toks) and (toks[end] in PARTY_TOKENS or toks[end] in SUBJECT_WORDS or toks[end] == "WE"):
        end += 1
    if end < len(toks) and toks[end] == "they" and end == start:
        end += 1
    return start, end


def subject_holders(sv: SentenceView, facts: UnitFacts) -> list[str]:
    """The holders the subject states, or [] when the subject does not settle it.

    - "we" (first person) opens: every signatory of a joint statement, else the voice;
    - a joint word ("the two sides", "they", "both leaders") or two parties joined by "and" in a
      readout: the parties named in the subject, completed by the voice and the page title's parties;
    - an impersonal report ("... was emphasised", "There was unanimity") in a readout of a call or
      meeting: the voice and the title's parties.
    """
    start, end = subject_span(sv)
    words = sv.tokens[start:end]
    named = list(dict.fromkeys(c for p, c in sv.parties if start <= p < end))
    readout = is_readout(facts)
    both_sides = list(dict.fromkeys([*(c for c in [facts.voice] if c), *facts.title_codes]))
    if words[:1] == ["WE"] or words[:2] == ["WE", ","]:
        return list(facts.signatories) or ([facts.voice] if facts.voice else [])
    joint = any(w in JOINT_SUBJECT_WORDS for w in words) or (len(named) >= 2 and "and" in words)
    if joint and readout:
        parties = list(dict.fromkeys([*named, *both_sides]))
        return parties if len(parties) >= 2 else []
    if joint and len(named) >= 2:
        return named
    if joint and not named:
        return _counted_sides(words, facts)
    if not named and readout and _impersonal().search(sv.text) and len(both_sides) >= 2:
        return both_sides
    return []


def is_readout(facts: UnitFacts) -> bool:
    """A readout of a call or meeting (the title says so), or a joint statement."""
    return any(w in MEETING_TITLES for w in facts.title_kinds) or bool(facts.signatories)


def with_subject(accepted: Sequence[str], holders: Sequence[str]) -> list[str]:
    """The subject's holders when it names any, else the classifier's choice."""
    return list(holders) if holders else list(accepted)


def _counted_sides(words: Sequence[str], facts: UnitFacts) -> list[str]:
    """Counted sides ("both sides", "the three sides") outside a readout: the parties the unit names, when it names
    exactly as many as the subject counts (an answer about the DPRK and the ROK: "Both sides are
    implementing the consensus"); otherwise the subject does not settle who they are."""
    counts = [COUNTED_SIDES[w] for w in words if w in COUNTED_SIDES]
    if not counts:
        return []
    pool = list(dict.fromkeys(facts.unit_codes))
    return pool if len(pool) == counts[0] else []
