"""Targets: the party a position is about.

The addressee of a demand, else the party named with the cue (after an attitude cue, next to an
evaluative one); failing that, for criticism, concern and assessments, the party the paragraph (or
the document) is mostly about. A people, a society or a norm named with a party is no target.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from spacy.tokens import Doc, Span

from . import gazetteer as gz
from .context import Cue, DocContext, Mention
from .holders import possessive
from .topics import GENERIC, topic_hits
from .words import Marks, word_list, word_set

PEOPLE_NOUNS = word_set("people_nouns")
NORM_NOUNS = word_set("norm_nouns")
ANAPHORA = word_set("anaphora")
ANY_PARTY = word_set("any_party")
BILATERAL = word_list("bilateral")
RELATION_TOPICS = word_set("relation_topics")
RELATIVE_REACH = 6  # ", which the United States strongly welcomes": the relative pronoun this close before the cue


def pick_target(doc: Doc, sent: Span, cue: Cue, mentions: list[Mention], holders: set[str], limit: int) -> str:
    """The party the position is about: the addressee of a demand, else the nearest party named
    after an attitude cue, or next to an evaluative one."""

    def ok(m: Mention) -> bool:
        return (
            m.kind == "party"
            and m.code not in holders
            and not _of_a_people(doc, m)
            and not (cue.stance != "support" and _names_a_norm(doc, m))
        )

    if cue.kind == "appeal":
        return ""
    if cue.kind == "sovereign":  # "Cambodia's domestic affairs": the possessor, never the speaker
        owner = [m for m in mentions if m.end in (cue.start - 1, cue.start) and possessive(doc, m) and ok(m)]
        return owner[0].code if owner else ""
    if cue.kind in ("demand", "modal"):
        named = [m for m in cue.addressee if ok(m)]
        return named[0].code if named else ""
    after = doer_first(doc, [m for m in mentions if cue.end <= m.start < limit and ok(m)])
    before = [m for m in mentions if sent.start <= m.start and m.end <= cue.start and ok(m)]
    if cue.kind in ("evaluative", "normative", "passive"):
        return before[-1].code if before else after[0].code if after else ""
    return after[0].code if after else ""


def is_agent(doc: Doc, start: int) -> bool:
    """A party named after "by" ("the shelling of X by Y's forces") is the doer of what precedes."""
    prev = [t.lower_ for t in doc[max(0, start - 2) : start]]
    return bool(prev) and (prev[-1] == "by" or prev[-2:] == ["by", "the"])


def doer_first(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Mentions with the doers first: a criticised act's agent is the target, its victim is not
    (contract, "Doer, not victim": "condemned the shelling of X by Y's forces" opposes Y)."""
    agents = [m for m in mentions if is_agent(doc, m.start)]
    return agents + [m for m in mentions if m not in agents]


def _of_a_people(doc: Doc, m: Mention) -> bool:
    """ "Tunisia's vibrant civil society", "the Belarusian people": support for a people or its
    society names no government (gold convention 7), so the country is not the target."""
    window = doc[m.end : min(m.end + 4, len(doc))]
    return any(t.lower_ in PEOPLE_NOUNS for t in window) and all(
        not t.is_punct or t.text in ("'s", "’s", "’", "'") for t in window[:2]
    )


def _names_a_norm(doc: Doc, m: Mention) -> bool:
    """ "in blatant violation of the WTO rules", "inconsistent with UN Security Council resolutions": the
    body names the norm invoked, not the party criticised."""
    return m.end < len(doc) and doc[m.end].lower_ in NORM_NOUNS


