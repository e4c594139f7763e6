"""Voice and context: who speaks in a unit, and what the unit and earlier paragraphs establish.

The voice is who "we" and an unattributed assessment belong to: a transcript turn's speaker, the
unit's answering spokesperson, or the publishing ministry's country; "We, the G7 Foreign Ministers
..." makes every later "we" of the document that body. The context carries forward, paragraph to
paragraph of one document, the people named, the parties talked about and the document's topic.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from spacy.tokens import Doc

from . import gazetteer as gz
from .buckets import token_texts
from .context import DocContext, Mention, Person, official_person
from .schema import TextUnit
from .words import word_list, word_set

HONORIFICS = word_set("honorifics")
# A transcript turn opens with its speaker and a colon: "Vladimir Putin:", "MR PRICE:", "QUESTION:",
# "Regional governor Ivan Petrov:"; the name must end in two capitalised words (or be in capitals),
# so "Regarding the question about Taiwan:" is no turn.
TURN = re.compile(
    r"^\s*((?:[\w.’'-]+\s+){0,8}?(?:[A-Z][\w.’'-]*\s+[A-Z][\w.’'-]*|[A-Z][A-Z.’'-]*)"
    r"|Journalist|Question|Reporter|Moderator|Operator|Participant|Audience)\s*:\s"
)
TITLE_WORDS = r"\b(" + "|".join(word_list("title_words")) + r")\b"
PAIR_STARTS = "statements_pair_starts"  # doc.user_data key: tokens that open a "Russia-Kyrgyzstan" compound
PAIR_TOKENS = "statements_pair_tokens"  # doc.user_data key: mention starts inside a "China-Qatar" compound


def is_question(unit: TextUnit) -> bool:
    """A journalist's turn of a transcript ("Q: ..."): it holds no position, but says what the answer
    after it is about."""
    return unit.text.lstrip().startswith(("Q:", "Q："))


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
        ctx.signatories = list(previous.signatories)  # "We, the Ministers of A, B and C" holds for the text
        ctx.subject_person = previous.subject_person
    return ctx


JOINT_TITLE = re.compile(r"\bjoint (statement|declaration|communiqu|press statement|leaders)", re.IGNORECASE)


def read_title(title: Doc | None, ctx: DocContext) -> None:
    """The page title's parties and officials: "Secretary Blinken's Call with Indian External
    Affairs Minister Jaishankar" tells who "the two sides", "they" and "the leaders" are when the
    paragraph names only one of them (contract, "Whose position")."""
    if title is None:
        return
    for ent in title.ents:
        code = ""
        if ent.label_ == gz.PERSON:
            person = official_person(ent.ent_id_, ctx.date)
            if person is not None:
                ctx.title_persons.append(person)
                code = person.country
        elif ent.label_ in (gz.COUNTRY, gz.BODY, gz.INSTITUTION):
            code = ent.ent_id_
        elif ent.label_ == gz.GROUP:
            ctx.title_parties.extend(m for m in gz.groups()[ent.ent_id_] if m not in ctx.title_parties)
        if code and code not in ctx.title_parties:
            ctx.title_parties.append(code)
    if not ctx.signatories:
        ctx.signatories = signatories(title, ctx.date)
    body = body_statement(title)
    if body and not ctx.we_override:
        ctx.we_override = ctx.voice_country = body  # "G7 Foreign Ministers' Statement on ...": "we" is the G7
        ctx.voice = None


BODY_STATEMENT = re.compile(r"\b(statement|declaration|communiqu)", re.IGNORECASE)


def body_statement(title: Doc) -> str:
    """The body a title says the text is the statement of: "G7 Foreign Ministers' Statement on the MV
    Mercer Street Attack" -> "G7" (the title opens with the body's name and calls the text a statement);
    "" otherwise ("Joint Statement on Belarus", "Secretary Blinken's Statement on the G7")."""
    first = title.ents[0] if title.ents else None
    if first is None or first.label_ != gz.BODY or first.start > 1 or not BODY_STATEMENT.search(title.text):
        return ""
    return str(first.ent_id_)


def signatories(title: Doc, day: dt.date | None) -> list[str]:
    """The governments a joint statement's title names as its authors: "we" in its text is every one
    of them (the contract: one statement per signatory). Authors are named before the title's "on"
    ("Joint Statement of the United States and Germany on ...", "U.S.-EU-Canada: Joint Statement on
    Venezuela") or in a hyphenated pair anywhere ("... on the Launch of the U.S.-Japan Partnership");
    what follows "on" alone is the subject ("Joint Statement on Belarus"), not an author."""
    found = JOINT_TITLE.search(title.text)
    if found is None:
        return []
    on = next((t.i for t in title if t.lower_ == "on" and t.idx > found.start()), len(title))
    out: list[str] = []
    for ent in title.ents:
        paired = any(title[j].text in ("-", "–") for j in (ent.start - 1, ent.end) if 0 <= j < len(title))
        if ent.start >= on and not paired:
            continue
        if ent.label_ == gz.PERSON:
            person = official_person(ent.ent_id_, day)
            codes = [person.country] if person else []
        elif ent.label_ in (gz.COUNTRY, gz.BODY, gz.INSTITUTION):
            codes = [ent.ent_id_]
        elif ent.label_ == gz.GROUP:
            codes = gz.groups()[ent.ent_id_]
        else:
            codes = []
        out += [c for c in codes if c not in out]
    return out if len(out) >= 2 else []


def prescan(doc: Doc, ctx: DocContext) -> None:
    """People and parties named anywhere in the unit ("Both sides ..." before the names)."""
    for ent in doc.ents:
        if ent.label_ == gz.PERSON:
            person = official_person(ent.ent_id_, ctx.date)
            if person is not None:
                ctx.unit_persons.append(person)
                ctx.unit_parties.append((ent.start, person.country))  # "Prime Minister Shinzo Abe": Japan
        elif ent.label_ in (gz.COUNTRY, gz.BODY, gz.INSTITUTION):
            ctx.unit_parties.append((ent.start, ent.ent_id_))
        elif ent.label_ == gz.GROUP:
            ctx.unit_parties.extend((ent.start, c) for c in gz.groups()[ent.ent_id_])
    ctx.unit_pairs = _pairs(doc) + _voice_pairs(doc, ctx.voice_country)
    texts = token_texts(doc)
    for i in (i for i in range(1, len(texts)) if texts[i - 1] in HONORIFICS):
        tok = doc[i]
        if not tok.ent_type_:
            off = gz.resolve_surname(tok.text, ctx.date, [p.name for p in ctx.persons])
            if off is not None:
                ctx.unit_persons.append(Person(off.name, off.country))


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
    doc.user_data[PAIR_TOKENS] = {e.start for pair in found for e in pair}
    return [(a.ent_id_, b.ent_id_) for a, b in found]


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


#: Lower-case words an apposition after "We," may hold between the parties it lists ("We, the
#: Ministers and representatives of the United States, Italy, ... and of the European Union, met ...").
APPOSITION_WORDS = frozenset(
    {"of", "the", "and", ",", "representatives", "ministers", "leaders", "heads", "state", "government"}
    | {"governments", "foreign", "member", "states", "countries", "&"}
)


def we_override(doc: Doc, mentions: list[Mention], ctx: DocContext) -> None:
    """ "We, the G7 Foreign Ministers of Canada, ... and the EU" makes every "we" of the document
    that body; the members listed in the apposition are not separate subjects. "We, the Ministers
    of the United States, Italy, Canada, ..." names no body: each listed government is a signatory,
    and every later "we" of the document is each of them (contract: one statement per signatory)."""
    if _we_signatories(doc, mentions, ctx):
        return
    for i, (a, b) in enumerate(zip(mentions, mentions[1:])):
        if (
            a.kind == "self"
            and a.text.lower() == "we"
            and b.kind == "party"
            and b.start - a.end <= 3
            and doc[a.end].text == ","
        ):
            ctx.we_override = ctx.voice_country = b.code
            ctx.voice = None
            mentions[i] = Mention(a.start, a.end, "self", b.code, None, a.text)
            j = i + 2
            while j < len(mentions) and all(
                t.is_title or t.lower_ in ("of", "the", "and", ",")
                for t in doc[mentions[j - 1].end : mentions[j].start]
            ):
                j += 1
            del mentions[i + 1 : j]
            return


def _we_signatories(doc: Doc, mentions: list[Mention], ctx: DocContext) -> bool:
    """ "We, the Ministers and representatives of A, B, C and D, met ...": the parties of the
    apposition, when it lists two or more and opens with a title rather than a body's name, become
    the document's signatories and leave the mention list (they are not separate subjects)."""
    for i, a in enumerate(mentions):
        if not (a.kind == "self" and a.text.lower() == "we" and a.end < len(doc) and doc[a.end].text == ","):
            continue
        listed: list[int] = []
        last = i
        at, sent_end = a.end, doc[a.start].sent.end
        for j in range(i + 1, len(mentions)):
            m = mentions[j]
            between = doc[at : m.start]
            if m.start >= sent_end or m.kind not in ("party", "joint"):
                break
            if not all(t.is_title or t.lower_ in APPOSITION_WORDS for t in between):
                break
            if m.kind == "party":  # "the Ministers" (a joint mention) is the apposition's head, not a party
                listed.append(j)
            last, at = j, m.end
        codes = list(dict.fromkeys(c for j in listed for c in gz.members(mentions[j].code)))
        first_is_body = bool(listed) and listed[0] == i + 1 and mentions[i + 1].start - a.end <= 3
        if len(codes) < 2 or first_is_body:
            return False
        ctx.signatories = codes
        del mentions[i + 1 : last + 1]
        return True
    return False
