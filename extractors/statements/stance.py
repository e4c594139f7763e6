"""Stance grammar: from the cue matches of one sentence to (holder, stance, target, cue) readings.

Three kinds of cue, because each finds its holder differently:
- attitude cues ("opposes", "welcomes", "is concerned") belong to their subject;
- evaluative cues ("bullying", "a correct decision") and modal demands ("The US should ...") belong
  to the voice of the text (a reporting clause's subject, else the publishing ministry);
- verb demands ("urges X to stop Y") belong to their subject and take their stance from the act asked
  of the addressee (contract "Demands and appeals").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span

from . import gazetteer as gz
from .mentions import PREPOSITIONS, DocContext, Mention, Person
from .words import labels, labels_with, word_set

MODALS = word_set("modals")
SOFT_APPEALS = word_set("soft_appeals")
NOUN_DEMANDS = word_set("noun_demands")
ACT_OPENERS = word_set("act_openers")
ENDING_WORDS = word_set("ending_words")
RELATIVE_PRONOUNS = word_set("relative_pronouns")
LABELS = labels()
PLAIN_CUES = tuple(lab for lab in labels_with("cue") if LABELS[lab].kind)  # read here; the rest by demand_cues
COORDINATORS = word_set("coordinators")
VERB_ENDS = "statements_verb_ends"  # doc.user_data key: token indices that end a cue or reporting verb
PAIR_TOKENS = "statements_pair_tokens"  # doc.user_data key: mention starts inside a "China-Qatar" compound
Marks = dict[str, list[tuple[int, int]]]


@dataclass(frozen=True)
class Cue:
    """One stance-bearing span: `kind` is attitude, passive, evaluative, normative ("X is
    crucial"), sovereign ("X's internal affairs"), demand, appeal (a demand to take a stance on a
    measure) or modal. `basis` is "demand" for every cue read as something asked ("urges",
    "calls on", "should", "hopes", "stressed the need to", "X is crucial") and "assessment"
    otherwise (Statement.basis)."""

    start: int
    end: int
    kind: str
    stance: str
    addressee: tuple[Mention, ...] = ()
    act_end: int = 0
    verb: int = -1  # the demand verb a second act belongs to (its holder is that verb's subject)
    basis: str = "assessment"
    needs_party: bool = False  # judges a relationship, partner or party: a statement only when that party is named
    topic: str = ""  # a topic the cue itself fixes ("calls for an end to the fighting" is dialogue)

    @property
    def head(self) -> int:
        """Where the holder's verb is: the cue itself, or the demand verb of a second act."""
        return self.verb if self.verb >= 0 else self.start


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
            flipped = "oppose" if neg and stance == "support" else stance
            passive = kind == "attitude" and stance != "concern" and _passive(doc, s)  # "is concerned by" is not
            basis = LABELS[label].basis  # NORM_APPEAL: "dialogue is crucial" asks for it
            if label == "SUPPORT" and not neg and _asks_release(doc, e, marks):
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


RELEASE_LEAD = word_set("release_lead")


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


THIRD_PERSON_POSSESSIVES = word_set("third_person_possessives")


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


EXPRESSING = word_set("expressing")
BE = word_set("be")


def _passive(doc: Doc, start: int) -> bool:
    """ "will be opposed by", "has been acknowledged by": a participle cue after a form of "be"."""
    i = start - 1
    while i >= 0 and doc[i].lower_.endswith("ly") and doc[i].is_alpha:
        i -= 1
    participle = doc[start].lower_.endswith("ed")
    by_next = start + 1 < len(doc) and doc[start + 1].lower_ == "by"
    return participle and (i >= 0 and doc[i].lower_ in BE or by_next)


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


DETERMINERS_BEFORE_NOUN = word_set("determiners_before_noun")


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


ORDINALS = word_set("ordinals")


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


NOUN_LIKE = word_set("noun_like")
SUBJECT_WORDS = word_set("subject_words")


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


