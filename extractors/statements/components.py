"""The detector's spaCy pipeline components, registered by name for `config.cfg`.

`config.cfg` (beside this module) names the pipeline, in order:

- `stancewatch_tokenizer` — spaCy's English tokenizer that also splits "U.S.-Japan" at the hyphen;
- `stancewatch_paragraph_breaks` — a line break ends a sentence (answers keep "\\n" between paragraphs);
- `sentencizer` — spaCy's punctuation sentence splitter;
- `stancewatch_gazetteer` — an entity ruler fed by the gazetteers (countries, bodies, groups,
  institutions, officials, titles);
- `stancewatch_lexicon` — the lexicon's pattern families, matched once per text into `doc.user_data`;
- `stancewatch_stance_classifier` — the trained classifier: for every sentence, the probability of
  each stance and each topic, from the sentence as `features.py` writes it (`doc.user_data`).

Everything that needs the whole document (who "he" is, what "the two sides" are, which party holds
which position) happens after the pipeline, in `pipeline.Detector`, because a paragraph leans on the
paragraphs before it and spaCy reads one text at a time. A Doc carries its unit (`TextUnit`) in
`doc.user_data["unit"]` so the classifier knows whose voice "we" is and what the page title says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import spacy
from spacy.util import registry
from spacy.language import Language
from spacy.lang.en import English
from spacy.pipeline import EntityRuler
from spacy.tokenizer import Tokenizer  # type: ignore[import-not-found]  # compiled module without stubs
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex

from .classifier import MODEL_DIR, Classifiers
from .classifier import load as load_models
from .buckets import UNIT as UNIT  # re-exported: pipeline.Detector puts the unit there
from .buckets import doc_text, sentence_labels, sentences
from .features import UnitFacts, sentence_example, title_kinds, views
from .gazetteer import ruler_patterns
from .linear import Example
from .patterns import build_phrase_matcher, build_token_matcher, collect_marks
from .schema import TextUnit
from .words import Marks

CONFIG = Path(__file__).resolve().parent / "config.cfg"
MARKS, SENTENCES = "stancewatch_marks", "stancewatch_sentences"


@registry.tokenizers("stancewatch.Tokenizer.v1")
def make_tokenizer() -> Any:
    """English tokenization, plus a split of "U.S.-Japan" and "U.S.-UAE" at the hyphen (spaCy's
    infixes do not split a hyphen after a period, so neither party of the most common bilateral
    compound in State Department texts was found)."""

    default = registry.tokenizers.get("spacy.Tokenizer.v1")()

    def create(nlp: Language) -> Tokenizer:
        tokenizer = cast(Tokenizer, default(nlp))
        infixes = [*(English.Defaults.infixes or ()), r"(?<=[A-Z]\.)[-–](?=[A-Z])"]
        tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
        return tokenizer

    return create


@Language.component("stancewatch_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence (multi-paragraph answers keep "\\n" between paragraphs)."""
    if "\n" not in doc_text(doc):
        return doc  # most units are one line: no token to look at
    for tok in doc[:-1]:
        if "\n" in tok.text_with_ws and not tok.is_space or tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


@Language.factory("stancewatch_gazetteer")
def make_gazetteer(nlp: Language, name: str) -> EntityRuler:
    """An entity ruler over every gazetteer entry (built from the data files, never serialised)."""
    ruler = GazetteerRuler(nlp, name, overwrite_ents=True)
    ruler.add_patterns(ruler_patterns())
    return ruler


