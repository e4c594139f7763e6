"""Relations and cooperation language, joint holders, and the grammar that keeps them precise.
One behaviour per test; the sentences are written for these tests."""

from __future__ import annotations

import dataclasses

from tests.extractors.statements.helpers import keys, unit


def full(statements):
    return {(s.actor, s.stance, s.target, s.topic) for s in statements}


def test_joint_holders_of_a_partnership_take_each_other_as_target(detector):
    text = (
        "Minister Lapid and Secretary Blinken acknowledged the strong partnership between the United States and Israel."
    )
    out = detector.detect(unit(text, day="2021-06-13", country="USA"))
    assert {(s.actor, s.speaker, s.target) for s in out} == {
        ("ISR", "Yair Lapid", "USA"),
        ("USA", "Antony J. Blinken", "ISR"),
    }


def test_presidents_satisfied_with_a_named_bilateral_partnership(detector):
    text = (
        "The two presidents expressed satisfaction with the development of the strategic partnership between "
        "Russia and Kazakhstan."
    )
    out = detector.detect(unit(text, day="2019-12-31", country="RUS"))
    assert full(out) == {("RUS", "support", "KAZ", "cooperation"), ("KAZ", "support", "RUS", "cooperation")}
    assert {s.speaker for s in out} == {"Vladimir Putin", "Kassym-Jomart Tokayev"}


def test_bilateral_compound_is_never_the_subject(detector):
    text = (
        "China attaches high importance to the China-Qatar relations and is willing to deepen cooperation with Qatar."
    )
    out = detector.detect(unit(text, day="2018-12-11", country="CHN", speaker="Lu Kang"))
    assert {s.actor for s in out} == {"CHN"}
    assert ("CHN", "support", "QAT") in keys(out)


def test_relation_assessment_needs_a_named_partner(detector):
    named = detector.detect(
        unit("Our cooperation with Vietnam is mutually beneficial.", day="2018-06-01", country="CHN")
    )
    assert ("CHN", "support", "VNM") in keys(named)
    assert detector.detect(unit("The new arrangement is mutually beneficial.", day="2018-06-01", country="CHN")) == []


def test_relation_assessment_in_an_opening_as_phrase_is_a_description(detector):
    text = "As a friendly neighbour of Laos, China maintains normal exchanges with it."
    assert detector.detect(unit(text, day="2018-06-01", country="CHN")) == []


def test_criticism_needs_a_named_party(detector):
    assert (
        detector.detect(
            unit("The article written by those scholars is irresponsible.", day="2018-06-01", country="CHN")
        )
        == []
    )
    out = detector.detect(unit("The accusation made by the US side is baseless.", day="2018-06-01", country="CHN"))
    assert ("CHN", "oppose", "USA") in keys(out)


def test_a_position_in_what_was_discussed_is_held_by_both_sides(detector):
    """A readout's "discussed concerns regarding ..." or "discussed the importance of ..." voices the
    position of everyone who discussed it, as the labelled readouts read it; a bare "discussed the
    situation" still holds nothing."""
    text = (
        "Secretary Blinken spoke with Latvian Foreign Minister Edgars Rinkevics. The Secretary and Foreign "
        "Minister Rinkevics discussed concerns regarding the crackdown in Belarus."
    )
    out = detector.detect(unit(text, day="2021-06-13", country="USA"))
    assert keys(out) == {("USA", "concern", "BLR"), ("LVA", "concern", "BLR")}
    bare = "The Secretary and the Foreign Minister discussed the situation in Belarus."
    assert detector.detect(unit(bare, day="2021-06-13", country="USA")) == []


def test_a_new_clause_after_discussed_keeps_its_position(detector):
    text = "The two ministers discussed the situation in Libya, stressing the need for a ceasefire."
    out = detector.detect(unit(text, day="2021-06-13", country="USA"))
    assert any(s.stance == "support" and s.topic == "dialogue" for s in out)


def test_passive_discussed_does_not_hide_the_judgement(detector):
    text = "The crisis in Ukraine was discussed in view of the disastrous policy of the Kiev authorities."
    out = detector.detect(unit(text, day="2019-05-01", country="RUS"))
    assert ("RUS", "oppose", "UKR") in keys(out)


