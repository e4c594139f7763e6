"""One unit's statements: the sentence loop that ties mentions, stance grammar, topics and dates together.

The loop is sequential on purpose: each sentence can lean on what earlier sentences (and earlier
paragraphs of the same document) established — who "he" is, which foreign minister "the Foreign
Minister" is, that "we" is the G7.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Callable

from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from . import gazetteer as gz
from . import stance as st
from .dates import flags_for, stated_on
from .gazetteer import lexicon
from .mentions import HONORIFICS, VERB_STARTS, DocContext, Mention, MentionFinder, Person, official_person
from .patterns import MODAL_WORDS
from .schema import Statement, TextUnit
from .topics import GENERIC, choose_topic, topic_hits, unit_topic
from .words import labels_with, word_list, word_set

CUE_LABELS = labels_with("cue")  # in labels.yaml order: the first of equal cues wins
ATTITUDE_LABELS = labels_with("cue", kind="attitude")
MENTION_LABELS = labels_with("mention")
FLAG_LABELS = labels_with("flag")
ACT_LABELS = labels_with("act")
MODAL_RX = re.compile(r"\b(?:" + "|".join(sorted(MODAL_WORDS)) + r")\b", re.IGNORECASE)
ANAPHORA = word_set("anaphora")
ANY_PARTY = word_set("any_party")
BILATERAL = word_list("bilateral")
# Given a sentence and a cue's char offset, the trained pipeline returns the char span of the
# cue's grammatical subject (or None); the rules pipeline has no such oracle.
SubjectOracle = Callable[[Span, int], "tuple[int, int] | None"]
# A transcript turn opens with its speaker and a colon: "Vladimir Putin:", "MR PRICE:", "QUESTION:",
# "Regional governor Ivan Petrov:"; the name must end in two capitalised words (or be in capitals),
# so "Regarding the question about Taiwan:" is no turn.
TURN = re.compile(
    r"^\s*((?:[\w.’'-]+\s+){0,8}?(?:[A-Z][\w.’'-]*\s+[A-Z][\w.’'-]*|[A-Z][A-Z.’'-]*)"
    r"|Journalist|Question|Reporter|Moderator|Operator|Participant|Audience)\s*:\s"
)
TITLE_WORDS = r"\b(" + "|".join(word_list("title_words")) + r")\b"


def turn_speaker(text: str) -> str | None:
    """The turn-taker of a transcript turn ("Vladimir Putin: ...", "Dmitry Svishchev: ..."), if any."""
    m = TURN.match(text)
    return m.group(1) if m else None


def _turn_voice(name: str, day: dt.date | None) -> Person | None:
    """A turn-taker known to the gazetteer ("Vladimir Putin", "President Xi Jinping") speaks for
    their country; anyone else (journalists, governors, company heads) speaks for nobody."""
    if name.isupper():  # "MR PRICE", "SECRETARY BLINKEN" in briefing transcripts
        name = name.title()
    words = name.split()
    for n in range(len(words)):
        person = official_person(" ".join(words[n:]), day)
        if person is not None:
            return person
    off = gz.resolve_surname(words[-1], day) if len(words) <= 3 else None
    if off is not None:
        return official_person(off.name, day)
    m = _country_forms().search(name)  # "President of Kyrgyzstan Sooronbay Jeenbekov"
    if m and re.search(TITLE_WORDS, name):
        return Person(" ".join(words[-2:]), _country_forms_index()[m.group(0)], name)
    return None


def _speaker_voice(unit: TextUnit) -> Person | None:
    """A unit speaker the gazetteer does not list by that exact form: "President of Russia Vladimir
    Putin" is Vladimir Putin; a visiting leader whose role or name names a country ("Nicos
    Anastasiades", role "President of Cyprus") speaks for that country, not for the publishing one.
    Bare surnames are not tried: a journalist "Michael Kim" is nobody's official."""
    full = f"{unit.speaker_role} {unit.speaker}".strip()
    words = unit.speaker.split()
    for n in range(1, len(words)):
        person = official_person(" ".join(words[n:]), unit.date, unit.speaker_role)
        if person is not None:
            return person
    m = _country_forms().search(full)
    if m and re.search(TITLE_WORDS, full):
        name = unit.speaker
        if re.search(TITLE_WORDS, name):  # "President of Serbia Aleksandar Vucic": the name is the tail
            name = " ".join(name.split()[-2:])
        return Person(name, _country_forms_index()[m.group(0)], unit.speaker_role or full)
    return None


