"""The shipped linear models give scikit-learn's own probabilities, from plain numbers."""

from __future__ import annotations

import numpy as np
import pytest

from stancewatch.extractors.statements.linear import Example, LinearModel, fit, ngrams

sklearn = pytest.importorskip("sklearn", reason="scikit-learn comes with the test extra")

TEXTS = [
    ("SELF firmly opposes the PARTY arms sales", ["M_OPPOSE"], {"oppose"}),
    ("SELF supports the PARTY efforts for dialogue", ["M_SUPPORT"], {"support"}),
    ("WE welcome the fruitful talks with PARTY", ["M_SUPPORT"], {"support"}),
    ("WE strongly condemn the attack by PARTY", ["M_OPPOSE"], {"oppose"}),
    ("the two sides held talks in the capital", [], set()),
    ("SELF is deeply concerned about the situation in PARTY", ["M_CONCERN"], {"concern"}),
    ("the minister arrived on 0 may", [], set()),
    ("WE oppose unilateral sanctions", ["M_OPPOSE"], {"oppose"}),
    ("SELF welcomes the progress of the talks", ["M_SUPPORT"], {"support"}),
    ("WE are concerned by the escalation", ["M_CONCERN"], {"concern"}),
]
EXAMPLES = [Example(tuple(t.split()), tuple(f)) for t, f, _ in TEXTS]
TARGETS = [y for _, _, y in TEXTS]
LABELS = ("support", "oppose", "concern")


def sklearn_probabilities(model: LinearModel) -> np.ndarray:
    """The same numbers through scikit-learn's own objects (what `fit` fitted)."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    text = TfidfVectorizer(analyzer=ngrams, lowercase=False, sublinear_tf=True, vocabulary=model.text_vocab)
    text.fit([e.tokens for e in EXAMPLES])
    text.idf_ = model.idf
    rows, cols = [], []
    for i, e in enumerate(EXAMPLES):
        for f in set(e.flags):
            if f in model.flag_vocab:
                rows.append(i)
                cols.append(model.flag_vocab[f])
    flags = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(EXAMPLES), len(model.flag_vocab)))
    x = hstack([text.transform([e.tokens for e in EXAMPLES]), flags]).tocsr()
    return 1 / (1 + np.exp(-(x @ model.coef.T + model.intercept)))


def test_numpy_inference_equals_sklearn():
    model = fit(EXAMPLES, TARGETS, LABELS, c=1.0, min_df=1)
    assert np.allclose(model.predict(EXAMPLES), sklearn_probabilities(model), atol=1e-9)


def test_fitted_model_separates_its_training_examples():
    model = fit(EXAMPLES, TARGETS, LABELS, c=10.0, min_df=1)
    probs = model.predict(EXAMPLES)
    for row, y in zip(probs, TARGETS):
        for j, label in enumerate(LABELS):
            assert (row[j] > 0.5) == (label in y), (row, y)


def test_round_trip_through_disk(tmp_path):
    model = fit(EXAMPLES, TARGETS, LABELS, min_df=1)
    model.to_disk(tmp_path / "stance")
    again = LinearModel.from_disk(tmp_path / "stance")
    assert np.array_equal(model.predict(EXAMPLES), again.predict(EXAMPLES))
    assert again.labels == list(LABELS)


def test_unknown_words_and_no_features_fall_back_to_the_intercept():
    model = fit(EXAMPLES, TARGETS, LABELS, min_df=1)
    empty = model.predict([Example(("zzz", "qqq"), ("NO_SUCH_FLAG",))])[0]
    assert np.allclose(empty, 1 / (1 + np.exp(-model.intercept)))


def test_a_label_without_examples_is_never_predicted():
    model = fit(EXAMPLES, TARGETS, ("support", "oppose", "concern", "never"), min_df=1)
    assert (model.predict(EXAMPLES)[:, 3] < 1e-3).all()