def test_support_inside_the_object_of_a_welcome_is_part_of_it(detector):
    text = "The United States welcomes the efforts undertaken by Oman to support peace in Yemen."
    out = detector.detect(unit(text, day="2021-06-15", country="USA"))
    assert {s.actor for s in out} == {"USA"}
    assert ("USA", "support", "OMN") in keys(out)


def test_support_for_a_release_is_a_demand_on_the_detaining_party(detector):
    text = "The Deputy Secretary reiterated U.S. support for the immediate release of all those the PRC has detained."
    out = detector.detect(unit(text, day="2021-07-15", country="USA"))
    assert [(s.actor, s.stance, s.target, s.basis) for s in out] == [("USA", "oppose", "CHN", "demand")]


def test_press_for_is_a_noun_demand_held_by_its_subject(detector):
    text = "Special Envoy Lenderking will continue to press for humanitarian aid into Yemen."
    out = detector.detect(unit(text, day="2021-06-15", country="USA"))
    assert [(s.actor, s.speaker, s.stance, s.topic, s.basis) for s in out] == [
        ("USA", "Tim Lenderking", "support", "humanitarian", "demand")
    ]


def test_demand_verb_after_a_determiner_is_a_noun(detector):
    text = "Journalist: I mean a push for more transparency in infrastructure projects in Africa."
    assert detector.detect(unit(text, day="2018-10-19", country="CHN", speaker="Lu Kang")) == []


def test_developing_acts_need_a_relation_object(detector):
    asked = "We have asked the Thai side to expand the search area and increase the search frequency."
    assert detector.detect(unit(asked, day="2018-07-09", country="CHN", speaker="Hua Chunying")) == []
    hoped = "We hope the Thai side will further deepen relations with China."
    assert ("CHN", "support", "THA") in keys(detector.detect(unit(hoped, day="2018-07-09", country="CHN")))


def test_unit_speaker_from_another_country_speaks_for_it(detector):
    text = "We appreciate Russia's support for the talks on the reunification of the island."
    out = detector.detect(
        unit(text, day="2019-04-26", country="RUS", speaker="Nicos Anastasiades", role="President of Cyprus")
    )
    assert ("CYP", "support", "RUS") in keys(out)
    titled = detector.detect(
        unit(
            "We support the talks between Armenia and Azerbaijan.",
            day="2019-04-26",
            country="RUS",
            speaker="President of Russia Vladimir Putin",
        )
    )
    assert {s.speaker for s in titled} == {"Vladimir Putin"}


def test_both_sides_in_a_ministry_text_are_our_side_and_the_visitor(detector):
    text = (
        "During Prime Minister Mahathir's visit, both sides agreed that bilateral trade cooperation is "
        "mutually beneficial."
    )
    out = detector.detect(unit(text, day="2018-08-22", country="CHN", speaker="Lu Kang"))
    assert {(s.actor, s.target) for s in out} == {("CHN", "MYS"), ("MYS", "CHN")}


def test_a_third_partys_possessed_support_is_described(detector):
    text = "The Secretary congratulated the group on its sustained support to the Mekong subregion."
    assert detector.detect(unit(text, day="2021-08-05", country="USA")) == []


def test_modal_subject_across_an_apposition(detector):
    text = "We believe that all relevant parties, the Israeli side in particular, should exercise restraint."
    out = detector.detect(unit(text, day="2018-05-15", country="CHN", speaker="Lu Kang"))
    assert ("CHN", "support", "ISR") in keys(out)
    assert {s.basis for s in out} == {"demand"}


def test_would_like_to_is_a_courtesy_not_a_condition(detector):
    text = "I would like to reaffirm our readiness to deepen the strategic partnership with Armenia."
    out = detector.detect(unit(text, day="2019-06-01", country="RUS", speaker="Vladimir Putin"))
    assert out and all("hypothetical" not in s.flags for s in out)
    assert ("RUS", "support", "ARM") in keys(out)


def test_call_for_an_end_to_the_fighting_is_about_dialogue(detector):
    out = detector.detect(
        unit("Lenderking called for an end to the fighting in Marib.", day="2021-07-30", country="USA")
    )
    assert [(s.stance, s.topic) for s in out] == [("support", "dialogue")]