def cue_target(
    doc: Doc,
    sent: Span,
    cue: Cue,
    marks: Marks,
    mentions: list[Mention],
    ctx: DocContext,
    holders: set[str],
    limit: int,
) -> str:
    """The party named with the cue; failing that, for criticism, concern and assessments (and
    "supports this"), the party the paragraph is about, unless the object is "any country"."""
    target = pick_target(doc, sent, cue, mentions, holders, limit)
    if target or cue.addressee:
        return target
    anaphoric = cue.end < len(doc) and doc[cue.end].lower_ in ANAPHORA or _relative_clause(doc, sent, cue)
    anyone = any(
        cue.end <= s < limit and doc[s:e].text.lower() in ANY_PARTY for s, e in marks.get("ALL_PARTIES", [])
    )  # "by any country"
    bilateral = any(
        cue.end <= s < limit and doc[s:e].text.lower().endswith(BILATERAL) for s, e in marks.get("ALL_PARTIES", [])
    )  # "hope our two sides can ..."

    # opposing an object that names a measure ("objects unilateral sanctions", "opposes protectionism")
    # is a position on the topic itself: the contract gives it no target (a party would re-key it).
    # Concern keeps the context's party: it is about a situation somewhere ("troubled by the closures").
    # Likewise an evaluation whose subject is the measure ("Sanctions will ... hinder a settlement").
    def names_measure(start: int, end: int) -> bool:
        return any(slug not in GENERIC for _, slug in topic_hits(marks, start, end))

    measure = (
        cue.stance == "oppose"
        and not anaphoric
        and (
            cue.kind == "attitude"
            and names_measure(cue.end, limit)
            or cue.kind == "evaluative"
            and names_measure(sent.start, cue.start)
        )
    )
    contextual = (
        (cue.kind == "evaluative" and not measure)
        or bilateral
        or cue.kind in ("attitude", "demand")
        and ((cue.stance != "support" and not measure) or anaphoric)
    )
    return unit_target(ctx, holders) if contextual and not anyone else ""


def _relative_clause(doc: Doc, sent: Span, cue: Cue) -> bool:
    """The cue is in a clause ", which we warmly welcome" whose object is what came before it."""
    return any(
        doc[i].lower_ == "which" and doc[i - 1].text == ","
        for i in range(max(sent.start + 1, cue.start - RELATIVE_REACH), cue.start)
    )


def unit_target(ctx: DocContext, holders: set[str]) -> str:
    """The party a unit is mostly about (for "China deplores and opposes it")."""
    counts = Counter(c for _, c in ctx.unit_parties if c not in holders and c != ctx.voice_country)
    if not counts:  # a paragraph that names no party continues the document's
        counts = Counter(c for c in ctx.doc_parties if c not in holders and c != ctx.voice_country)
    return counts.most_common(1)[0][0] if counts else ""


def object_limit(doc: Doc, sent: Span, cues: list[Cue], k: int) -> int:
    """Where cue k's object ends: at the next cue, except a same-stance cue joined to it by "and"
    ("strongly dissatisfied with and firmly opposed to the remarks by the US side")."""
    cue = cues[k]
    for nxt in cues[k + 1 :]:
        chained = nxt.start - cue.end <= 2 and not any(t.is_punct for t in doc[cue.end : nxt.start])
        joined = nxt.stance == cue.stance and (
            chained or nxt.start - cue.end <= 4 and any(t.lower_ == "and" for t in doc[cue.end : nxt.start])
        )  # "reaffirm readiness to", "opposed to and condemns"
        if not joined:
            return nxt.start
        cue = nxt
    return sent.end


def targets_by_holder(
    codes: list[str], target: str, cue: Cue, topics: list[str], named: bool = True, counterparts: Sequence[str] = ()
) -> dict[str, str]:
    """Each holder's target: the cue's target, except that co-holders of a relationship position with
    no target named in the sentence take each other ("Minister Lapid and Secretary Blinken
    acknowledged the strong partnership": each side's position is about the other, not about a
    third party the paragraph goes on to discuss). A lone holder's relationship position with no
    target (cooperation, talks, trade) is with the side the page title names, so the relations view
    has a pair to put it on."""
    mutual = not target or not named
    if mutual and len(codes) > 1 and cue.stance == "support" and topics[0] in RELATION_TOPICS:
        return {c: next(o for o in codes if o != c) for c in codes}
    if not target and cue.stance == "support" and topics[0] in RELATION_TOPICS:
        # "The Secretary reaffirmed the enduring partnership between our two countries" in a readout
        # of a call with Colombia: the relationship is with the side the title names
        return {c: next((o for o in counterparts if o != c), "") for c in codes}
    return {c: _one_of(target, c) for c in codes}


def _one_of(target: str, holder: str) -> str:
    """A group target ("closer contacts with the EAEU") is about each member: name one that is not
    the holder (a gold statement lists every member as acceptable)."""
    if not target.startswith(gz.GROUP_PREFIX):
        return target
    return next((m for m in gz.members(target) if m != holder), "")
