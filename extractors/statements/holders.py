"""Who holds a position: the cue's subject, genitive holders, reporting clauses, passive agents,
joint mentions expanded to parties, and the person who voices each party.

Subjects are found linearly (the nearest non-oblique mention before the verb) unless the trained
parse names the cue's grammatical subject (`SubjectOracle`).
"""

from __future__ import annotations

from typing import Callable

from spacy.tokens import Doc, Span

from . import gazetteer as gz
from .context import Cue, DocContext, Mention, Person
from .patterns import VERB_ENDS
from .voice import PAIR_TOKENS
from .words import Marks, word_set

SPEAKING_HEADS = word_set("speaking_heads")
DECISION_NOUNS = word_set("decision_nouns")

PREPOSITIONS = word_set("prepositions")
COORDINATORS = word_set("coordinators")
DETERMINERS = word_set("determiners")
INTRODUCERS = word_set("introducers")
RELATIVE_PRONOUNS = word_set("relative_pronouns")
NOMINAL_CUES = word_set("nominal_cues")
LEADERS = word_set("leaders")
# Given a sentence and a cue's char offset, the trained pipeline returns the char span of the
# cue's grammatical subject (or None); the rules pipeline has no such oracle.
SubjectOracle = Callable[[Span, int], "tuple[int, int] | None"]


def cue_holders(
    doc: Doc,
    sent: Span,
    cue: Cue,
    marks: Marks,
    mentions: list[Mention],
    ctx: DocContext,
    oracle: SubjectOracle | None,
) -> list[tuple[str, Person | None]] | None:
    """Who holds the position: the cue's subject (attitude, verb demands), else a reporting
    clause's subject, else the text's voice. None when a non-actor holds it."""
    subj: list[Mention] | None = []
    if cue.kind == "passive":
        subj = passive_agent(doc, cue, mentions)
        if subj is None:
            return None
    genitive = genitive_holders(doc, cue, mentions) if cue.kind == "attitude" else []
    genitive = genitive or (decision_holder(doc, cue, mentions) if cue.kind == "attitude" else [])
    own = [m for m in possessor(doc, cue, mentions) if m.code == ctx.voice_country] if cue.kind == "attitude" else []
    genitive = genitive or own
    if genitive:
        subj = genitive  # "confirmed the commitment of Russia, France and Germany to ..."
    elif cue.kind in ("attitude", "demand", "appeal"):
        subj = _subject(doc, sent, cue, mentions, oracle)
        if subj is None:
            return None
    if not subj:
        subj = report_holder(doc, sent, cue.start, marks, mentions)
        if subj is None:
            return None
    if subj:
        holders = expand(subj, ctx)
        reporter = expand(report_holder(doc, sent, cue.start, marks, mentions) or [], ctx)
        named: list[tuple[str, Person | None]] = [
            (m.code, m.person) for m in mentions if m.person is not None and m.kind == "party" and m.start < cue.start
        ]
        if genitive and any(m.kind == "joint" and m.start < cue.start for m in mentions):
            # "They confirmed the commitment of Russia, France and Germany": the leaders speak for them
            named += [(c, leader(c, ctx)) for c, _ in holders]
        return [(c, p or speaker_for(c, reporter + named, ctx)) for c, p in holders]
    if not ctx.voice_country:
        return []
    return [(ctx.voice_country, speaker_for(ctx.voice_country, [], ctx))]


def decision_holder(doc: Doc, cue: Cue, mentions: list[Mention]) -> list[Mention]:
    """ "Canada's decision to impose new sanctions on Belarus": a measure announced by someone else is
    that party's position (contract, "Positions reported by someone else"), held by the possessor
    of the decision, plan or move right before the cue."""
    i = cue.start - 1
    if i < 2 or doc[i].lower_ != "to" or doc[i - 1].lower_ not in DECISION_NOUNS:
        return []
    j = i - 2  # the possessive marker before the noun ("Canada 's decision")
    while j >= 0 and doc[j].lower_ in ("new", "latest", "recent", "unilateral"):
        j -= 1
    if j < 0 or doc[j].text not in ("'s", "’s"):
        return []
    return [m for m in mentions if m.end == j and m.kind == "party"]