def test_readiness_chained_to_reaffirm_shares_its_object(detector):
    text = "Putin reaffirmed readiness to continue the constructive dialogue with Armenia."
    out = detector.detect(unit(text, day="2019-06-01", country="RUS"))
    assert ("RUS", "support", "ARM") in keys(out)


def test_a_body_naming_the_norm_is_not_the_target(detector):
    text = "In blatant violation of the WTO rules, this move by the US side is unacceptable."
    out = detector.detect(unit(text, day="2018-07-06", country="CHN"))
    assert ("CHN", "oppose", "USA") in keys(out)
    assert not any(s.target == "WTO" for s in out)


def test_a_paragraph_continues_the_documents_party_and_topic(detector):
    units = [
        unit(
            "I would refer you to the competent authority on the trade talks between China and the US.",
            day="2019-04-30",
            country="CHN",
            speaker="Geng Shuang",
            uid="doc-1",
        ),
        unit(
            "Substantive progress has been made in the consultations.",
            day="2019-04-30",
            country="CHN",
            speaker="Geng Shuang",
            uid="doc-2",
        ),
    ]
    second = list(detector.detect_many(units))[1]
    assert [(s.actor, s.stance, s.target, s.topic) for s in second] == [("CHN", "support", "USA", "trade")]


def test_genitive_holders_of_a_nominal_cue(detector):
    text = "They confirmed the commitment of Russia, France and Germany to continuing trade cooperation with Iran."
    out = detector.detect(unit(text, day="2019-05-16", country="RUS"))
    assert {(s.actor, s.speaker, s.target) for s in out} == {
        ("RUS", "Vladimir Putin", "IRN"),
        ("FRA", "Emmanuel Macron", "IRN"),
        ("DEU", "Angela Merkel", "IRN"),
    }


def test_a_counterpart_named_again_by_one_name_keeps_their_country(detector):
    """ "Foreign Minister Don" after "Thai Foreign Minister Don Pramudwinai" is the same Thai minister,
    so the coordinated subject holds for both sides, and each side's relationship position is about
    the other, not about the third party the paragraph goes on to discuss."""
    text = (
        "Secretary Blinken spoke today with Thai Foreign Minister Don Pramudwinai. The Secretary and Foreign "
        "Minister Don welcomed the progress in U.S.-Thai relations. They also discussed the situation in Burma."
    )
    out = detector.detect(unit(text, day="2021-06-13", country="USA"))
    assert ("USA", "support", "THA") in keys(out)
    assert ("THA", "support", "USA") in keys(out)


def test_an_evaluation_celebrated_by_both_sides_is_held_by_both(detector):
    text = (
        "Secretary Blinken spoke today with Vietnamese Foreign Minister Bui Thanh Son. Secretary Blinken and "
        "Foreign Minister Son celebrated the strength of the U.S.-Vietnam Comprehensive Partnership."
    )
    out = detector.detect(unit(text, day="2021-06-13", country="USA"))
    assert keys(out) == {("USA", "support", "VNM"), ("VNM", "support", "USA")}


def test_a_partnership_between_our_two_countries_is_with_the_side_the_title_names(detector):
    text = "The Secretary reaffirmed the enduring partnership between our two countries."
    title = "Secretary Blinken's Meeting with Colombian President Duque"
    u = dataclasses.replace(unit(text, day="2021-10-20", country="USA"), title=title)
    assert keys(detector.detect(u)) == {("USA", "support", "COL")}


def test_the_voices_own_possessed_support_is_its_own_whoever_was_named_before(detector):
    """ "... the Haitian people are enduring and reiterated the United States' support for ...": the
    possessor holds the support, not the nearest mention before it."""
    text = (
        "Secretary Blinken expressed concern with the situation the Haitian people are enduring and "
        "reiterated the United States' support for democratic governance in Haiti."
    )
    out = detector.detect(unit(text, day="2021-07-20", country="USA"))
    assert {s.actor for s in out} == {"USA"}
    assert ("USA", "support", "HTI") in keys(out)


def test_support_in_an_adverbial_of_a_commitment_belongs_to_the_committed(detector):
    text = (
        "Secretary Blinken reiterated the United States' continued commitment to work with the Government of "
        "Haiti in support of the Haitian people and democratic governance, peace, and security."
    )
    out = detector.detect(unit(text, day="2021-07-20", country="USA"))
    assert keys(out) == {("USA", "support", "HTI")}
