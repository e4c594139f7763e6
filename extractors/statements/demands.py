"""Demands and appeals: "urges X to stop Y", "calls on all parties to ...", "X should ...".

A demand's stance is that of the act it asks for (a corrective act -> oppose, a cooperative act ->
support; contract "Demands and appeals"), its target the addressee; a demand on everyone, or a soft
appeal to several parties, is support for the shared act. Every cue read here has basis "demand".
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span

from . import gazetteer as gz
from .context import Cue, Mention
from .holders import subject_before
from .words import Marks, word_set

MODALS = word_set("modals")
PREPOSITIONS = word_set("prepositions")
SOFT_APPEALS = word_set("soft_appeals")
NOUN_DEMANDS = word_set("noun_demands")
NOUN_LIKE = word_set("noun_like")
SUBJECT_WORDS = word_set("subject_words")
DETERMINERS_BEFORE_NOUN = word_set("determiners_before_noun")
ACT_OPENERS = word_set("act_openers")
ORDINALS = word_set("ordinals")
ENDING_WORDS = word_set("ending_words")


def demand_cues(doc: Doc, sent: Span, marks: Marks, mentions: list[Mention]) -> list[Cue]:
    """Demands and appeals, per the contract.

    "China urges the US to stop arms sales" -> oppose, addressee USA; "calls on relevant parties to
    exercise restraint" -> support; "The US should strictly adhere to ..." -> oppose USA (modal);
    "called for an immediate end to the PRC's crimes" -> oppose PRC (noun demand).
    """
    out = []
    ends = {m.end for m in mentions}
    for s, e in sorted(marks.get("DEMAND", [])):
        phrase = doc[s:e].text.lower()
        if phrase in NOUN_LIKE and not _verb_position(doc, s, ends):
            continue  # "to restore hope, respect and trust": a noun, not an appeal
        if (
            s > sent.start
            and doc[s - 1].lower_ in DETERMINERS_BEFORE_NOUN
            and phrase not in MODALS
            and not phrase.startswith(("it ", "need"))
        ):
            continue  # "a push for more transparency", "the WHO's calls for": a noun
        if phrase.startswith("remind") and e < len(doc) and doc[e].lower_ == "you":
            continue  # "let me remind you that ...": a reminder to the audience, not an appeal
        if phrase in ("need to", "needs to") and s > 0 and doc[s - 1].lower_ == "the" or phrase == "the need for":
            out.append(Cue(s, e, "normative", "support", (), _clause_end(doc, sent, e)))  # "stressed the need to"
        elif phrase in MODALS:
            cue = _modal_demand(doc, sent, s, e, marks, mentions)
            out.extend([cue] if cue is not None else [])
        else:
            out.extend(_verb_demand(doc, sent, s, e, phrase, marks, mentions))
    out.extend(_imperatives(doc, sent, marks))
    for label, stance in (("PASSIVE_SUPPORT", "support"), ("PASSIVE_OPPOSE", "oppose")):
        for s, e in marks.get(label, []):
            subj = tuple(m for m in mentions if sent.start <= m.start < s and m.kind == "party")
            out.append(Cue(s, e, "modal", stance, subj[-1:], e))
    return [replace(c, basis="demand") for c in out]


def _act_stance(doc: Doc, start: int, end: int, marks: Marks) -> tuple[str, bool] | None:
    """The first act asked in [start, end): corrective -> oppose, cooperative -> support, or a
    stance verb ("urge the UK to ... oppose all forms of protectionism"), whose stance then points
    at the measure, not the addressee (the second value is True)."""
    acts = [(s, "oppose", False) for s, _ in marks.get("CORRECTIVE", []) if start <= s < end]
    acts += [
        (s, "support", False) for s, e in marks.get("COOPERATIVE", []) if start <= s < end and _develops(doc, s, e)
    ]
    acts += [(s, lab.lower(), True) for lab in ("SUPPORT", "OPPOSE") for s, _ in marks.get(lab, []) if start <= s < end]
    if not acts:
        return None
    _, stance, embedded = min(acts)
    return stance, embedded


def _develops(doc: Doc, start: int, end: int) -> bool:
    """A cooperative act; "deepen", "expand", "maintain" only with a relation, peace or dialogue as
    object ("hope both sides deepen relations", not "asked the Thai side to expand the search")."""
    dem = gz.lexicon()["demands"]
    if doc[start:end].text.lower() not in set(dem["relation_verbs"]):
        return True
    objects = set(dem["relation_objects"])
    return any(t.lower_ in objects for t in doc[end : min(end + 6, len(doc))])


def _imperatives(doc: Doc, sent: Span, marks: Marks) -> list[Cue]:
    """Advice lists: "First, stop playing up ... Second, stop stirring up troubles" -> oppose.

    A corrective verb opening the sentence (after an ordinal) is a demand on the party the
    answer is about; the analyser fills the target from the unit.
    """
    out = []
    for s, e in marks.get("CORRECTIVE", []):
        lead = [t for t in doc[sent.start : s] if not t.is_punct and not t.is_space]
        if all(t.lower_ in ORDINALS for t in lead):
            out.append(Cue(s, e, "demand", "oppose", (), _clause_end(doc, sent, e)))
    return out[:1]


def _verb_position(doc: Doc, i: int, mention_ends: set[int]) -> bool:
    """A word that can be a noun is a demand verb only right after its subject ("We hope",
    "China sincerely hope", "the US side demand")."""
    return i > 0 and (doc[i - 1].lower_ in SUBJECT_WORDS or i in mention_ends or doc[i - 1].lower_.endswith("ly"))


def _clause_end(doc: Doc, sent: Span, start: int) -> int:
    """End of the clause that begins at `start`: the next semicolon or the sentence end."""
    for t in doc[start : sent.end]:
        if t.text in (";",):
            return t.i
    return sent.end


def _after_preposition(doc: Doc, m: Mention) -> bool:
    """ "Russia's aggression against Ukraine must end": Ukraine is the victim inside the subject, not
    an addressee of the demand (the doer is)."""
    i = m.start - 1
    while i >= 0 and doc[i].lower_ in ("the", "a", "an"):
        i -= 1
    return i >= 0 and doc[i].lower_ in PREPOSITIONS


def _modal_demand(doc: Doc, sent: Span, s: int, e: int, marks: Marks, mentions: list[Mention]) -> Cue | None:
    """ "X should/must <act>": X is the addressee; passives are left to the passive family."""
    if e < len(doc) and doc[e].lower_ == "be":
        return None
    clause_start = max([sent.start] + [t.i + 1 for t in doc[sent.start : s] if t.text in (",", ";", "that")])
    if clause_start >= s:  # "all relevant parties, the Israeli side in particular, should ...": an apposition
        clause_start = max([sent.start] + [t.i + 1 for t in doc[sent.start : s] if t.text in (";", "that")])
    subj = [
        m
        for m in mentions
        if clause_start <= m.start < s and m.kind in ("party", "self", "joint") and not _after_preposition(doc, m)
    ]
    end = _clause_end(doc, sent, e)
    act = _act_stance(doc, e, end, marks)
    stance = act[0] if act else None
    if act and act[1]:
        subj = []  # "X should oppose protectionism": the stance is on the measure
    if any(clause_start <= n < e + 2 for n, _ in marks.get("NEG", [])):
        stance = "oppose"
    if stance is None or not subj and not _inside_all_parties(clause_start, s, marks) and not (act and act[1]):
        return None  # "the difference must not be colossal": a modal about a thing, not a party
    everyone = any(m.kind == "joint" and m.text.lower() != "they" for m in subj)
    if everyone or _inside_all_parties(clause_start, s, marks) or len({m.code for m in subj}) > 1:
        stance = "support"  # "all parties should ...", "Beijing and Washington should ..."
    return Cue(s, e, "modal", stance, tuple(subj), end)


def _inside_all_parties(start: int, end: int, marks: Marks) -> bool:
    return any(start <= s < end for s, _ in marks.get("ALL_PARTIES", []))


def _verb_demand(doc: Doc, sent: Span, s: int, e: int, phrase: str, marks: Marks, mentions: list[Mention]) -> list[Cue]:
    """ "urges/calls on/hopes X to <act>" and "calls for <act of X>"."""
    end = _clause_end(doc, sent, e)
    to_idx = next((t.i for t in doc[e:end] if t.lower_ in ACT_OPENERS and t.i > e), None)
    if phrase in NOUN_DEMANDS or to_idx is None:
        region_end = end
    else:
        region_end = to_idx
    addressees = tuple(m for m in mentions if e <= m.start < region_end and m.kind in ("party", "joint", "self"))
    if phrase in NOUN_DEMANDS:
        addressees = tuple(m for m in addressees if m.end < len(doc) and doc[m.end].text in ("'s", "’s"))[:1]
    act = _act_stance(doc, e, end, marks)
    if act is None and phrase in NOUN_DEMANDS and _has_subject(doc, sent, s, mentions):
        hostile = _ends_hostilities(doc, e, end)
        return [Cue(s, e, "demand", "support", (), end, topic="dialogue" if hostile else "")]  # "presses for aid"
    if act is None:
        return []
    stance, embedded = act
    if embedded:  # "calls on all WTO members to stand against protectionism": about the measure
        return [Cue(s, e, "appeal", stance, (), end)]
    if phrase in NOUN_DEMANDS and not addressees and _ends_hostilities(doc, e, end):
        return [Cue(s, e, "demand", "support", (), end, topic="dialogue")]  # de-escalation (contract "Fields")
    all_parties = _inside_all_parties(e, region_end, marks) or any(m.kind == "joint" for m in addressees)
    if all_parties and stance == "oppose" and any(e <= s2 < end for s2, _ in marks.get("EVAL_OPPOSE", [])):
        return [Cue(s, e, "appeal", "oppose", (), end)]  # "hope all countries cast off Cold War mindset"
    several = len({m.code for m in addressees}) > 1
    if all_parties or several and (stance == "support" or phrase in SOFT_APPEALS):
        return [Cue(s, e, "demand", "support", addressees, end)]  # "hope the US and the DPRK can implement ..."
    return [Cue(s, e, "demand", stance, addressees, end)] + _second_act(doc, s, e, end, stance, addressees, marks)


def _has_subject(doc: Doc, sent: Span, verb: int, mentions: list[Mention]) -> bool:
    """A party, "we" or "he" holds the verb at `verb` ("Lenderking will continue to press for ...",
    not "the situation calls for ...")."""
    subj = subject_before(doc, sent, verb, mentions)
    if not subj:
        return False
    return subj[-1].kind in ("party", "self", "pronoun", "joint") and not any(
        t.text in (",", ";") for t in doc[subj[-1].end : verb]
    )  # same clause as the verb


def _coordinated_verb(doc: Doc, i: int) -> bool:
    """The act word opens a coordinated verb phrase: "... and peacefully resolve", "and resume"."""
    j = i - 1
    while j > 0 and doc[j].lower_.endswith("ly") and doc[j].is_alpha:
        j -= 1
    return j >= 0 and doc[j].lower_ == "and"


def _ends_hostilities(doc: Doc, start: int, end: int) -> bool:
    """ "an end to the stalemated fighting", "a halt to the violence": a call for de-escalation."""
    words = [t.lower_ for t in doc[start : min(end, start + 8)]]
    hostile = set(gz.lexicon()["demands"]["hostilities"])
    return any(w in ENDING_WORDS for w in words[:3]) and any(w in hostile for w in words)


def _second_act(
    doc: Doc, verb: int, start: int, end: int, first: str, addressees: tuple[Mention, ...], marks: Marks
) -> list[Cue]:
    """ "calls on Beijing to cease its pressure campaign ... and peacefully resolve cross-Strait
    issues": a cooperative act after a corrective one (or the reverse) is a second position."""
    other, label = ("support", "COOPERATIVE") if first == "oppose" else ("oppose", "CORRECTIVE")
    first_label = "CORRECTIVE" if first == "oppose" else "COOPERATIVE"
    first_at = min((s for s, _ in marks.get(first_label, []) if start <= s < end), default=end)
    later = [
        (s, e)
        for s, e in marks.get(label, [])
        if first_at < s < end and _coordinated_verb(doc, s) and _develops(doc, s, e)
    ]
    return [Cue(later[0][0], later[0][1], "demand", other, addressees, end, verb)] if later else []