def _subject(
    doc: Doc, sent: Span, cue: Cue, mentions: list[Mention], oracle: SubjectOracle | None
) -> list[Mention] | None:
    """The subject of the cue's verb: the mentions inside the trained parse's subject span when it
    names one, else the nearest non-oblique mention before the verb (`subject_before`)."""
    if oracle is not None:
        span = oracle(sent, doc[cue.head].idx)
        if span is not None:
            inside = [m for m in mentions if span[0] <= doc[m.start].idx < span[1]]
            subj = subject_before(doc, sent, cue.head, inside) if inside else []
            if subj is None or subj:
                return subj
    return subject_before(doc, sent, cue.head, mentions)


def speaker_for(country: str, reporter: list[tuple[str, Person | None]], ctx: DocContext) -> Person | None:
    """The person voicing a country's position: the reporting clause's person, the transcript's
    spokesperson, or (in a readout without one) the last official of that country named in
    this paragraph."""
    for c, p in reporter:
        if c == country and p is not None:
            return p
    if country == ctx.voice_country:
        if ctx.voice is not None:
            return ctx.voice
        for p in reversed(ctx.unit_persons):
            if p.country == country:
                return p
        if ctx.subject_person is not None and ctx.subject_person.country == country:
            return ctx.subject_person  # the paragraph continues the previous one's speaker
    return None


def passive_agent(doc: Doc, cue: Cue, mentions: list[Mention]) -> list[Mention] | None:
    """The "by" agent of a passive cue: [] when there is no "by" (the voice holds it), None when
    the agent is no government or no one the gazetteer knows ("opposed by all Chinese people",
    "acknowledged by the international community")."""
    by = next((t.i for t in doc[cue.end : cue.end + 2] if t.lower_ == "by"), None)
    if by is None:
        return []
    agent = [m for m in mentions if by < m.start <= by + 3]
    if not agent:
        return None  # "welcomed by the governments and people of these countries": nobody we know
    return agent[:1] if agent[0].kind == "party" else None


def _index_before(doc: Doc, m: Mention) -> int:
    """Index of the word before a mention, skipping determiners ("with relevant UN ... resolutions")."""
    i = m.start - 1
    while i >= 0 and doc[i].lower_ in DETERMINERS:
        i -= 1
    return i


def _coordinated(doc: Doc, a: Mention, b: Mention) -> bool:
    """Only "and", commas and articles stand between mentions a and b, and the comma is not the
    one that closes an opening phrase ("As members of the UN Security Council, China and Russia")."""
    if not (a.end <= b.start and all(t.lower_ in COORDINATORS for t in doc[a.end : b.start])):
        return False
    start = doc[a.start].sent.start
    if doc[start].lower_ in INTRODUCERS:
        first_comma = next((t.i for t in doc[start : b.start] if t.text == ","), None)
        if first_comma is not None and a.end <= first_comma < b.start:
            return False
    return True


def _oblique(doc: Doc, before: list[Mention], idx: int) -> bool:
    """Not a subject: after a preposition ("by the US"), a gerund ("reforming the WTO"), or
    coordinated with such a mention ("to the Canadian side and the US side")."""
    if before[idx].start in doc.user_data.get(PAIR_TOKENS, ()):
        return True  # "the China-Qatar relations": a modifier, never a subject
    i = _index_before(doc, before[idx])
    word = doc[i].lower_ if i >= 0 else ""
    if word == "of" and _speaking_head(doc, i):
        return False  # "The Governments of Australia, India and Japan reaffirm ...": they speak
    if word in PREPOSITIONS or word.endswith("ing") and word.isalpha():
        return True
    if i >= 0 and i + 1 in doc.user_data.get(VERB_ENDS, ()):  # the object of a cue: "supports the Myanmar government"
        return True
    lead = doc[max(0, before[idx].start - 3) : before[idx].start]
    cut = max((t.i + 1 for t in lead if t.is_punct and t.text not in ("'s", "’s", "’", "'")), default=lead.start)
    if any(t.text in ("'s", "’s", "’") for t in doc[cut : before[idx].start]):
        return True  # inside a possessive phrase: "the United States’ comprehensive DPRK policy review"
    if idx > 0 and _coordinated(doc, before[idx - 1], before[idx]):
        return _oblique(doc, before, idx - 1)
    return False


