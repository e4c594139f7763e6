"""Mentions of possible actors and targets in a parsed unit, and the context that resolves them.

The entity ruler marks countries, bodies, institutions, officials, titles and non-actors; this module
turns those spans (plus "we", "he", "both sides" and bare surnames) into `Mention`s that carry a
country or body code and, for people, the person. Titles are resolved here, against the people
already named in the document first ("the Foreign Minister" after "UAE Foreign Minister Sheikh
Abdullah bin Zayed"), then against the officials gazetteer on the text's date.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span

from . import gazetteer as gz
from .buckets import token_texts
from .context import DocContext, Mention, Person, official_person
from .patterns import VERB_STARTS
from .voice import we_override
from .words import word_map, word_set

HONORIFICS = word_set("honorifics")
HOME_OFFICES = word_set("home_offices")
PLURAL_TITLES = word_map("plural_titles")
FOREIGN_MINISTRY = word_set("foreign_ministry")


def _country_before(doc: Doc, start: int, ents_by_end: dict[int, Span]) -> Span | None:
    """A country/body entity before a title, possibly across one or two capitalised words:
    "German Foreign Minister", "the US President", "Tunisian State Secretary"."""
    for skip in range(3):
        ent = ents_by_end.get(start - skip)
        if ent is not None and ent.label_ in (gz.COUNTRY, gz.BODY):
            return ent
        if start - skip - 1 < 0 or not doc[start - skip - 1].is_title or doc[start - skip - 1].ent_type_:
            return None
    return None


def _country_after_of(doc: Doc, end: int, ents_by_start: dict[int, Span]) -> Span | None:
    """ "the President of Russia", "President of the United States" -> the country entity."""
    i = end
    if i < len(doc) and doc[i].lower_ == "of":
        i += 1
        if i < len(doc) and doc[i].lower_ == "the":
            i += 1
        ent = ents_by_start.get(i)
        if ent is not None and ent.label_ in (gz.COUNTRY, gz.BODY):
            return ent
    return None


def _name_run(doc: Doc, i: int, limit: int = 4) -> int:
    """End of a run of capitalised words starting at i (an unknown person's name after a title)."""
    j = i
    while j < len(doc) and j - i < limit and doc[j].is_title and doc[j].is_alpha and not doc[j].ent_type_:
        j += 1
        if j + 1 < len(doc) and doc[j].text == "-" and not doc[j].whitespace_ and doc[j + 1].is_alpha:
            j += 2  # "Chung Eui-yong"
    return j


TITLE_HINTS = word_set("title_hints")
AUXILIARIES = word_set("auxiliaries")


def _speaks_next(doc: Doc, i: int) -> bool:
    """A cue or reporting verb follows, perhaps after auxiliaries ("will continue to press for")."""
    starts = doc.user_data.get(VERB_STARTS, ())
    for j in range(i, min(i + 4, len(doc))):
        if j in starts:
            return True
        if doc[j].lower_ not in AUXILIARIES and not (doc[j].lower_.endswith("ly") and doc[j].is_alpha):
            return False
    return False


class MentionFinder:
    """Turns a parsed unit into mentions, updating the document context as it goes."""

    def __init__(self) -> None:
        self.surnames = gz.surnames()

    def find(
        self,
        doc: Doc,
        sent: Span,
        ctx: DocContext,
        phrase_marks: dict[int, tuple[str, int]],
        ents: list[Span] | None = None,
    ) -> list[Mention]:
        """All mentions of one sentence in text order, remembering named people in `ctx`.

        `phrase_marks` maps a start token to (label, end) for SELF / JOINT / PRONOUN / NON_ACTOR
        matches; `ents` are the sentence's entities when the caller has bucketed them already.
        """
        if ents is None:
            ents = [e for e in doc.ents if sent.start <= e.start < sent.end]
        ents_by_start = {e.start: e for e in ents}
        ents_by_end = {e.end: e for e in ents}
        consumed: set[int] = set()
        out: list[Mention] = []
        for ent in ents:
            if ent.start in consumed:
                continue
            mention = self._from_entity(doc, ent, ctx, ents_by_start, ents_by_end, consumed)
            if mention is not None:
                out.append(mention)
        out.extend(self._surnames(doc, sent, ctx, consumed))
        for start, (label, end) in sorted(phrase_marks.items()):
            if not any(t in consumed or doc[t].ent_type_ for t in range(start, end)):
                out.append(self._from_phrase(doc, start, end, label, ctx, out))
        out = [
            m
            for m in out
            if not any(
                o is not m and o.start <= m.start and m.end <= o.end and o.end - o.start > m.end - m.start for o in out
            )
        ]
        out.sort(key=lambda m: m.start)
        out = self._plural_titles(doc, out, ctx)
        we_override(doc, out, ctx)
        return out

    def _from_entity(
        self,
        doc: Doc,
        ent: Span,
        ctx: DocContext,
        by_start: dict[int, Span],
        by_end: dict[int, Span],
        consumed: set[int],
    ) -> Mention | None:
        label = ent.label_
        if label in (gz.COUNTRY, gz.BODY, gz.INSTITUTION):
            nxt = by_start.get(ent.end)
            end = ent.end
            if nxt is not None and nxt.label_ == gz.GENERIC_INST:  # "the US side", "Russian authorities"
                consumed.add(nxt.start)
                end = nxt.end
            return Mention(ent.start, end, "party", ent.ent_id_, text=doc[ent.start : end].text)
        if label == gz.GROUP:  # "The C5+1 countries affirm ...": each member (holders.expand)
            return Mention(ent.start, ent.end, "party", gz.GROUP_PREFIX + ent.ent_id_, text=ent.text)
        if label == gz.NON_ACTOR:
            return Mention(ent.start, ent.end, "nonactor", text=ent.text)
        if label == gz.PERSON:
            person = official_person(ent.ent_id_, ctx.date)
            if person is None:
                return None
            ctx.remember(person)
            return Mention(ent.start, ent.end, "party", person.country, person, ent.text)
        if label == gz.TITLE:
            return self._title(doc, ent, ctx, by_start, by_end, consumed)
        if (
            label == gz.GENERIC_INST
            and ent.text in FOREIGN_MINISTRY
            and ent.start not in by_end
            and ctx.voice_country
            and not (ent.start > 0 and doc[ent.start - 1].text in ("'s", "’s"))
        ):
            return Mention(ent.start, ent.end, "party", ctx.voice_country, text=ent.text)
        return None

    def _title(
        self,
        doc: Doc,
        ent: Span,
        ctx: DocContext,
        by_start: dict[int, Span],
        by_end: dict[int, Span],
        consumed: set[int],
    ) -> Mention | None:
        """A title: the role of the name after it, or a person resolved from context and date."""
        office, fixed_country = ent.ent_id_.split("|")
        before = _country_before(doc, ent.start, by_end)
        after = _country_after_of(doc, ent.end, by_start)
        explicit = before.ent_id_ if before is not None else after.ent_id_ if after is not None else ""
        start = before.start if before is not None else ent.start
        end = after.end if after is not None else ent.end
        role_text = doc[start:end].text
        nxt = end
        while nxt < len(doc) and doc[nxt].text in HONORIFICS:
            nxt += 1
        person, stop = self._name_after(doc, nxt, ctx, role_text, explicit, office, by_start)
        if stop:
            consumed.update(range(start, stop))
            if person is None:
                return None
            ctx.remember(person)
            kind = "party" if person.country else "nonactor"
            return Mention(start, stop, kind, person.country, person, doc[start:stop].text)
        consumed.update(range(start, end))
        country = explicit or fixed_country or ctx.voice_country
        title = ent.text.removeprefix("the ")
        person = ctx.person_with_title(title, office, fixed_country) if not explicit else None
        if person is None:
            off = gz.resolve_title(office, country, ctx.date) if country else None
            person = Person(off.name, off.country, role_text, office) if off is not None else None
        if person is None:
            return Mention(start, end, "party", country, None, role_text) if country else None
        ctx.remember(person)
        return Mention(start, end, "party", person.country, person, role_text)

    def _name_after(
        self, doc: Doc, i: int, ctx: DocContext, role_text: str, explicit: str, office: str, by_start: dict[int, Span]
    ) -> tuple[Person | None, int]:
        """The person named right after a title and where the name ends ((None, 0) when none is).

        A gazetteer official or a known surname is that official; an unknown name speaks for the
        country written with the title, or for the text's own side for home offices only.
        """
        named = by_start.get(i)
        if named is not None and named.label_ == gz.PERSON:
            person = official_person(named.ent_id_, ctx.date, role_text)
            return (replace(person, office=office) if person is not None else None), named.end
        if i < len(doc) and doc[i].text in self.surnames:
            off = gz.resolve_surname(doc[i].text, ctx.date, [p.name for p in ctx.persons])
            if off is not None:
                return Person(off.name, off.country, role_text, office), i + 1
        run_end = _name_run(doc, i)
        if run_end - i == 1 and i + 1 < len(doc) and doc[i + 1].is_lower:  # "Prime Minister Mahathir visited"
            known = None if explicit or i >= len(doc) else ctx.person_named(doc[i].text)
            if known is not None:  # "Foreign Minister Son" after "Vietnamese Foreign Minister Bui Thanh Son"
                return replace(known, role=role_text, office=office), i + 1
            return Person(doc[i].text, explicit, role_text, office), i + 1
        if run_end - i >= 2:
            country = explicit or (ctx.voice_country if office in HOME_OFFICES else "")
            return Person(doc[i:run_end].text, country, role_text, office), run_end
        return None, 0

    def _surnames(self, doc: Doc, sent: Span, ctx: DocContext, consumed: set[int]) -> list[Mention]:
        """Bare surnames ("Wang said", "Mr Putin") that context or an honorific makes a person."""
        out = []
        known = [p.name for p in ctx.persons]
        texts = token_texts(doc)[sent.start : sent.end]
        for k in range(len(texts)):
            prev = texts[k - 1] if k else (doc[sent.start - 1].text if sent.start else "")
            if prev not in HONORIFICS and texts[k] not in self.surnames:
                continue
            tok = sent[k]
            if prev in HONORIFICS and tok.is_title and tok.text not in self.surnames and not tok.ent_type_:
                out.append(Mention(tok.i - 1, tok.i + 1, "nonactor", "", Person(tok.text, ""), f"{prev} {tok.text}"))
                continue
            if tok.text not in self.surnames or tok.ent_type_ or tok.i in consumed:
                continue
            off = gz.resolve_surname(tok.text, ctx.date, known)
            speaks = _speaks_next(doc, tok.i + 1)  # "Lenderking called for ...", "Lenderking will continue to press"
            titled = prev in TITLE_HINTS  # "Special Envoy Lenderking", "Ambassador Reeker"
            if off is None or not (prev in HONORIFICS or off.name in known or speaks or titled):
                continue
            person = Person(off.name, off.country, "")
            person = next((p for p in ctx.persons if p.name == off.name), person)
            start = tok.i - 1 if prev in HONORIFICS else tok.i
            out.append(Mention(start, tok.i + 1, "party", off.country, person, doc[start : tok.i + 1].text))
        return out

    @staticmethod
    def _from_phrase(doc: Doc, start: int, end: int, label: str, ctx: DocContext, earlier: list[Mention]) -> Mention:
        """SELF / PRONOUN / JOINT / NON_ACTOR phrases; "he" is the person named just before
        in the sentence, else the previous sentence's first-named person."""
        text = doc[start:end].text
        if label == "SELF":
            return Mention(start, end, "self", ctx.we_override or ctx.voice_country, ctx.voice, text)
        if label == "PRONOUN":
            same = [m.person for m in earlier if m.person is not None and m.end <= start]
            person = same[0] if same else ctx.subject_person or ctx.last_person()
            return Mention(start, end, "pronoun", person.country if person else "", person, text)
        if label == "JOINT":
            near = [m for m in earlier if m.kind == "party" and m.end <= start]
            if text.lower() == "they" and near:
                return Mention(start, end, "party", near[-1].code, near[-1].person, text)
            return Mention(start, end, "joint", text=text)
        return Mention(start, end, "nonactor", text=text)

    @staticmethod
    def _plural_titles(doc: Doc, mentions: list[Mention], ctx: DocContext) -> list[Mention]:
        """ "the Russian and French presidents", "the US and Chinese leaders": each country named
        before a plural title stands for the holder of that office on the text's date."""
        out = list(mentions)
        for k, m in enumerate(out):
            words = " ".join(t.lower_ for t in doc[m.end : m.end + 2])
            office = next((o for w, o in PLURAL_TITLES.items() if words == w or words.startswith(w + " ")), None)
            if m.kind != "party" or office is None:
                continue
            j = k
            while j >= 0 and out[j].kind == "party" and not out[j].person:
                off = (
                    gz.resolve_leader(out[j].code, ctx.date)
                    if office == "leader"
                    else gz.resolve_title(office, out[j].code, ctx.date)
                )
                if off is not None:
                    person = Person(off.name, off.country, office=office)
                    ctx.remember(person)
                    out[j] = Mention(out[j].start, out[j].end, "party", out[j].code, person, out[j].text)
                if j == 0 or not all(t.lower_ in ("and", ",") for t in doc[out[j - 1].end : out[j].start]):
                    break
                j -= 1
        return out
