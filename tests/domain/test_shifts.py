"""The shift rules as pure functions, without a database: a day's prevailing stance, reversals,
escalation, corroboration, blips, the window, steady positions that one misread statement must
not flip, and the tone of a pair's relations."""

from datetime import date, timedelta

import pytest

from stancewatch.domain.config import ConfigError, ShiftSettings, load_config
from stancewatch.domain.shifts import (
    DEFAULT_SEVERITY,
    KINDS,
    SEVERITY_RANK,
    Record,
    find_relation_shifts,
    document_stance,
    find_shifts,
    net_stance,
    prevailing_stance,
    record_from_row,
    tone,
)

START = date(2024, 1, 1)
RULES = ShiftSettings()


def rules(**corroboration) -> ShiftSettings:
    return ShiftSettings.model_validate({"corroboration": corroboration})


def timeline(
    *stances: str,
    sources: dict[int, tuple[str, ...]] | None = None,
    decisive: dict[int, float] | None = None,
    contested: dict[int, tuple[str, ...]] | None = None,
    gap: int = 7,
    key: tuple[str, str, str] = ("CHN", "USA", "trade"),
) -> list[Record]:
    """Records on one key, `gap` days apart; the dicts override record i's sources, decisive
    weight (default: one decisive statement) and the other stances it also voiced."""
    sources, decisive, contested = sources or {}, decisive or {}, contested or {}
    return [
        Record(
            *key,
            START + timedelta(days=i * gap),
            stance,
            (f"st{i}",),
            sources.get(i, ("MFA",)),
            decisive=decisive.get(i, 1.0),
            contested_by=contested.get(i, ()),
        )
        for i, stance in enumerate(stances)
    ]


def summary(shifts) -> list[tuple[str, str, str, str]]:
    return [(s.previous.stance, s.new.stance, s.kind, s.severity) for s in shifts]


def st(stance: str, basis: str = "assessment", confidence: float = 1.0, *flags: str) -> dict:
    return {"stance": stance, "basis": basis, "confidence": confidence, "flags": list(flags)}


# ----------------------------------------------------------------------------- the vocabulary, once
def test_every_kind_has_a_default_severity_and_the_configuration_uses_them():
    assert set(DEFAULT_SEVERITY) == set(KINDS.values())
    assert ShiftSettings().severity == DEFAULT_SEVERITY == load_config(None).shifts.severity
    assert SEVERITY_RANK["low"] < SEVERITY_RANK["medium"] < SEVERITY_RANK["high"]