@lru_cache(maxsize=1)
def _country_forms_index() -> dict[str, str]:
    return {f: code for code, entry in gz.countries().items() for f in entry["names"] + entry["demonyms"]}


@lru_cache(maxsize=1)
def _country_forms() -> re.Pattern[str]:
    forms = sorted(_country_forms_index(), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b")


def new_context(unit: TextUnit, previous: DocContext | None) -> DocContext:
    """The context for a unit: the unit's voice, plus people named earlier in the same document.

    A transcript turn that opens with its speaker's name overrides the unit's speaker: a known
    official speaks for their country, anyone else for nobody ("we" then means no government).
    """
    voice = None
    country = unit.source_country
    turn = turn_speaker(unit.text)
    if turn is not None and turn not in ("Q", "A"):
        voice = _turn_voice(turn, unit.date)
        ctx = DocContext(date=unit.date, voice=voice, voice_country=voice.country if voice else "")
        return _carry(ctx, previous)
    if unit.speaker:
        voice = (
            official_person(unit.speaker, unit.date, unit.speaker_role)
            or _speaker_voice(unit)
            or Person(unit.speaker, unit.source_country, unit.speaker_role)
        )
        country = voice.country or country
    return _carry(DocContext(date=unit.date, voice=voice, voice_country=country), previous)


def _carry(ctx: DocContext, previous: DocContext | None) -> DocContext:
    """Bring forward what earlier paragraphs of the same document established."""
    if previous is not None:
        ctx.doc_topic = previous.doc_topic
        ctx.doc_parties = previous.doc_parties + [c for _, c in previous.unit_parties]
        ctx.persons = list(previous.persons)
        ctx.we_override = previous.we_override
        ctx.subject_person = previous.subject_person
    return ctx


def collect_marks(doc: Doc, phrases: PhraseMatcher, tokens: Matcher) -> dict[str, list[tuple[int, int]]]:
    """Every family match in the doc, keyed by label, longest-first de-overlapped within a label group."""
    marks: dict[str, list[tuple[int, int]]] = defaultdict(list)
    has_modal = MODAL_RX.search(doc.text) is not None  # the token matcher is the costly one
    for match_id, s, e in list(phrases(doc)) + (list(tokens(doc)) if has_modal else []):
        marks[doc.vocab.strings[match_id]].append((s, e))
    cue_spans = sorted(
        ((s, e, lab) for lab in CUE_LABELS for s, e in marks.get(lab, [])), key=lambda x: (x[0], -(x[1] - x[0]))
    )
    ent_tokens = {t for e in doc.ents for t in range(e.start, e.end)}
    marks["REPORT"] = [(s, e) for s, e in marks.get("REPORT", []) if s not in ent_tokens]
    blocked = marks.get("BLOCKED", [])
    cue_spans = [c for c in cue_spans if not any(bs <= c[0] < be for bs, be in blocked)]
    kept: list[tuple[int, int, str]] = []
    for s, e, lab in cue_spans:
        if not any(ks <= s < ke or s <= ks < e for ks, ke, _ in kept):
            kept.append((s, e, lab))
    for lab in CUE_LABELS:
        marks[lab] = [(s, e) for s, e, kl in kept if kl == lab]
    for lab in [k for k in marks if k.startswith("TOPIC_")] + list(ACT_LABELS):
        marks[lab] = [(s, e) for s, e in marks.get(lab, []) if not any(bs <= s < be for bs, be in blocked)]
    doc.user_data[st.VERB_ENDS] = {e for lab in CUE_LABELS + ("REPORT", "OBJECT_VERB") for _, e in marks.get(lab, [])}
    doc.user_data[VERB_STARTS] = {s for lab in CUE_LABELS + ("REPORT",) for s, _ in marks.get(lab, [])}
    return marks


def by_sentence(doc: Doc, marks: dict[str, list[tuple[int, int]]]) -> list[tuple[Span, dict, list[Span]]]:
    """Each sentence with its own marks and entities, bucketed in one pass (not per sentence)."""
    sents = list(doc.sents)
    starts = [s.start for s in sents]
    buckets: list[dict[str, list[tuple[int, int]]]] = [defaultdict(list) for _ in sents]
    for label, spans in marks.items():
        for s, e in spans:
            buckets[bisect_right(starts, s) - 1][label].append((s, e))
    ents: list[list[Span]] = [[] for _ in sents]
    for ent in doc.ents:
        ents[bisect_right(starts, ent.start) - 1].append(ent)
    return list(zip(sents, buckets, ents))


def is_candidate(sent: Span, marks: dict[str, list[tuple[int, int]]]) -> bool:
    """The cheap pre-filter: a sentence worth the stance grammar holds a cue and is not a question."""
    attitude = any(marks.get(lab) for lab in ATTITUDE_LABELS)
    if sent.text.rstrip().endswith("?") or marks.get("PROCEDURAL") or marks.get("EVENT") and not attitude:
        return False  # "spoke today with X to reaffirm the alliance" keeps its cue
    return any(marks.get(lab) for lab in CUE_LABELS + ("CORRECTIVE",))  # CORRECTIVE: imperatives


def _voice_pairs(doc: Doc, voice: str) -> list[tuple[str, str]]:
    """ "coordination between Russia and Saudi Arabia" in a Russian readout: the two sides."""
    ents = [e for e in doc.ents if e.label_ == gz.COUNTRY]
    return [
        (a.ent_id_, b.ent_id_)
        for a, b in zip(ents, ents[1:])
        if voice in (a.ent_id_, b.ent_id_)
        and a.ent_id_ != b.ent_id_
        and [t.lower_ for t in doc[a.end : b.start]] == ["and"]
    ]


def _object_limit(doc: Doc, sent: Span, cues: list[st.Cue], k: int) -> int:
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


RELATION_TOPICS = word_set("relation_topics")
PAIR_STARTS = "statements_pair_starts"  # doc.user_data key: tokens that open a "Russia-Kyrgyzstan" compound


def _pairs(doc: Doc) -> list[tuple[str, str]]:
    """Bilateral compounds: "Russian-French contacts", "China-US relations", "China-EU" -> (RUS, FRA),
    (CHN, USA), (CHN, EU); both names are modifiers, never a verb's subject."""
    ents = [e for e in doc.ents if e.label_ in (gz.COUNTRY, gz.BODY)]
    found = [
        (a, b)
        for a, b in zip(ents, ents[1:])
        if b.start == a.end + 1 and doc[a.end].text in ("-", "–") and a.ent_id_ != b.ent_id_
    ]
    doc.user_data[PAIR_STARTS] = {a.start for a, _ in found}
    doc.user_data[st.PAIR_TOKENS] = {e.start for pair in found for e in pair}
    return [(a.ent_id_, b.ent_id_) for a, b in found]


def _clause_break(doc: Doc, start: int, end: int, marks: dict, semicolon: bool = True) -> bool:
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


CLAUSE_PARTICIPLES = word_set("clause_participles")


def _clause_participle(tok, starts) -> bool:
    """ ", focusing on ...", ", confirming their commitment": a participle that opens a new clause, not a
    gerund that lists one more thing discussed (", implementing Sudan's peace agreements, and ...")."""
    return tok.lower_.endswith("ing") and (tok.lower_ in CLAUSE_PARTICIPLES or tok.i in starts)


def _in_object(doc: Doc, sent: Span, cue: st.Cue, plain: list[st.Cue], marks: dict) -> bool:
    """An attitude cue in an infinitive inside an earlier attitude cue's object describes that object:
    "welcomes ... the efforts undertaken by the Sultanate to support peace in Yemen" is one position
    of the welcomer, not one of the Sultanate's."""
    if cue.kind != "attitude" or cue.start < 1:
        return False
    i = cue.start - 1
    while i > sent.start and doc[i].lower_.endswith("ly") and doc[i].is_alpha:
        i -= 1
    if doc[i].lower_ != "to":
        return False
    return any(
        c.kind == "attitude"
        and c.stance in ("support", "oppose")
        and c.end <= i
        and not _clause_break(doc, c.end, cue.start, marks)
        for c in plain
        if c is not cue
    )


def _discussed(doc: Doc, sent: Span, cue: st.Cue, marks: dict, mentions: list[Mention]) -> bool:
    """A cue in the object of "discussed" / "exchanged views on" names what was talked about:
    "The Secretary and the Minister discussed the U.S. commitment to Israel's security" is a report
    of a meeting (contract "What is not a statement")."""

    def new_subject(start: int) -> bool:  # "When exchanging views on ..., the parties reaffirmed ..."
        return any(
            start <= m.start < cue.start
            and m.kind in ("party", "joint", "self", "pronoun")
            and doc[m.start - 1].text == ","
            for m in mentions
            if m.start > 0
        )

    return any(
        sent.start <= s
        and e <= cue.start
        and not _clause_break(doc, e, cue.start, marks, semicolon=False)
        and not (s > 0 and doc[s - 1].lower_ in st.BE)  # "was discussed in view of the disastrous policy"
        and not new_subject(e)
        for s, e in marks.get("DISCUSS", [])
    )


RELATION_NOUNS = word_set("relation_nouns")


def _names_relation(doc: Doc, start: int) -> bool:
    """The compound at `start` ("China-Tonga", "U.S.-Spain") modifies a relation noun."""
    return any(t.lower_ in RELATION_NOUNS for t in doc[start : min(start + 6, len(doc))])


class UnitAnalyser:
    """Runs the stance grammar over one unit's doc."""

    def __init__(self, finder: MentionFinder, version: str) -> None:
        self.finder = finder
        self.version = version
        self.window = int(lexicon().get("negation_window", 3))

    def statements(
        self,
        unit: TextUnit,
        doc: Doc,
        marks: dict[str, list[tuple[int, int]]],
        ctx: DocContext,
        oracle: SubjectOracle | None = None,
    ) -> list[Statement]:
        """The unit's statements, one per (actor, stance, target, topic) and sentence: a position
        restated in another sentence is kept, as evidence for the day's prevailing stance."""
        if unit.text.lstrip().startswith(("Q:", "Q：")):
            return []
        all_hits = topic_hits(marks, 0, len(doc))
        own = unit_topic(all_hits)
        # a paragraph that names only a generic topic ("progress in the consultations") continues the
        # document's specific one ("the trade talks between China and the US" in the paragraph before)
        fallback = ctx.doc_topic if ctx.doc_topic and (not own or own in GENERIC) else own
        ctx.doc_topic = own if own and own not in GENERIC else ctx.doc_topic or own
        self._prescan(doc, ctx)
        out: dict[tuple[str, str, str, str, int], Statement] = {}
        for sent, smarks, ents in by_sentence(doc, marks):
            phrase_marks = {s: (lab, e) for lab in MENTION_LABELS for s, e in smarks.get(lab, [])}
            mentions = self.finder.find(doc, sent, ctx, phrase_marks, ents)
            if is_candidate(sent, smarks):
                for stmt in self._sentence(unit, doc, sent, smarks, mentions, ctx, fallback, oracle):
                    key = (stmt.actor, stmt.stance, stmt.target, stmt.topic, stmt.sentence_start)
                    if key not in out or out[key].basis == "demand" and stmt.basis == "assessment":
                        out[key] = stmt  # one row per key and sentence; an assessment there outranks a demand
            firsts = [m.person for m in mentions if m.person is not None and m.kind in ("party", "nonactor")]
            if firsts:
                ctx.subject_person = firsts[0]
        return list(out.values())

    @staticmethod
    def _prescan(doc: Doc, ctx: DocContext) -> None:
        """People and parties named anywhere in the unit ("Both sides ..." before the names)."""
        for ent in doc.ents:
            if ent.label_ == gz.PERSON:
                person = official_person(ent.ent_id_, ctx.date)
                if person is not None:
                    ctx.unit_persons.append(person)
                    ctx.unit_parties.append((ent.start, person.country))  # "Prime Minister Shinzo Abe": Japan
            elif ent.label_ in (gz.COUNTRY, gz.BODY, gz.INSTITUTION):
                ctx.unit_parties.append((ent.start, ent.ent_id_))
        ctx.unit_pairs = _pairs(doc) + _voice_pairs(doc, ctx.voice_country)
        texts = [t.text for t in doc]
        for i in (i for i in range(1, len(texts)) if texts[i - 1] in HONORIFICS):
            tok = doc[i]
            if not tok.ent_type_:
                off = gz.resolve_surname(tok.text, ctx.date, [p.name for p in ctx.persons])
                if off is not None:
                    ctx.unit_persons.append(Person(off.name, off.country))

    def _cues(self, doc: Doc, sent: Span, marks: dict, mentions: list[Mention]) -> list[st.Cue]:
        """Demands first (their act spans swallow cues inside them), then plain cues; an
        evaluative cue after an attitude cue describes that cue's object and adds nothing."""
        demands: list[st.Cue] = []
        for cue in st.demand_cues(doc, sent, marks, mentions):  # a demand inside another's act is part of it
            if not any(d.end <= cue.start < d.act_end and d.act_end != cue.act_end for d in demands) and not (
                cue.kind == "normative" and _discussed(doc, sent, cue, marks, mentions)
            ):
                demands.append(cue)  # "engaged in discussions on the need for ..." reports a discussion
        acts = [(c.end, c.act_end) for c in demands]
        plain = [
            c for c in st.attitude_and_evaluative(doc, marks, self.window) if not any(s <= c.start < e for s, e in acts)
        ]
        first_att = min((c.start for c in plain if c.kind == "attitude"), default=None)
        plain = [
            c
            for c in plain
            if c.kind not in ("evaluative", "normative", "sovereign") or first_att is None or c.start < first_att
        ]
        plain = [
            c
            for c in plain
            if not _in_object(doc, sent, c, plain, marks) and not _discussed(doc, sent, c, marks, mentions)
        ]
        return sorted(demands + plain, key=lambda c: c.start)

    @staticmethod
    def _unit_target(ctx: DocContext, holders: set[str]) -> str:
        """The party a unit is mostly about (for "China deplores and opposes it")."""
        counts = Counter(c for _, c in ctx.unit_parties if c not in holders and c != ctx.voice_country)
        if not counts:  # a paragraph that names no party continues the document's
            counts = Counter(c for c in ctx.doc_parties if c not in holders and c != ctx.voice_country)
        return counts.most_common(1)[0][0] if counts else ""

    def _holders(
        self,
        doc: Doc,
        sent: Span,
        cue: st.Cue,
        marks: dict,
        mentions: list[Mention],
        ctx: DocContext,
        oracle: SubjectOracle | None,
    ) -> list[tuple[str, Person | None]] | None:
        """Who holds the position: the cue's subject (attitude, verb demands), else a reporting
        clause's subject, else the text's voice. None when a non-actor holds it."""
        subj: list[Mention] | None = []
        if cue.kind == "passive":
            subj = st.passive_agent(doc, cue, mentions)
            if subj is None:
                return None
        genitive = st.genitive_holders(doc, cue, mentions) if cue.kind == "attitude" else []
        if genitive:
            subj = genitive  # "confirmed the commitment of Russia, France and Germany to ..."
        elif cue.kind in ("attitude", "demand", "appeal"):
            subj = self._subject(doc, sent, cue, mentions, oracle)
            if subj is None:
                return None
        if not subj:
            subj = st.report_holder(doc, sent, cue.start, marks, mentions)
            if subj is None:
                return None
        if subj:
            holders = st.expand(subj, ctx)
            reporter = st.expand(st.report_holder(doc, sent, cue.start, marks, mentions) or [], ctx)
            named = [
                (m.code, m.person)
                for m in mentions
                if m.person is not None and m.kind == "party" and m.start < cue.start
            ]
            if genitive and any(m.kind == "joint" and m.start < cue.start for m in mentions):
                # "They confirmed the commitment of Russia, France and Germany": the leaders speak for them
                named += [(c, st.leader_of(c, ctx)) for c, _ in holders]
            return [(c, p or self._speaker_for(c, reporter + named, ctx)) for c, p in holders]
        if not ctx.voice_country:
            return []
        return [(ctx.voice_country, self._speaker_for(ctx.voice_country, [], ctx))]

    @staticmethod
    def _subject(
        doc: Doc, sent: Span, cue: st.Cue, mentions: list[Mention], oracle: SubjectOracle | None
    ) -> list[Mention] | None:
        if oracle is not None:
            span = oracle(sent, doc[cue.head].idx)
            if span is not None:
                inside = [m for m in mentions if span[0] <= doc[m.start].idx < span[1]]
                subj = st.subject_before(doc, sent, cue.head, inside) if inside else []
                if subj is None or subj:
                    return subj
        return st.subject_before(doc, sent, cue.head, mentions)

    @staticmethod
    def _speaker_for(country: str, reporter: list[tuple[str, Person | None]], ctx: DocContext) -> Person | None:
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

    def _sentence(
        self,
        unit: TextUnit,
        doc: Doc,
        sent: Span,
        marks: dict,
        mentions: list[Mention],
        ctx: DocContext,
        fallback: str,
        oracle: SubjectOracle | None,
    ) -> list[Statement]:
        """Every cue of a candidate sentence, read into statements (one per holder and topic)."""
        hits = topic_hits(marks, sent.start, sent.end)
        day = stated_on(sent.text, unit.date)
        flag_marks = {k: [s for s, _ in marks.get(k, [])] for k in FLAG_LABELS + ("REPORT",)}
        has_party = any(m.kind == "party" for m in mentions)
        pairs = [i for i in doc.user_data.get(PAIR_STARTS, ()) if sent.start <= i < sent.end]
        if not hits and pairs:
            hits = [(sent.start, "cooperation")]  # "Russia-Kyrgyzstan relations": a bilateral relation
        elif pairs:  # "spoke highly of China-Tonga relations": the relation is the object
            hits = sorted(hits + [(i, "cooperation") for i in pairs if _names_relation(doc, i)])
        out = []
        cues = self._cues(doc, sent, marks, mentions)
        for k, cue in enumerate(cues):
            holders = self._holders(doc, sent, cue, marks, mentions, ctx, oracle)
            if not holders:
                continue
            limit = _object_limit(doc, sent, cues, k)
            codes = list(dict.fromkeys(c for c, _ in holders))
            target = self._target(doc, sent, cue, marks, mentions, ctx, set(codes), limit)
            topics = self._topics(doc, cue, hits, limit, fallback, has_party)
            targets = {c: target for c in codes}
            if not target and len(codes) > 1 and cue.stance == "support" and topics[0] in RELATION_TOPICS:
                # "Minister Lapid and Secretary Blinken acknowledged the strong partnership": each side's
                # position is about the other
                targets = {c: next(o for o in codes if o != c) for c in codes}
            if (
                cue.needs_party
                and not st.pick_target(doc, sent, cue, mentions, set(codes), limit)
                and all(t == "" for t in targets.values())
                or cue.kind == "sovereign"
                and not target
            ):
                continue  # "a successful event" names no partner; "its internal affairs" no possessor
            if not any(targets.values()) and not hits and (cue.stance == "support" or not fallback):
                continue  # about no party and nothing on the watch list (domestic remarks, thanks)
            flags = flags_for(sent, cue.start, flag_marks, unit.date)
            for topic in topics:
                out.extend(
                    Statement(
                        actor=code,
                        speaker=person.name if person else "",
                        speaker_role=person.role if person else "",
                        stance=cue.stance,
                        target=targets[code],
                        topic=topic,
                        flags=flags,
                        sentence=sent.text,
                        cue=doc[cue.start : cue.end].text,
                        stated_on=day,
                        sentence_start=sent.start_char,
                        sentence_end=sent.end_char,
                        basis=cue.basis,
                        detector_version=self.version,
                    )
                    for code, person in holders
                )
        return out

    def _target(
        self,
        doc: Doc,
        sent: Span,
        cue: st.Cue,
        marks: dict,
        mentions: list[Mention],
        ctx: DocContext,
        holders: set[str],
        limit: int,
    ) -> str:
        """The party named with the cue; failing that, for criticism, concern and assessments (and
        "supports this"), the party the paragraph is about, unless the object is "any country"."""
        target = st.pick_target(doc, sent, cue, mentions, holders, limit)
        if target or cue.addressee:
            return target
        anaphoric = cue.end < len(doc) and doc[cue.end].lower_ in ANAPHORA
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
        return self._unit_target(ctx, holders) if contextual and not anyone else ""

    @staticmethod
    def _topics(
        doc: Doc, cue: st.Cue, hits: list[tuple[int, str]], limit: int, fallback: str, has_party: bool
    ) -> list[str]:
        """The cue's topic, plus one per further ";"-separated item of an attitude cue's object
        ("concerns about Beijing's conduct in cyberspace; across the Taiwan Strait; ...")."""
        if cue.topic:
            return [cue.topic]
        # a noun-phrase cue names its own topic ("strategic partnership", "Cold War mentality")
        first = choose_topic(
            hits, cue.start if cue.kind in ("evaluative", "normative") else cue.end, cue.stance, fallback
        )
        generic_only = not any(slug not in GENERIC for _, slug in hits)
        if (
            first in GENERIC
            and fallback
            and fallback not in GENERIC
            and generic_only
            and cue.kind in ("attitude", "evaluative", "passive")
            and (cue.stance != "support" or first == "dialogue" and not has_party)
        ):
            first = fallback  # "opposed to arranging such a stopover" in an answer about Taiwan
        if cue.kind != "attitude":
            return [first]
        cuts = [t.i for t in doc[cue.end : limit] if t.text == ";"]
        topics = [first]
        for a, b in zip(cuts, cuts[1:] + [limit]):
            seg = [slug for i, slug in hits if a < i < b and slug not in GENERIC]
            if seg and seg[0] not in topics:
                topics.append(seg[0])
        return topics