def _modal_demand(doc: Doc, sent: Span, s: int, e: int, marks: Marks, mentions: list[Mention]) -> Cue | None:
    """ "X should/must <act>": X is the addressee; passives are left to the passive family."""
    if e < len(doc) and doc[e].lower_ == "be":
        return None
    clause_start = max([sent.start] + [t.i + 1 for t in doc[sent.start : s] if t.text in (",", ";", "that")])
    if clause_start >= s:  # "all relevant parties, the Israeli side in particular, should ...": an apposition
        clause_start = max([sent.start] + [t.i + 1 for t in doc[sent.start : s] if t.text in (";", "that")])
    subj = [m for m in mentions if clause_start <= m.start < s and m.kind in ("party", "self", "joint")]
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
    return (
        bool(subj)
        and subj[-1].kind in ("party", "self", "pronoun", "joint")
        and not any(t.text in (",", ";") for t in doc[subj[-1].end : verb])
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


DETERMINERS = word_set("determiners")


def _index_before(doc: Doc, m: Mention) -> int:
    """Index of the word before a mention, skipping determiners ("with relevant UN ... resolutions")."""
    i = m.start - 1
    while i >= 0 and doc[i].lower_ in DETERMINERS:
        i -= 1
    return i


INTRODUCERS = word_set("introducers")


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


def _possessive(doc: Doc, m: Mention) -> bool:
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
        if _oblique(doc, before, idx) or _possessive(doc, m) and m.kind != "self":
            continue
        if m.kind == "nonactor":
            return None
        group = [m]
        while idx > 0 and _coordinated(doc, before[idx - 1], group[0]) and before[idx - 1].kind == "party":
            idx -= 1
            group.insert(0, before[idx])
        return group
    return []


NOMINAL_CUES = word_set("nominal_cues")


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
        elif m.kind == "self":
            out.append((m.code, ctx.voice if m.code == ctx.voice_country else None))
        elif m.code:
            out.append((m.code, m.person))
    return [(c, p) for c, p in out if c]


LEADERS = word_set("leaders")


def _joint(m: Mention, ctx: DocContext) -> list[tuple[str, Person | None]]:
    """ "Both sides", "the leaders", "they": the people named in the document; else the two
    countries of a "Russian-French" / "China-US" compound in the unit; else the parties named
    before; else the text's own country (its leader when the text says "the leaders")."""
    people: dict[str, Person] = {}
    for p in ctx.persons + ctx.unit_persons:
        people.setdefault(p.country, p)
    cap = 2 if any(w in m.text.lower() for w in ("both", "two")) else 3
    leaders = m.text.lower() in LEADERS
    if len(people) >= 2:
        return list(people.items())[:cap]
    if ctx.unit_pairs:
        pair = ctx.unit_pairs[0]
        return [(c, people.get(c) or (_leader(c, ctx) if leaders else None)) for c in pair]
    parties = list(dict.fromkeys(c for i, c in ctx.unit_parties if i < m.start))
    if len(parties) >= 2 and not leaders:
        return [(c, people.get(c)) for c in parties[:2]]
    if people and ctx.voice_country and ctx.voice_country not in people and m.text.lower() != "they":
        # "Both sides agreed ..." in a ministry's own text, with the visitor named: our side and theirs
        sides = [ctx.voice_country, next(iter(people))]
        return [
            (c, people.get(c) or (_leader(c, ctx) if leaders else ctx.voice if c == ctx.voice_country else None))
            for c in sides
        ]
    if leaders and ctx.voice_country:
        return [(ctx.voice_country, _leader(ctx.voice_country, ctx) or ctx.voice)]
    return [(ctx.voice_country, ctx.voice)]


def leader_of(country: str, ctx: DocContext) -> Person | None:
    """The country's leader on the text's date, as a Person (for joint positions of "the leaders")."""
    return _leader(country, ctx)


def _leader(country: str, ctx: DocContext) -> Person | None:
    """The country's leader on the text's date, as a Person."""
    off = gz.resolve_leader(country, ctx.date)
    return Person(off.name, off.country) if off is not None else None


PEOPLE_NOUNS = word_set("people_nouns")


def _of_a_people(doc: Doc, m: Mention) -> bool:
    """ "Tunisia's vibrant civil society", "the Belarusian people": support for a people or its
    society names no government (gold convention 7), so the country is not the target."""
    window = doc[m.end : min(m.end + 4, len(doc))]
    return any(t.lower_ in PEOPLE_NOUNS for t in window) and all(
        not t.is_punct or t.text in ("'s", "’s", "’", "'") for t in window[:2]
    )


NORM_NOUNS = word_set("norm_nouns")


def _names_a_norm(doc: Doc, m: Mention) -> bool:
    """ "in blatant violation of the WTO rules", "inconsistent with UN Security Council resolutions": the
    body names the norm invoked, not the party criticised."""
    return m.end < len(doc) and doc[m.end].lower_ in NORM_NOUNS


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
        owner = [m for m in mentions if m.end in (cue.start - 1, cue.start) and _possessive(doc, m) and ok(m)]
        return owner[0].code if owner else ""
    if cue.kind in ("demand", "modal"):
        named = [m for m in cue.addressee if ok(m)]
        return named[0].code if named else ""
    after = [m for m in mentions if cue.end <= m.start < limit and ok(m)]
    before = [m for m in mentions if sent.start <= m.start and m.end <= cue.start and ok(m)]
    if cue.kind in ("evaluative", "normative", "passive"):
        return before[-1].code if before else after[0].code if after else ""
    return after[0].code if after else ""
