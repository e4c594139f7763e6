"""Each pattern family catches the examples its docstring promises (the docstring is the spec)."""

from __future__ import annotations

import re

import pytest

from stancewatch.extractors.statements.components import MARKS
from stancewatch.extractors.statements.patterns import FAMILIES, TOKEN_FAMILIES

EXAMPLE = re.compile(r'^\s*"(.*)"\s*->\s*([A-Z_a-z, ]+)$')


def docstring_examples(func) -> list[tuple[str, list[str]]]:
    """Lines of the form  "text" -> LABEL[, LABEL]  in a family's docstring."""
    out = []
    for line in (func.__doc__ or "").splitlines():
        m = EXAMPLE.match(line)
        if m:
            out.append((m.group(1), [lab.strip() for lab in m.group(2).split(",")]))
    return out


ALL = {**FAMILIES, **TOKEN_FAMILIES}
CASES = [(name, text, labels) for name, func in ALL.items() for text, labels in docstring_examples(func)]


def test_every_family_documents_examples():
    missing = [name for name, func in ALL.items() if not docstring_examples(func)]
    assert not missing, f"families without docstring examples: {missing}"


@pytest.mark.parametrize("family,text,labels", CASES, ids=[f"{c[0]}:{c[1][:30]}" for c in CASES])
def test_family_docstring_example(detector, family, text, labels):
    doc = detector.nlp(text)
    marks = doc.user_data[MARKS]
    found = {label for label, spans in marks.items() if spans}
    assert set(labels) <= found, f"{family}: {text!r} gave {sorted(found)}"


def test_blocked_phrase_suppresses_cue(detector):
    doc = detector.nlp("Leaders of opposition parties met in the capital.")
    marks = doc.user_data[MARKS]
    assert not marks.get("OPPOSE")