def test_a_misspelt_kind_in_the_configuration_is_an_error(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("shifts: {severity: {reversl: low}}\n")
    with pytest.raises(ConfigError, match="unknown kind"):
        load_config(path)
    path.write_text("shifts: {severity: {reversal: low}}\n")
    assert load_config(path).shifts.severity == {**DEFAULT_SEVERITY, "reversal": "low"}


# ----------------------------------------------------------------------------- a day's stance
def test_an_assessment_outweighs_the_demands_that_accompany_it():
    assert prevailing_stance([st("support"), st("oppose", "demand"), st("oppose", "demand")]) == "support"
    assert prevailing_stance([st("oppose", "demand"), st("oppose", "demand"), st("support", "demand")]) == "oppose"


def test_hypothetical_statements_neither_set_nor_change_a_stance():
    assert prevailing_stance([st("oppose", "assessment", 1.0, "hypothetical")]) is None
    assert prevailing_stance([st("support"), st("oppose", "assessment", 1.0, "hypothetical")]) == "support"


def test_a_doubtful_reading_weighs_less_and_a_tie_goes_to_the_critical_stance():
    assert prevailing_stance([st("support", confidence=0.9), st("oppose", confidence=0.55)]) == "support"
    assert prevailing_stance([st("support"), st("concern")]) == "concern"
    assert prevailing_stance([st("support"), st("concern"), st("oppose")]) == "oppose"


def test_a_documents_stance_on_a_key_counts_every_topic_of_its_statements():
    key = {"actor": "USA", "target": "TUN"}
    stmts = [
        {**key, "topic": "human_rights", "stance": "oppose", "basis": "demand", "flags": []},
        {**key, "topic": "human_rights", "stance": "concern", "basis": "assessment", "flags": []},
        {**key, "topic": "human_rights", "stance": "support", "flags": ["hypothetical"]},
        {**key, "topic": "dialogue", "topics": ["dialogue", "human_rights"], "stance": "concern", "flags": []},
    ]
    assert document_stance(stmts, "USA", "TUN", "human_rights") == "concern"
    assert document_stance(stmts, "USA", "TUN", "dialogue") == "concern"
    assert document_stance(stmts, "USA", "NIC", "human_rights") is None


# ----------------------------------------------------------------------------- the state machine
def test_a_first_stance_is_not_a_shift_and_steady_stances_raise_nothing():
    assert find_shifts(timeline("oppose"), RULES) == []
    assert find_shifts(timeline("oppose", "oppose", "oppose"), RULES) == []


def test_reversals_both_ways_are_high():
    shifts = find_shifts(timeline("oppose", "support", "support", "oppose"), RULES)
    assert summary(shifts) == [("oppose", "support", "reversal", "high"), ("support", "oppose", "reversal", "high")]
    assert shifts[0].new.day == START + timedelta(days=7) and shifts[0].previous.day == START
    assert shifts[1].previous.day == START + timedelta(days=14)  # the last day of the previous stance
    assert shifts[0].corroboration is None  # it did not have to wait


def test_escalation_is_medium_and_needs_no_corroboration():
    shifts = find_shifts(timeline("concern", "oppose"), RULES)
    assert summary(shifts) == [("concern", "oppose", "escalation", "medium")]


def test_a_softening_waits_for_a_second_day_or_source():
    assert find_shifts(timeline("oppose", "concern"), RULES) == []  # one day, one source
    two_days = find_shifts(timeline("oppose", "concern", "concern"), RULES)
    assert summary(two_days) == [("oppose", "concern", "softening", "low")]
    assert two_days[0].corroboration == "2 days" and two_days[0].new.day == START + timedelta(days=7)
    two_sources = find_shifts(timeline("oppose", "concern", sources={1: ("MFA", "Xinhua")}), RULES)
    assert two_sources[0].corroboration == "2 sources"


def test_an_uncorroborated_blip_does_not_become_the_baseline():
    # oppose, a one-off concern, oppose again: no softening, and no "escalation" back either
    assert find_shifts(timeline("oppose", "concern", "oppose"), RULES) == []


def test_corroboration_rules_come_from_the_configuration():
    strict = rules(applies_to=["low", "medium", "high"], min_days=3, min_sources=9)
    assert find_shifts(timeline("oppose", "support", "support"), strict) == []
    assert len(find_shifts(timeline("oppose", "support", "support", "support"), strict)) == 1
    lenient = rules(applies_to=[])
    assert summary(find_shifts(timeline("oppose", "concern"), lenient)) == [("oppose", "concern", "softening", "low")]


def test_a_stance_older_than_the_window_is_not_compared():
    assert find_shifts(timeline("oppose", "support", gap=400), ShiftSettings(window_days=365)) == []
    assert len(find_shifts(timeline("oppose", "support", gap=400), ShiftSettings(window_days=500))) == 1


def test_keys_are_independent_and_ids_are_stable():
    records = timeline("oppose", "support") + timeline("support", "support", key=("CHN", "USA", "taiwan"))
    records.sort(key=lambda r: (r.key, r.day))
    shifts = find_shifts(records, RULES)
    assert [s.new.key for s in shifts] == [("CHN", "USA", "trade")]
    assert shifts[0].shift_id == find_shifts(timeline("oppose", "support"), RULES)[0].shift_id
    assert "CHN's stance towards USA on trade moved from oppose" in shifts[0].reason


# ----------------------------------------------------------------------------- steady positions
STEADY = ("support", "support", "support")


def test_one_contrary_statement_does_not_flip_a_steady_position():
    # a steady support, then one day with a single oppose reading (a victim taken for the target), then support
    assert find_shifts(timeline(*STEADY, "oppose", "support"), RULES) == []
    # ... and the misread day does not become the baseline: a later real move is measured from support
    later = find_shifts(timeline(*STEADY, "oppose", "support", "oppose", "oppose"), RULES)
    assert summary(later) == [("support", "oppose", "reversal", "high")] and later[0].corroboration == "2 days"


def test_a_steady_position_moves_at_once_on_decisive_evidence():
    shifts = find_shifts(timeline(*STEADY, "oppose", decisive={3: 2.0}), RULES)
    assert summary(shifts) == [("support", "oppose", "reversal", "high")] and shifts[0].corroboration is None


def test_a_day_that_also_voices_the_steady_stance_waits_for_corroboration():
    contested = timeline(*STEADY, "oppose", decisive={3: 3.0}, contested={3: ("support",)})
    assert find_shifts(contested, RULES) == []
    confirmed = find_shifts(
        timeline(*STEADY, "oppose", "oppose", decisive={3: 3.0}, contested={3: ("support",)}), RULES
    )
    assert [(s.new.day, s.corroboration) for s in confirmed] == [(START + timedelta(days=21), "2 days")]


def test_a_second_source_the_same_day_corroborates_a_single_statement():
    shifts = find_shifts(timeline(*STEADY, "oppose", sources={3: ("MFA", "Xinhua")}), RULES)
    assert [s.corroboration for s in shifts] == ["2 sources"]


def test_a_young_stance_still_moves_on_one_clear_statement():
    # "If China later says it backs sanctions, the analyst gets an email that night"
    assert summary(find_shifts(timeline("oppose", "oppose", "support"), RULES)) == [
        ("oppose", "support", "reversal", "high")
    ]


def test_a_change_carried_by_a_demand_alone_waits_for_corroboration():
    # "we urge all parties to respect Ukraine's sovereignty" read as a position on the attacker: a demand only
    demand_only = timeline("oppose", "support")
    demand_only[1] = Record(*demand_only[1].key, demand_only[1].day, "support", ("d",), ("MFA",), assessed=False)
    assert find_shifts(demand_only, RULES) == []
    confirmed = list(demand_only)
    confirmed.append(Record(*demand_only[1].key, demand_only[1].day + timedelta(days=3), "support", ("e",), ("MFA",)))
    assert [s.corroboration for s in find_shifts(confirmed, RULES)] == ["2 days"]


def test_how_steady_is_steady_comes_from_the_configuration():
    assert find_shifts(timeline("oppose", "support"), rules(steady_records=1)) == []
    assert len(find_shifts(timeline(*STEADY, "oppose"), rules(min_weight=1.0))) == 1


def test_decisive_evidence_leaves_out_doubtful_historical_and_future_readings():
    def row(*evidence):
        return {
            "actor": "CHN",
            "target": "USA",
            "topic": "trade",
            "day": START,
            "stance": "oppose",
            "statement_ids": ["a"],
            "sources": ["MFA"],
            "evidence": [{**e, "statement_id": str(i)} for i, e in enumerate(evidence)],
        }

    rec = record_from_row(row(st("oppose"), st("oppose", "demand", 0.9), st("support")), min_confidence=0.6)
    assert (rec.decisive, rec.contested_by) == (1.9, ("support",))
    doubtful = row(st("oppose", confidence=0.5), st("oppose", "assessment", 1.0, "historical"))
    assert record_from_row(doubtful, min_confidence=0.6).decisive == 0
    rec = record_from_row(row(st("oppose", "assessment", 1.0, "future"), st("support", confidence=0.3)), 0.6)
    assert (rec.decisive, rec.contested_by) == (0, ())
    # the routine appeal that accompanies a protest ("meet us halfway") does not contest it
    rec = record_from_row(row(st("oppose"), st("oppose"), st("support", "demand")), 0.6)
    assert (rec.decisive, rec.contested_by, rec.assessed) == (2, (), True)
    assert not record_from_row(row(st("oppose", "demand"), st("oppose", "demand")), 0.6).assessed


# ----------------------------------------------------------------------------- relations
def test_the_net_stance_counts_concern_in_between_and_leaves_hypotheticals_out():
    assert net_stance([st("support"), st("support"), st("oppose")]) == pytest.approx(1 / 3)
    assert net_stance([st("concern"), st("oppose")]) == -0.5
    assert net_stance([st("support", "assessment", 1.0, "hypothetical")]) is None
    assert [tone(x) for x in (1.0, 0.34, 0.0, -0.2, -0.5)] == ["warm", "warm", "mixed", "mixed", "cold"]


def test_relations_warm_and_cool_across_tones():
    pair = timeline("cold", "cold", "mixed", "mixed", "warm", key=("CHN", "AUS", "*"))
    shifts = find_relation_shifts(pair, RULES)
    assert [(s.previous.stance, s.new.stance, s.kind, s.severity) for s in shifts] == [
        ("cold", "mixed", "relations warming", "medium"),
        ("mixed", "warm", "relations warming", "medium"),
    ]
    assert "CHN's tone towards AUS across all topics moved from cold" in shifts[0].reason
    cooling = find_relation_shifts(timeline("warm", "cold", key=("CHN", "CAN", "*")), RULES)
    assert [(s.kind, s.severity) for s in cooling] == [("relations cooling", "high")]
    assert "topic" not in cooling[0].row("n") and cooling[0].row("n")["previous_stance"] == "warm"
