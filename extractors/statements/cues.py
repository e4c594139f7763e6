"""Cues: which stance-bearing spans of a sentence are positions, and of what kind.

Kinds of cue, because each finds its holder differently (holders.py):
- attitude cues ("opposes", "welcomes", "is concerned") belong to their subject;
- evaluative cues ("bullying", "a correct decision") belong to the voice of the text (a reporting
  clause's subject, else the publishing ministry);
- demands ("urges X to stop Y", "The US should ...", demands.py) take their stance from the act
  asked of the addressee (contract "Demands and appeals").
Here: the plain (attitude and evaluative) cues with negation and passives, the filter that drops a
cue describing another cue's object, and `sentence_cues`, which joins
them with the demands. The `Cue` record itself lives in context.py.
"""

from __future__ import annotations

from collections.abc import Collection

from spacy.tokens import Doc, Span, Token

from .context import Cue, Mention
from .demands import demand_cues
from .patterns import VERB_STARTS
from .words import word_list, Marks, labels, labels_with, word_set

LABELS = labels()
PLAIN_CUES = tuple(lab for lab in labels_with("cue") if LABELS[lab].kind)  # read here; the rest by demands.py
RELEASE_LEAD = word_set("release_lead")
MODAL_WORDS = word_set("modal_words")
FEELINGS = word_set("feeling_participles")
ACCLAIMING = tuple(word_list("acclaiming_stems"))
THIRD_PERSON_POSSESSIVES = word_set("third_person_possessives")
EXPRESSING = word_set("expressing")
BE = word_set("be")
CLAUSE_PARTICIPLES = word_set("clause_participles")


def sentence_cues(doc: Doc, sent: Span, marks: Marks, mentions: list[Mention], window: int) -> list[Cue]:
    """The cues of a candidate sentence, in text order. Demands first (their act spans swallow cues
    inside them), then plain cues. An evaluative cue after an attitude cue describes that cue's object
    and adds nothing, except criticism after support ("reaffirmed support for Ukraine in the face of
    Russia's ongoing aggression" is two positions: the doer of the hostile act is opposed). A cue in
    another cue's object is no position. What was discussed is: the gold annotators read "discussed
    concerns regarding the attack" and "discussed the importance of peace in the Taiwan Strait" as
    positions of both sides, and the contract lists only bare reports of meetings as non-statements."""
    demands: list[Cue] = []
    for cue in demand_cues(doc, sent, marks, mentions):  # a demand inside another's act is part of it
        if not any(d.end <= cue.start < d.act_end and d.act_end != cue.act_end for d in demands):
            demands.append(cue)
    acts = [(c.end, c.act_end) for c in demands]
    plain = [c for c in attitude_and_evaluative(doc, marks, window) if not any(s <= c.start < e for s, e in acts)]
    first_att = min((c.start for c in plain if c.kind == "attitude"), default=None)
    att_stance = next((c.stance for c in plain if c.kind == "attitude"), "")
    plain = [
        c
        for c in plain
        if c.kind not in ("evaluative", "normative", "sovereign")
        or first_att is None
        or c.start < first_att
        or c.kind == "evaluative"
        and c.stance == "oppose"
        and att_stance == "support"
    ]
    plain = [c for c in plain if not in_object(doc, sent, c, plain, marks)]
    return sorted(demands + plain, key=lambda c: c.start)


def _modal_before(doc: Doc, start: int, window: int) -> bool:
    """A modal of obligation ("should", "must") shortly before the cue: a negated act is then asked for."""
    return any(t.lower_ in MODAL_WORDS for t in doc[max(doc[start].sent.start, start - window - 1) : start])


def _negated(doc: Doc, start: int, marks: Marks, window: int) -> bool:
    """A negator within `window` tokens before the cue, with no punctuation between."""
    for s, _ in marks.get("NEG", []):
        if 0 < start - s <= window and not any(t.is_punct for t in doc[s:start]):
            return True
    return False


def attitude_and_evaluative(doc: Doc, marks: Marks, window: int) -> list[Cue]:
    """Plain cues, with negation: "does not support" / "does not agree to" -> oppose, "not
    concerned" -> nothing; a participle with "by" ("opposed by all Chinese people") is passive."""
    cues = []
    for label in PLAIN_CUES:
        kind, stance = LABELS[label].kind, LABELS[label].stance
        for s, e in marks.get(label, []):
            if kind == "attitude" and _third_party_possessed(doc, s):
                continue  # "Iran's behaviour, alongside its support to proxy forces": a fact, not a stance
            neg = _negated(doc, s, marks, window)
            if label == "NEG_SUPPORT" and not neg or label == "CONCERN" and neg:
                continue
            if neg and stance == "oppose" and kind == "evaluative" and not _modal_before(doc, s, window):
                continue  # "China has never and will never interfere in ...": denying the act, opposing nothing
                # ("the rules should not undermine open trade" is a demand, and stays)
            flipped = "oppose" if neg and stance == "support" else stance
            passive = kind == "attitude" and stance != "concern" and _passive(doc, s)  # "is concerned by" is not
            basis = LABELS[label].basis  # NORM_APPEAL: "dialogue is crucial" asks for it
            if label == "SUPPORT" and not neg and not _acclaims(doc, s) and _asks_release(doc, e, marks):
                flipped, basis = "oppose", "demand"  # "support for the release of those the PRC detained"
            if label == "EVAL_RELATION" and _as_adjunct(doc, s):
                continue  # "As a traditional friendly neighbor to the DPRK, China maintains ...": a description
            cues.append(
                Cue(
                    s,
                    e,
                    "passive" if passive else kind,
                    flipped,
                    basis=basis,
                    needs_party=LABELS[label].needs_party,
                )
            )
    return cues


