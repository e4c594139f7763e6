"""What the learned classifiers see of a sentence and of a candidate holder.

The classifiers must learn from a few hundred labelled paragraphs and then read text from other
years, other ministries and other partners. So the featurizer hides what does not generalise —
*which* country is named — and keeps what does: that a party is named here, that "we" speaks, the
words around them, which lexicon cues fired, and what the grammar rules concluded. "China firmly
opposes the US arms sales" and "Russia firmly opposes the Japanese deployment" look the same to
the stance classifier: `SELF firmly opposes the PARTY arms sales`.

Two kinds of examples:

- a **sentence** (stance and topic classifiers): its masked tokens, plus flags for the lexicon
  marks, the rules' findings, the genre (whose ministry, a transcript turn, the page title's kind)
  and the sentence's shape;
- a **candidate holder** in a sentence (holder classifier): the words around each of its mentions,
  what kind of candidate it is (the publishing voice, named in the sentence, in the title, in an
  earlier paragraph), whether a joint phrase ("both sides", "they") or "we" is there, and whether
  the rules made it a holder here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from spacy.strings import StringStore
from spacy.tokens import Doc, Span

from . import gazetteer as gz
from .buckets import sentence_text
from .linear import Example

#: Entity labels that name a party (a code is in ent_id_, or the official's country).
PARTY_LABELS = (gz.COUNTRY, gz.BODY, gz.INSTITUTION, gz.PERSON)
FIRST_PERSON = frozenset({"we", "our", "us", "ours", "i", "my", "me"})
JOINT = re.compile(
    r"\b(both sides|the two sides|the three sides|both parties|the parties|the sides|two leaders|both leaders|"
    r"the leaders|they|their|the presidents|the ministers|two countries|both countries|our countries|"
    r"the two|both|jointly|shared|mutual|each other|the participants|the signatories)\b",
    re.IGNORECASE,
)
#: Words of a page title that say what kind of text it is (a readout, a joint statement, ...).
TITLE_KINDS = (
    "call",
    "telephone",
    "phone",
    "meeting",
    "joint",
    "statement",
    "press",
    "talks",
    "conference",
    "remarks",
    "readout",
    "visit",
    "message",
    "interview",
    "briefing",
    "declaration",
)
CONTEXT = 3  # words either side of a candidate's mention
DIGIT = re.compile(r"\d")


@dataclass
class SentenceView:
    """A sentence as the classifiers read it: masked tokens and where the parties are."""

    tokens: list[str]
    parties: list[tuple[int, str]]  # (position in `tokens`, code), in text order
    text: str
    index: int  # the sentence's position in its unit
    codes: list[str] = field(default_factory=list)  # distinct party codes, in order of first mention

    @cached_property
    def joint(self) -> bool:
        """Does the sentence speak of both sides ("the two sides", "jointly", "they")? Asked for the
        sentence and for every holder candidate in it; the case-blind search runs once."""
        return JOINT.search(self.text) is not None


def party_code(ent: Span) -> str:
    """The code an entity stands for: a country or body code, an institution's country, or the
    country an official speaks for; "" for anything else."""
    if ent.label_ in (gz.COUNTRY, gz.BODY, gz.INSTITUTION):
        return ent.ent_id_
    if ent.label_ == gz.GROUP:
        return gz.GROUP_PREFIX + ent.ent_id_
    if ent.label_ == gz.PERSON:
        official = gz.officials_by_name().get(ent.ent_id_)
        return official.country if official else ""
    return ""


def codes_in(doc: Doc | None) -> list[str]:
    """Distinct party codes named in a doc (e.g. a page title), in order of first mention."""
    if doc is None:
        return []
    return list(dict.fromkeys(c for e in doc.ents for c in gz.members(party_code(e))))


def views(doc: Doc, sents: Sequence[Span], voice: str) -> list[SentenceView]:
    """Every sentence masked (`masked`), reading the doc's tokens and entities once, not once per
    sentence (the per-sentence reading built every token and every entity of the doc again)."""
    strings, known = doc.vocab.strings, _WORDS.get  # a word seen before is one dict look-up, no call
    words = [
        None if space else known(lower) or _word(lower, strings)
        for lower, space in doc.to_array(["LOWER", "IS_SPACE"]).tolist()
    ]
    starts = [s.start for s in sents]
    ents: list[dict[int, Span]] = [{} for _ in sents]
    for ent in doc.ents:
        k = bisect_right(starts, ent.start) - 1
        if k >= 0 and ent.end <= sents[k].end:  # an entity across a sentence break masks nothing
            ents[k][ent.start] = ent
    return [masked(sent, i, voice, words, ents[i]) for i, sent in enumerate(sents)]


def _word(lower: int, strings: StringStore) -> str:
    """A lower-cased word as the classifiers see it ("we" -> WE, digits -> 0), by its string hash,
    remembered (reading the tokens' arrays is cheaper than making a Token for every word)."""
    word = _WORDS.get(lower)
    if word is None:
        text = strings[lower]
        word = _WORDS[lower] = "WE" if text in FIRST_PERSON else DIGIT.sub("0", text)
    return word


_WORDS: dict[int, str] = {}  # one entry per distinct word read, like the vocabulary's own string store


def masked(sent: Span, index: int, voice: str, words: list[str | None], ents: dict[int, Span]) -> SentenceView:
    """Mask the sentence: parties become SELF (the voice), PARTY or PERSON; first person becomes
    WE; digits become 0. `words`: each token of the doc lower-cased and masked (None: a space);
    `ents`: the entities inside the sentence by their first token."""
    tokens: list[str] = []
    parties: list[tuple[int, str]] = []
    i = sent.start
    while i < sent.end:
        ent = ents.get(i)
        codes = gz.members(party_code(ent)) if ent is not None else []
        if ent is not None and codes:
            tokens.append("SELF" if codes == [voice] else "PERSON" if ent.label_ == gz.PERSON else "PARTY")
            parties.extend((len(tokens) - 1, code) for code in codes)
            i = ent.end
            continue
        word = words[i]
        i += 1
        if word is not None:
            tokens.append(word)
    codes = list(dict.fromkeys(c for _, c in parties))
    return SentenceView(tokens, parties, sentence_text(sent), index, codes)


@dataclass(frozen=True)
class UnitFacts:
    """What is known about the unit a sentence comes from."""

    voice: str  # the publishing (or speaking) country, "" for news outlets
    has_speaker: bool
    title_kinds: tuple[str, ...]
    title_codes: tuple[str, ...]
    unit_codes: tuple[str, ...]
    doc_codes: tuple[str, ...]  # parties named in earlier paragraphs of the same document
    signatories: tuple[str, ...] = ()  # a joint statement's governments (the page title says so)


@lru_cache(maxsize=1024)
def title_kinds(title: str) -> tuple[str, ...]:
    """The kinds of text a page title names; remembered, as every paragraph of a page asks twice."""
    low = title.lower()
    return tuple(k for k in TITLE_KINDS if k in low)


def sentence_example(sv: SentenceView, facts: UnitFacts, marks: Iterable[str]) -> Example:
    """The stance/topic classifiers' input. `marks`: lexicon labels matched in the sentence.

    The grammar rules' own findings are deliberately not an input: measured by cross-validation
    they added nothing the lexicon marks do not already say, and without them the classifier reads
    a sentence on its own, whatever the rules concluded about the paragraph before.
    """
    flags = [f"M_{m}" for m in marks]
    flags.append(f"SRC_{facts.voice or 'none'}")
    flags += [f"TITLE_{k}" for k in facts.title_kinds]
    if facts.has_speaker:
        flags.append("TURN")
    if sv.text.rstrip().endswith("?"):
        flags.append("QUESTION")
    flags.append(f"POS_{min(sv.index, 4)}")
    if sv.tokens and sv.tokens[0] in ("SELF", "PARTY", "PERSON", "WE", "the"):
        flags.append(f"OPENS_{sv.tokens[0]}")
    if sv.joint:
        flags.append("JOINT")
    stems = [f"~{t[:5]}" for t in sv.tokens if len(t) > 5 and t.isalpha()]
    return Example((*sv.tokens, "|", *stems), tuple(flags))


def candidates(sv: SentenceView, facts: UnitFacts) -> list[str]:
    """Who might hold a position stated in this sentence: the voice, the parties named in it, in
    the page title, elsewhere in the unit and in earlier paragraphs."""
    seen = [facts.voice] if facts.voice else []
    for code in (*sv.codes, *facts.title_codes, *facts.unit_codes, *facts.doc_codes):
        if code and code not in seen:
            seen.append(code)
    return seen


def holder_example(sv: SentenceView, code: str, facts: UnitFacts, rule_holders: Sequence[str]) -> Example:
    """The holder classifier's input for candidate `code` in this sentence."""
    voice = code == facts.voice
    flags = ["VOICE" if voice else "OTHER", f"SRC_{facts.voice or 'none'}"]
    positions = [p for p, c in sv.parties if c == code]
    flags.append("IN_SENTENCE" if positions else "NOT_IN_SENTENCE")
    if code in facts.title_codes:
        flags.append("IN_TITLE")
    if code in facts.unit_codes:
        flags.append("IN_UNIT")
    if code in facts.doc_codes:
        flags.append("IN_DOC")
    if code in facts.signatories:
        flags.append("SIGNATORY")
    joint = sv.joint
    if joint:
        flags += ["JOINT", f"JOINT_{'TITLE' if code in facts.title_codes else 'VOICE' if voice else 'NOTITLE'}"]
    if "WE" in sv.tokens:
        flags.append(f"WE_{'VOICE' if voice else 'OTHER'}")
        i = sv.tokens.index("WE")
        flags.append(f"WE_NEXT_{sv.tokens[i + 1] if i + 1 < len(sv.tokens) else '</s>'}")
    if code in rule_holders:
        flags.append("RULE_HOLDER")
    elif rule_holders:
        flags.append("RULE_OTHER_HOLDER")
    tokens = list(sv.tokens)
    for p in positions:
        tokens[p] = "HOLDER"
    for n, p in enumerate(positions[:3]):
        flags.append(f"AT_{min(p, 5)}" if n == 0 else "REPEATED")
        for d in range(-CONTEXT, CONTEXT + 1):
            if d and 0 <= p + d < len(tokens):
                flags.append(f"C{d}_{tokens[p + d]}")
        flags.append("PREV2_" + "_".join(tokens[max(0, p - 2) : p]))
        flags.append("NEXT2_" + "_".join(tokens[p + 1 : p + 3]))
    if sv.text.rstrip().endswith("?"):
        flags.append("QUESTION")
    return Example((), tuple(flags))