def _speaking_head(doc: Doc, of: int) -> bool:
    """The word before "of" (skipping "foreign", "prime") is a noun like "governments" or "leaders"."""
    j = of - 1
    while j >= 0 and doc[j].lower_ in ("foreign", "prime", "the", "two", "three"):
        j -= 1
    return j >= 0 and doc[j].lower_ in SPEAKING_HEADS


def possessive(doc: Doc, m: Mention) -> bool:
    return m.end < len(doc) and doc[m.end].text in ("'s", "’s", "'", "’")


def subject_before(doc: Doc, sent: Span, pos: int, mentions: list[Mention]) -> list[Mention] | None:
    """The mention(s) holding the verb at `pos`: the nearest non-oblique mention before it.

    Returns [] when none is found, None when the subject is a non-actor (analysts, Huawei, a
    newspaper), which blocks the statement. Coordinated subjects ("Mr Putin and Mr Erdogan")
    are all returned.
    """
    before = [m for m in mentions if sent.start <= m.start and m.end <= pos]
    last = before[-1].end if before else sent.start
    if any(t.lower_ in RELATIVE_PRONOUNS for t in doc[last:pos]):
        return None  # "Tunisians who ... opposed the new constitution": the holder is not a party
    for idx in range(len(before) - 1, -1, -1):
        m = before[idx]
        if _oblique(doc, before, idx) or possessive(doc, m) and m.kind != "self":
            continue
        if m.kind == "nonactor":
            return None
        group = [m]
        while idx > 0 and _coordinated(doc, before[idx - 1], group[0]) and before[idx - 1].kind == "party":
            idx -= 1
            group.insert(0, before[idx])
        return group
    return []


def possessor(doc: Doc, cue: Cue, mentions: list[Mention]) -> list[Mention]:
    """ "reiterated the United States' support for democratic governance": a nominal cue whose
    possessor is a party (at most two modifiers between, "continued strong") is that party's."""
    if doc[cue.end - 1].lower_ not in NOMINAL_CUES:
        return []
    for m in mentions:
        if m.kind != "party" or not possessive(doc, m):
            continue
        gap = doc[m.end + 1 : cue.start]
        if len(gap) <= 2 and all(t.is_alpha and t.is_lower for t in gap):
            return [m]
    return []


def genitive_holders(doc: Doc, cue: Cue, mentions: list[Mention]) -> list[Mention]:
    """A nominal cue followed by "of" and parties holds for those parties: "the commitment of Russia,
    France and Germany to continuing cooperation", "the support of the United States for ..."."""
    last = doc[cue.end - 1].lower_
    if last not in NOMINAL_CUES or cue.end >= len(doc) or doc[cue.end].lower_ != "of":
        return []
    group: list[Mention] = []
    pos = cue.end + 1
    for m in mentions:
        if m.start < pos:
            continue
        gap = [t.lower_ for t in doc[pos : m.start]]
        if m.kind != "party" or any(w not in COORDINATORS for w in gap):
            break
        group.append(m)
        pos = m.end
    return group


def report_holder(doc: Doc, sent: Span, upto: int, marks: Marks, mentions: list[Mention]) -> list[Mention] | None:
    """The subject of a reporting verb in the sentence ("..., Wang Yi said", "He stressed that ...").

    A reporting verb before `upto` is preferred; one after it ("..., he said.") is used otherwise.
    None when the reporter is a non-actor ("The Global Times said ...", "analysts noted ...").
    """
    reports = sorted(marks.get("REPORT", []), key=lambda r: (r[0] >= upto, abs(r[0] - upto)))
    for s, e in reports:
        subj = subject_before(doc, sent, s, mentions)
        if subj is None and s < upto:
            return None
        if subj and (s < upto or subj[0].start >= upto):  # ", Wang said" after the cue, not a relative clause
            return subj
        after = [m for m in mentions if e <= m.start <= e + 1 and m.kind in ("party", "pronoun")]
        if after:
            return after[:1]
    return []


