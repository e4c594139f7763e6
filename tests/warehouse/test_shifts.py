"""The shift rules on plain records: reversals, escalation, corroboration, blips, the window."""

from datetime import date, timedelta

from stancewatch.warehouse.shifts import Record, Rules, find_shifts

START = date(2024, 1, 1)


def timeline(
    *stances: str,
    sources: dict[int, tuple[str, ...]] | None = None,
    gap: int = 7,
    key: tuple[str, str, str] = ("CHN", "USA", "trade"),
) -> list[Record]:
    """Records on one key, `gap` days apart; `sources` overrides the sources of record i."""
    sources = sources or {}
    return [
        Record(*key, START + timedelta(days=i * gap), stance, (f"st{i}",), sources.get(i, ("MFA",)))
        for i, stance in enumerate(stances)
    ]


def summary(shifts) -> list[tuple[str, str, str, str]]:
    return [(s.previous.stance, s.new.stance, s.kind, s.severity) for s in shifts]


def test_a_first_stance_is_not_a_shift_and_steady_stances_raise_nothing():
    assert find_shifts(timeline("oppose"), Rules()) == []
    assert find_shifts(timeline("oppose", "oppose", "oppose"), Rules()) == []


def test_reversals_both_ways_are_high():
    shifts = find_shifts(timeline("oppose", "support", "support", "oppose"), Rules())
    assert summary(shifts) == [("oppose", "support", "reversal", "high"), ("support", "oppose", "reversal", "high")]
    assert shifts[0].new.day == START + timedelta(days=7) and shifts[0].previous.day == START
    assert shifts[1].previous.day == START + timedelta(days=14)  # the last day of the previous stance


def test_escalation_is_medium_and_needs_no_corroboration():
    shifts = find_shifts(timeline("concern", "oppose"), Rules())
    assert summary(shifts) == [("concern", "oppose", "escalation", "medium")]


def test_a_softening_waits_for_a_second_day_or_source():
    assert find_shifts(timeline("oppose", "concern"), Rules()) == []  # one day, one source
    two_days = find_shifts(timeline("oppose", "concern", "concern"), Rules())
    assert summary(two_days) == [("oppose", "concern", "softening", "low")]
    assert two_days[0].corroboration == "2 days" and two_days[0].new.day == START + timedelta(days=7)
    two_sources = find_shifts(timeline("oppose", "concern", sources={1: ("MFA", "Xinhua")}), Rules())
    assert two_sources[0].corroboration == "2 sources"


def test_an_uncorroborated_blip_does_not_become_the_baseline():
    # oppose, a one-off concern, oppose again: no softening, and no "escalation" back either
    assert find_shifts(timeline("oppose", "concern", "oppose"), Rules()) == []


def test_corroboration_rules_come_from_the_configuration():
    strict = Rules(corroborate=("low", "medium", "high"), min_days=3, min_sources=9)
    assert find_shifts(timeline("oppose", "support", "support"), strict) == []
    assert len(find_shifts(timeline("oppose", "support", "support", "support"), strict)) == 1
    lenient = Rules(corroborate=())
    assert summary(find_shifts(timeline("oppose", "concern"), lenient)) == [("oppose", "concern", "softening", "low")]


def test_a_stance_older_than_the_window_is_not_compared():
    assert find_shifts(timeline("oppose", "support", gap=400), Rules(window_days=365)) == []
    assert len(find_shifts(timeline("oppose", "support", gap=400), Rules(window_days=500))) == 1


def test_keys_are_independent_and_ids_are_stable():
    records = timeline("oppose", "support") + timeline("support", "support", key=("CHN", "USA", "taiwan"))
    records.sort(key=lambda r: (r.key, r.day))
    shifts = find_shifts(records, Rules())
    assert [s.new.key for s in shifts] == [("CHN", "USA", "trade")]
    assert shifts[0].shift_id == find_shifts(timeline("oppose", "support"), Rules())[0].shift_id
    assert "CHN's stance towards USA on trade moved from oppose" in shifts[0].reason
