"""Pattern families: the phrase lists of lexicon.yaml turned into spaCy matchers.

One small function per family, each returning the phrases it contributes under its match label,
with examples of what it catches in its docstring. `build_phrase_matcher` registers every family on
one PhraseMatcher (lower-cased tokens) so a document is scanned once; `build_token_matcher` holds the
few families that need token shapes rather than fixed phrases ("should be respected"). `collect_marks`
runs both over a document and keeps, where cues overlap, the longest (labels.yaml says what each
label means).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Callable

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from .buckets import doc_text
from .gazetteer import lexicon
from .words import Marks, labels_with, word_set

Family = Callable[[], dict[str, list[str]]]
MODAL_WORDS = word_set("modal_words")  # a doc without them skips the token matcher
MODAL_RX = re.compile(r"\b(?:" + "|".join(sorted(MODAL_WORDS)) + r")\b", re.IGNORECASE)
CUE_LABELS = labels_with("cue")  # in labels.yaml order: the first of equal cues wins
ACT_LABELS = labels_with("act")
VERB_ENDS = "statements_verb_ends"  # doc.user_data key: token indices that end a cue or reporting verb
VERB_STARTS = "statements_verb_starts"  # doc.user_data key: token indices that start a cue or reporting verb
FAMILIES: dict[str, Family] = {}


def family(func: Family) -> Family:
    """Register a pattern family so the matcher builder (and the tests) can enumerate them."""
    FAMILIES[func.__name__] = func
    return func


@family
def attitude_cues() -> dict[str, list[str]]:
    """Cues held by their subject. Examples:

    "China supports NATO and the EU" -> SUPPORT
    "The United States strongly condemns the diversion" -> OPPOSE
    "China is highly concerned about the situation in Ukraine" -> CONCERN
    "China does not agree to solve problems through sanctions" -> NEG_SUPPORT
    "Russia wants to deepen cooperation with Vietnam" -> SUPPORT_RELATION (a statement only with a partner)
    """
    cues = lexicon()["cues"]
    return {
        "SUPPORT": cues["support"],
        "OPPOSE": cues["oppose"],
        "CONCERN": cues["concern"],
        "NEG_SUPPORT": lexicon()["negated_support"],
        "SUPPORT_RELATION": cues["support_relation"],
    }


@family
def evaluative_cues() -> dict[str, list[str]]:
    """Cues that judge in the text's own voice. Examples:

    "the US action is the quintessential trade bullying" -> EVAL_OPPOSE
    "is a correct political decision" -> EVAL_SUPPORT
    "an alarming erosion of democratic norms" -> EVAL_CONCERN
    "the meeting is conducive to stability" -> NORM_SUPPORT
    "An inclusive reform process is crucial going forward" -> NORM_APPEAL (an appeal: basis demand)
    "China is a close partner of Malaysia" -> EVAL_RELATION (a statement only when a partner is named)
    "the accusation by the US side is baseless" -> EVAL_CRITICISM (a statement only when a party is named)
    "The National Assembly election is Cambodia's domestic affairs" -> SOVEREIGN
    """
    ev = lexicon()["evaluative"]
    return {
        "EVAL_SUPPORT": ev["support"],
        "EVAL_OPPOSE": ev["oppose"],
        "EVAL_CONCERN": ev["concern"],
        "NORM_SUPPORT": ev["normative"],
        "NORM_APPEAL": ev["normative_appeal"],
        "SOVEREIGN": ev["sovereign"],
        "EVAL_RELATION": ev["relation"],
        "EVAL_CRITICISM": ev["criticism"],
    }


@family
def blocked_phrases() -> dict[str, list[str]]:
    """Cue words that carry no stance in these phrases. Examples:

    "leaders of opposition parties met" -> BLOCKED
    "the parties concerned" -> BLOCKED
    """
    return {"BLOCKED": lexicon()["blocked"]}


@family
def negation_words() -> dict[str, list[str]]:
    """Negators that flip a following support cue. Examples:

    "China does not support the move" -> NEG
    "will never accept it" -> NEG
    """
    return {"NEG": lexicon()["negation"]}


@family
def demand_cues() -> dict[str, list[str]]:
    """Demands and appeals and the acts they ask for. Examples:

    "We urge the US side to stop arms sales" -> DEMAND, CORRECTIVE
    "China calls upon all parties to resume dialogue" -> DEMAND, ALL_PARTIES, COOPERATIVE
    """
    dem = lexicon()["demands"]
    return {
        "DEMAND": dem["verbs"],
        "CORRECTIVE": dem["corrective"],
        "COOPERATIVE": dem["cooperative"],
        "ALL_PARTIES": dem["all_parties"],
    }


@family
def reporting_verbs() -> dict[str, list[str]]:
    """Speech verbs that hand a position to their subject. Examples:

    "Wang Yi said on Feb 26" -> REPORT
    "according to the ministry" -> REPORT
    "Nikol Pashinyan informed Vladimir Putin about the meeting" -> OBJECT_VERB
    """
    return {"REPORT": lexicon()["reporting"], "OBJECT_VERB": lexicon()["object_verbs"]}


@family
def discussion_verbs() -> dict[str, list[str]]:
    """Verbs whose object is what was discussed: a feature for the classifiers. A cue in the object
    is still a position ("discussed concerns regarding the attack"). Example:

    "The Secretary and the Minister discussed the U.S. commitment to Israel's security" -> DISCUSS
    """
    return {"DISCUSS": lexicon()["discussion"]}


@family
def procedural_phrases() -> dict[str, list[str]]:
    """Sentences with no position. Examples:

    "I would like to refer you to that" -> PROCEDURAL
    "let's wait and see" -> PROCEDURAL
    "Secretary Blinken spoke today with Foreign Minister Laya" -> EVENT
    """
    return {"PROCEDURAL": lexicon()["procedural"], "EVENT": lexicon()["events"]}


@family
def flag_words() -> dict[str, list[str]]:
    """Modality markers. Examples:

    "If the US side takes steps" -> HYPOTHETICAL
    "China will continue to play a role" -> FUTURE
    "China had prevented references" -> HISTORICAL
    """
    flags = lexicon()["flags"]
    return {"HYPOTHETICAL": flags["hypothetical"], "FUTURE": flags["future"], "HISTORICAL": flags["historical"]}


@family
def topic_keywords() -> dict[str, list[str]]:
    """Topic keywords, one label per slug. Examples:

    "stop arms sales to Taiwan" -> TOPIC_arms_transfers, TOPIC_taiwan
    "objects unilateral sanctions" -> TOPIC_sanctions
    """
    return {f"TOPIC_{slug}": words for slug, words in lexicon()["topics"].items()}


@family
def subject_words() -> dict[str, list[str]]:
    """Self references and subjects that never hold a position. Examples:

    "our side firmly opposes it" -> SELF
    "analysts said the move was risky" -> NON_ACTOR
    "Both sides expressed shared concern" -> JOINT
    """
    lex = lexicon()
    return {
        "SELF": lex["self_reference"],
        "NON_ACTOR": lex["non_actor_subjects"],
        "JOINT": lex["joint_subjects"],
        "PRONOUN": lex["pronoun_subjects"],
    }


def build_phrase_matcher(nlp: Language) -> PhraseMatcher:
    """One PhraseMatcher over lower-cased tokens holding every registered family."""
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for func in FAMILIES.values():
        for label, phrases in func().items():
            matcher.add(label, [nlp.make_doc(p) for p in sorted({str(p) for p in phrases})])
    return matcher


def passive_patterns() -> dict[str, list[list[dict[str, Any]]]]:
    """'should be (adv) VBN': the stance comes from the participle. Examples:

    "the sovereignty of Syria should be upheld and respected" -> PASSIVE_SUPPORT
    "the Cold-War mentality should be "completely" abandoned" -> PASSIVE_OPPOSE
    """
    dem = lexicon()["demands"]
    out: dict[str, list[list[dict[str, Any]]]] = {}
    for label, words in (("PASSIVE_SUPPORT", dem["passive_support"]), ("PASSIVE_OPPOSE", dem["passive_oppose"])):
        lead: list[dict[str, Any]] = [
            {"LOWER": {"IN": list(MODAL_WORDS)}},
            {"LOWER": {"IN": ["to", "be"]}, "OP": "+"},
            {"LOWER": {"NOT_IN": ["not", "never", ".", ",", ";", "and"]}, "OP": "{0,3}"},
        ]
        single = [w for w in words if " " not in w]
        out[label] = [lead + [{"LOWER": {"IN": single}}]] + [
            lead + [{"LOWER": w} for w in phrase.split()] for phrase in words if " " in phrase
        ]
    return out


def build_token_matcher(nlp: Language) -> Matcher:
    """Token-shape families (currently the passive demands)."""
    matcher = Matcher(nlp.vocab)
    for label, pats in passive_patterns().items():
        matcher.add(label, pats, greedy="LONGEST")
    return matcher


TOKEN_FAMILIES = {"passive_patterns": passive_patterns}


def collect_marks(doc: Doc, phrases: PhraseMatcher, tokens: Matcher) -> Marks:
    """Every family match in the doc, keyed by label, longest-first de-overlapped within a label group."""
    marks: Marks = defaultdict(list)
    has_modal = MODAL_RX.search(doc_text(doc)) is not None  # the token matcher is the costly one
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
    doc.user_data[VERB_ENDS] = {e for lab in CUE_LABELS + ("REPORT", "OBJECT_VERB") for _, e in marks.get(lab, [])}
    doc.user_data[VERB_STARTS] = {s for lab in CUE_LABELS + ("REPORT",) for s, _ in marks.get(lab, [])}
    return marks