def expand(mentions: list[Mention], ctx: DocContext) -> list[tuple[str, Person | None]]:
    """Holder mentions -> (actor code, person): pronouns and "both sides" through the context."""
    out: list[tuple[str, Person | None]] = []
    for m in mentions:
        if m.kind == "pronoun":
            out.append((m.code, m.person) if m.person else (ctx.voice_country, ctx.voice))
        elif m.kind == "joint":
            out.extend(_joint(m, ctx))
        elif m.kind == "self" and ctx.signatories and not ctx.we_override:
            out.extend((c, None) for c in ctx.signatories)  # "we" in a joint statement: every signatory
        elif m.kind == "self":
            out.append((m.code, ctx.voice if m.code == ctx.voice_country else None))
        elif m.code:
            out.extend((c, m.person) for c in gz.members(m.code))
    return [(c, p) for c, p in out if c]


def _joint(m: Mention, ctx: DocContext) -> list[tuple[str, Person | None]]:
    """ "Both sides", "the leaders", "they": the people named in the document; else the two
    countries of a "Russian-French" / "China-US" compound in the unit; else the parties named
    before; else the text's own country (its leader when the text says "the leaders")."""
    people: dict[str, Person | None] = {}
    for p in ctx.persons + ctx.unit_persons:
        people.setdefault(p.country, p)
    cap = 2 if any(w in m.text.lower() for w in ("both", "two")) else 3
    counted = 3 if "three" in m.text.lower() else 2  # "the three sides": as many parties named before
    leaders = m.text.lower() in LEADERS
    if len(people) >= 2:
        return list(people.items())[:cap]
    sides = _title_sides(ctx, people, cap)
    if sides:
        return [
            (c, people.get(c) or (leader(c, ctx) if leaders else ctx.voice if c == ctx.voice_country else None))
            for c in sides
        ]
    if ctx.unit_pairs:
        pair = ctx.unit_pairs[0]
        return [(c, people.get(c) or (leader(c, ctx) if leaders else None)) for c in pair]
    parties = list(dict.fromkeys(c for i, c in ctx.unit_parties if i < m.start))
    if len(parties) >= 2 and not leaders:
        return [(c, people.get(c)) for c in parties[:counted]]
    if people and ctx.voice_country and ctx.voice_country not in people and m.text.lower() != "they":
        # "Both sides agreed ..." in a ministry's own text, with the visitor named: our side and theirs
        sides = [ctx.voice_country, next(iter(people))]
        return [
            (c, people.get(c) or (leader(c, ctx) if leaders else ctx.voice if c == ctx.voice_country else None))
            for c in sides
        ]
    if leaders and ctx.voice_country:
        return [(ctx.voice_country, leader(ctx.voice_country, ctx) or ctx.voice)]
    return [(ctx.voice_country, ctx.voice)]


def _title_sides(ctx: DocContext, people: dict[str, Person | None], cap: int) -> list[str]:
    """The sides of a readout whose paragraph names fewer than two of them: the publishing country
    and the parties of the page title ("Telephone conversation with President of Mongolia ...")."""
    for p in ctx.title_persons:
        people.setdefault(p.country, p)
    others = [c for c in ctx.title_parties if c and c != ctx.voice_country]
    if not others or not ctx.voice_country:
        return []
    return [ctx.voice_country, *others][:cap]


def leader(country: str, ctx: DocContext) -> Person | None:
    """The country's leader on the text's date, as a Person ("the leaders" speak for their parties)."""
    off = gz.resolve_leader(country, ctx.date)
    return Person(off.name, off.country) if off is not None else None
