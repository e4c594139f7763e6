"""A small linear classifier: trained with scikit-learn, applied with plain numpy.

The detector's learned parts (is there a position in this sentence, and which stance? does this
party hold it? which topics?) are one-vs-rest logistic regressions over two kinds of features:

- *text* features: word unigrams and bigrams of the sentence as the featurizer writes it (parties
  masked, "we" marked), weighted tf-idf with sublinear tf and L2-normalised;
- *flags*: named binary facts ("a support cue is in the sentence", "the rules found a demand",
  "the candidate is the publishing country"), weight 1.

scikit-learn fits them (`stancewatch train`, the `train` extra); what ships is the fitted numbers
(vocabulary, idf, coefficients) in one `.npz` plus a `.json`, applied here with numpy. A run of the
nightly flow therefore needs neither scikit-learn nor pickle, and the same weights give the same
probabilities on every machine. `tests/extractors/statements/test_linear.py` checks that these
probabilities equal scikit-learn's own on the training data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Example:
    """What a classifier sees of one item: text tokens (n-grams are taken here) and flags."""

    tokens: tuple[str, ...]
    flags: tuple[str, ...]


def ngrams(tokens: Sequence[str]) -> list[str]:
    """Unigrams and bigrams, the text features of an example."""
    return list(tokens) + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


@dataclass
class LinearModel:
    """One-vs-rest logistic regression over text n-grams (tf-idf) and binary flags."""

    labels: list[str]
    text_vocab: dict[str, int]
    idf: np.ndarray  # one per text column
    flag_vocab: dict[str, int]  # columns after the text columns
    coef: np.ndarray  # (labels, text columns + flag columns)
    intercept: np.ndarray  # (labels,)

    def __post_init__(self) -> None:
        # the idf as Python floats: `float(self.idf[col])` per n-gram was a numpy scalar access each
        self._idf = [float(v) for v in self.idf]

    def scores(self, example: Example) -> np.ndarray:
        """The decision value of each label (before the sigmoid)."""
        vocab = self.text_vocab
        counts: dict[str, int] = {}  # in order of first occurrence, as a Counter kept them
        for gram in ngrams(example.tokens):
            if gram in vocab:
                counts[gram] = counts.get(gram, 0) + 1
        cols = [vocab[gram] for gram in counts]
        idf = self._idf
        # sublinear tf: 1 + log(n), exactly 1.0 for the usual n = 1 (so the weight is the idf itself)
        vals = [idf[col] if n == 1 else (1.0 + math.log(n)) * idf[col] for col, n in zip(cols, counts.values())]
        norm = math.sqrt(sum([v * v for v in vals])) or 1.0  # summed left to right, as before
        vals = [v / norm for v in vals]
        offset = len(vocab)
        for flag in sorted(set(example.flags)):  # a fixed order: the sum must not depend on hash seeds
            flag_col = self.flag_vocab.get(flag)
            if flag_col is not None:
                cols.append(offset + flag_col)
                vals.append(1.0)
        if not cols:
            return self.intercept.copy()
        # an index array, not a list (numpy converts a list slowly); the same columns in the same
        # order, so the same matrix-vector product to the last bit (`take` would not be: its result
        # has another memory layout, and the product another summation order)
        return self.coef[:, np.array(cols, dtype=np.intp)] @ np.array(vals) + self.intercept

    def predict(self, examples: Sequence[Example]) -> np.ndarray:
        """Probabilities, one row per example and one column per label."""
        if not examples:
            return np.zeros((0, len(self.labels)))
        z = np.vstack([self.scores(e) for e in examples])
        return 1.0 / (1.0 + np.exp(-z))

    # -- storage --------------------------------------------------------------
    def to_disk(self, path: Path) -> None:
        """`path`.json (labels and vocabularies) and `path`.npz (the numbers)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"labels": self.labels, "text_vocab": self.text_vocab, "flag_vocab": self.flag_vocab}
        path.with_suffix(".json").write_text(json.dumps(meta, sort_keys=True, ensure_ascii=False), encoding="utf-8")
        with open(path.with_suffix(".npz"), "wb") as fh:
            np.savez_compressed(fh, idf=self.idf, coef=self.coef, intercept=self.intercept)

    @classmethod
    def from_disk(cls, path: Path) -> LinearModel:
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        with np.load(path.with_suffix(".npz")) as arrays:
            return cls(
                meta["labels"],
                meta["text_vocab"],
                arrays["idf"],
                meta["flag_vocab"],
                arrays["coef"],
                arrays["intercept"],
            )


def fit(
    examples: Sequence[Example],
    targets: Sequence[set[str]],
    labels: Sequence[str],
    c: float = 1.0,
    min_df: int = 2,
    balanced: bool = True,
    seed: int = 0,
) -> LinearModel:
    """Fit one logistic regression per label (scikit-learn; only `stancewatch train` calls this).

    `targets[i]` is the set of labels example i carries. A label with fewer than two positive
    examples gets a constant, very low score instead of a model.
    """
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    has_text = any(e.tokens for e in examples)
    text = TfidfVectorizer(
        analyzer=ngrams, lowercase=False, sublinear_tf=True, min_df=min_df, norm="l2", dtype=np.float64
    )
    x_text = text.fit_transform([e.tokens for e in examples]) if has_text else csr_matrix((len(examples), 0))
    flag_vocab = {f: i for i, f in enumerate(sorted({f for e in examples for f in e.flags}))}
    rows, cols = [], []
    for i, e in enumerate(examples):
        for f in sorted(set(e.flags)):
            rows.append(i)
            cols.append(flag_vocab[f])
    x_flags = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(examples), len(flag_vocab)))
    x = hstack([x_text, x_flags]).tocsr()
    coef = np.zeros((len(labels), x.shape[1]))
    intercept = np.full(len(labels), -10.0)
    for j, label in enumerate(labels):
        y = np.array([label in t for t in targets])
        if y.sum() < 2 or y.all():
            continue
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None, random_state=seed)
        model.fit(x, y)
        coef[j] = model.coef_[0]
        intercept[j] = model.intercept_[0]
    vocab = {str(k): int(v) for k, v in text.vocabulary_.items()} if has_text else {}
    idf = np.asarray(text.idf_) if has_text else np.zeros(0)
    return LinearModel(list(labels), vocab, idf, flag_vocab, coef, intercept)


def describe(model: LinearModel, top: int = 15) -> dict[str, Any]:
    """The strongest features of each label (for the training report and for reviewers)."""
    names = [""] * (len(model.text_vocab) + len(model.flag_vocab))
    for g, i in model.text_vocab.items():
        names[i] = g
    for f, i in model.flag_vocab.items():
        names[len(model.text_vocab) + i] = f"[{f}]"
    out: dict[str, Any] = {}
    for j, label in enumerate(model.labels):
        order = np.argsort(-model.coef[j])
        out[label] = [names[i] for i in order[:top]]
    return out
