"""The evaluation split: by document, reproducible, the seed always on the tuning side."""

from __future__ import annotations

from stancewatch.extractors.statements import split


def units(n_docs: int, per_doc: int = 3) -> list[dict]:
    return [{"id": f"x-{d}-p{p}", "url": f"https://example.org/doc/{d}"} for d in range(n_docs) for p in range(per_doc)]


def test_a_document_never_straddles_the_split():
    tune, locked = split.split(units(200))
    assert {split.document_of(u) for u in tune}.isdisjoint({split.document_of(u) for u in locked})


def test_about_a_quarter_of_the_documents_are_locked():
    tune, locked = split.split(units(1000, 1))
    assert 0.18 < len(locked) / 1000 < 0.30


def test_the_split_does_not_depend_on_order_or_neighbours():
    everything = units(100)
    _, locked = split.split(everything)
    _, locked_alone = split.split(list(reversed(everything[: len(everything) // 2])))
    half = {u["id"] for u in everything[: len(everything) // 2]}
    assert {u["id"] for u in locked if u["id"] in half} == {u["id"] for u in locked_alone}


def test_the_seed_article_is_never_locked():
    seed = [{"id": f"seed-{i}", "url": ""} for i in range(1, 12)]
    assert all(not split.is_locked(u) for u in seed)


def test_units_without_url_group_by_id_stem():
    assert split.document_of({"id": "mfa-20180517-q5-p2"}) == "mfa-20180517-q5"
    assert split.document_of({"id": "kremlin-60469-p2", "url": "http://en.kremlin.ru/x"}) == "http://en.kremlin.ru/x"


def test_folds_keep_documents_whole_and_use_every_fold():
    data = units(40)
    fold = split.folds(data, 5)
    by_doc: dict[str, set[int]] = {}
    for u, f in zip(data, fold):
        by_doc.setdefault(split.document_of(u), set()).add(f)
    assert all(len(f) == 1 for f in by_doc.values())
    assert set(fold) == {0, 1, 2, 3, 4}