class GazetteerRuler(EntityRuler):
    """spaCy's entity ruler, without two costs per doc that buy nothing here: counting every
    pattern of its ~600 labels to warn about an empty ruler, and, since it overwrites entities,
    making a Token of every matched word to ask whether it is already an entity (the answer was
    never used: `any(...) and not self.overwrite`)."""

    def _require_patterns(self) -> None:
        if not any(self.token_patterns.values()) and not any(self.phrase_patterns.values()):
            super()._require_patterns()  # empty: spaCy's warning

    def match(self, doc: Doc) -> list[tuple[int, int, int]]:
        """spaCy's matching, without calling the token matcher when it holds no pattern (the
        gazetteer is all phrases): that call found nothing and warned, under a per-doc filter."""
        if len(self.matcher):
            return cast(list[tuple[int, int, int]], super().match(doc))
        self._require_patterns()
        matches = list(self.phrase_matcher(doc))  # spaCy's order: token matches (none), then these
        final_matches = set([(m_id, start, end) for m_id, start, end in matches if start != end])
        return sorted(final_matches, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)

    def set_annotations(self, doc: Doc, matches: list[tuple[int, int, int]]) -> None:
        if not self.overwrite:
            super().set_annotations(doc, matches)
            return
        entities = list(doc.ents)
        new_entities = []
        seen_tokens: set[int] = set()
        for match_id, start, end in matches:
            # check for end - 1 here because boundaries are inclusive (as spaCy's own)
            if start not in seen_tokens and end - 1 not in seen_tokens:
                if match_id in self._ent_ids:
                    label, ent_id = self._ent_ids[match_id]
                    span = Span(doc, start, end, label=label, span_id=ent_id)
                else:
                    span = Span(doc, start, end, label=match_id)
                new_entities.append(span)
                entities = [e for e in entities if not (e.start < end and e.end > start)]
                seen_tokens.update(range(start, end))
        doc.ents = entities + new_entities


class Lexicon:
    """The lexicon's pattern families over one text: `doc.user_data[MARKS]` maps each label to its spans."""

    def __init__(self, nlp: Language) -> None:
        self.phrases = build_phrase_matcher(nlp)
        self.tokens = build_token_matcher(nlp)

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[MARKS] = collect_marks(doc, self.phrases, self.tokens)
        return doc


@Language.factory("stancewatch_lexicon")
def make_lexicon(nlp: Language, name: str) -> Lexicon:
    return Lexicon(nlp)


class StanceClassifier:
    """Per sentence: the stance probabilities of the trained classifier.

    `doc.user_data[SENTENCES]` holds, per sentence in order, (view, example, stance probabilities).
    Topics are ranked later, only for the sentences that yield a statement. Without a trained model
    (rules mode) the component does nothing unless `featurize` is set (training reads the examples).
    """

    def __init__(self, models: Classifiers | None) -> None:
        self.models = models
        self.featurize = models is not None

    def __call__(self, doc: Doc) -> Doc:
        if not self.featurize and self.models is None:
            doc.user_data[SENTENCES] = []
            return doc
        unit = doc.user_data.get(UNIT) or TextUnit(doc.text)
        facts = unit_facts(unit)
        marks: Marks = doc.user_data.get(MARKS, {})
        sents = sentences(doc)
        masked = views(doc, sents, facts.voice)
        examples = [sentence_example(v, facts, labels) for v, labels in zip(masked, sentence_labels(marks, sents))]
        doc.user_data[SENTENCES] = list(zip(masked, examples, self.scores(examples)))
        return doc

    def scores(self, examples: list[Example]) -> list[dict[str, float]]:
        if self.models is None or not examples:
            return [{} for _ in examples]
        stance_p = self.models.stance.predict(examples)
        return [dict(zip(self.models.stance.labels, map(float, row))) for row in stance_p]


@Language.factory("stancewatch_stance_classifier", default_config={"model": "model"})
def make_stance_classifier(nlp: Language, name: str, model: str) -> StanceClassifier:
    """The classifier bundle at `model` (relative to this package); "" = none (rules mode)."""
    folder = MODEL_DIR.parent / model if model else None
    return StanceClassifier(load_models(folder) if folder is not None else None)


def unit_facts(unit: TextUnit) -> UnitFacts:
    """What the sentence classifier needs of a unit: whose voice it is and what kind of page."""
    from .voice import new_context  # the voice rules (transcript turns, speakers' countries)

    return UnitFacts(
        voice=new_context(unit, None).voice_country,
        has_speaker=bool(unit.speaker),
        title_kinds=title_kinds(unit.title),
        title_codes=(),
        unit_codes=(),
        doc_codes=(),
    )


def build(model: str | None = "model") -> Language:
    """The pipeline of `config.cfg`; `model=None` leaves the classifier without a model (rules mode)."""
    config = spacy.util.load_config(CONFIG)
    config["components"]["stance_classifier"]["model"] = model or ""
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