def _as_adjunct(doc: Doc, start: int) -> bool:
    """The cue sits in an opening "As a ..." phrase that describes the subject."""
    sent_start = doc[start].sent.start
    for i in range(start - 1, max(sent_start, start - 5) - 1, -1):
        if doc[i].lower_ == "as" and (i == sent_start or doc[i - 1].text == ","):
            return True
        if doc[i].is_punct:
            return False
    return False


def _acclaims(doc: Doc, start: int) -> bool:
    """The cue acclaims something done ("welcomes", "applauds", "thanked"): welcoming a release
    is support for whoever released, not a demand on them."""
    return doc[start].lower_.startswith(ACCLAIMING)


def _asks_release(doc: Doc, end: int, marks: Marks) -> bool:
    """Support for a release is a demand for it, a corrective act of the party holding the
    detainees: "reiterated support for the immediate and unconditional release of all those whom
    the PRC has arbitrarily detained" is oppose towards the PRC (contract "Demands and appeals")."""
    i = end
    if i < len(doc) and doc[i].lower_ in ("for", "of"):
        i += 1
    while i < len(doc) and doc[i].lower_ in RELEASE_LEAD and i - end < 6:
        i += 1
    return any(s == i and doc[s].lower_.startswith("releas") for s, _ in marks.get("CORRECTIVE", []))


def _third_party_possessed(doc: Doc, s: int) -> bool:
    """ "its support to proxy forces", "its sustained support to the Mekong subregion": a third party's
    support described, not voiced, unless a verb of expressing governs it ("expressed their strong support")."""
    for k in (1, 2, 3):
        i = s - k
        if i < 1:
            return False
        if doc[i].lower_ in THIRD_PERSON_POSSESSIVES:
            return doc[i - 1].lower_ not in EXPRESSING
        if not (doc[i].is_alpha and doc[i].is_lower) or doc[i].lower_ in ("and", "or", "to", "the", "a"):
            return False
    return False


def _passive(doc: Doc, start: int) -> bool:
    """ "will be opposed by", "has been acknowledged by": a participle cue after a form of "be"."""
    i = start - 1
    while i >= 0 and doc[i].lower_.endswith("ly") and doc[i].is_alpha:
        i -= 1
    participle = doc[start].lower_.endswith("ed") and doc[start].lower_ not in FEELINGS
    by_next = start + 1 < len(doc) and doc[start + 1].lower_ == "by"
    return participle and (i >= 0 and doc[i].lower_ in BE or by_next)


def in_object(doc: Doc, sent: Span, cue: Cue, plain: list[Cue], marks: Marks) -> bool:
    """An attitude cue in an infinitive or an "in ..." adverbial inside an earlier attitude cue's
    object describes that object: "welcomes ... the efforts undertaken by the Sultanate to support
    peace in Yemen" is one position of the welcomer, not one of the Sultanate's, and "commitment to
    work with the Government of Haiti in support of the Haitian people" is not Haiti's."""
    if cue.kind != "attitude" or cue.start < 1:
        return False
    i = cue.start - 1
    while i > sent.start and doc[i].lower_.endswith("ly") and doc[i].is_alpha:
        i -= 1
    adverbial = doc[cue.start].lower_ == "in" or doc[i].lower_ == "in"  # "... in support of the Haitian people"
    if doc[i].lower_ != "to" and not adverbial:
        return False
    return any(
        c.kind == "attitude"
        and c.stance in ("support", "oppose")
        and c.end <= i
        and not clause_break(doc, c.end, cue.start, marks)
        for c in plain
        if c is not cue
    )


def clause_break(doc: Doc, start: int, end: int, marks: Marks, semicolon: bool = True) -> bool:
    """A new clause or a new speaker between two tokens: a reporting verb, a participle after a
    comma (", focusing on the need for ...", ", confirming their commitment to ..."), or (unless it
    separates the items of a list) ";"."""
    if any(start <= s < end for s, _ in marks.get("REPORT", [])):
        return True
    starts = doc.user_data.get(VERB_STARTS, ())
    return any(
        t.text == ";" and semicolon or t.text == "," and t.i + 1 < end and _clause_participle(doc[t.i + 1], starts)
        for t in doc[start:end]
    )


def _clause_participle(tok: Token, starts: Collection[int]) -> bool:
    """ ", focusing on ...", ", confirming their commitment": a participle that opens a new clause, not a
    gerund that lists one more thing discussed (", implementing Sudan's peace agreements, and ...")."""
    return tok.lower_.endswith("ing") and (tok.lower_ in CLAUSE_PARTICIPLES or tok.i in starts)
