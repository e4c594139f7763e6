"""The stance grammar, one behaviour per test: holders, negation, demands, titles, metonyms, joint positions."""

from __future__ import annotations

from tests.extractors.statements.helpers import keys, unit


def test_attitude_cue_belongs_to_its_subject(detector):
    text = "The United States strongly condemns the arrest of the journalist in Belarus."
    out = detector.detect(unit(text, country="USA"))
    assert ("USA", "oppose", "BLR") in keys(out)


def test_negated_support_is_oppose(detector):
    out = detector.detect(unit("China does not support the unilateral sanctions imposed on Iran.", country="CHN"))
    assert {s.stance for s in out} == {"oppose"}
    assert out[0].topic == "sanctions"


def test_will_never_accept_is_oppose(detector):
    text = "Russia will never accept the deployment of NATO missiles near its borders."
    out = detector.detect(unit(text, country="RUS"))
    assert ("RUS", "oppose", "NATO") in keys(out)


def test_corrective_demand_on_one_party_is_oppose(detector):
    out = detector.detect(unit("China urges the US to stop arms sales to Taiwan.", country="CHN"))
    assert [(s.actor, s.stance, s.target, s.topic) for s in out] == [("CHN", "oppose", "USA", "arms_transfers")]


def test_cooperative_demand_on_all_parties_is_support(detector):
    text = "China calls on relevant parties to exercise restraint and resume dialogue."
    out = detector.detect(unit(text, country="CHN"))
    assert [(s.actor, s.stance, s.topic) for s in out] == [("CHN", "support", "dialogue")]


def test_cooperative_demand_on_two_parties_is_support_with_target(detector):
    out = detector.detect(
        unit(
            "We hope Russia and the US will properly resolve their differences through talks.",
            country="CHN",
            speaker="Hua Chunying",
        )
    )
    assert ("CHN", "support", "RUS") in keys(out)


def test_modal_demand_on_named_party_is_oppose(detector):
    out = detector.detect(unit("The US should strictly adhere to the one-China principle.", country="CHN"))
    assert [(s.actor, s.stance, s.target, s.topic) for s in out] == [("CHN", "oppose", "USA", "taiwan")]


def test_passive_demand_takes_stance_from_participle(detector):
    text = "The sovereignty and territorial integrity of Syria should be upheld and respected."
    out = detector.detect(unit(text, country="CHN"))
    assert ("CHN", "support", "SYR") in keys(out)


def test_imperative_advice_list_is_oppose_towards_the_party_discussed(detector):
    text = "Here I have some advice for the US side. First, stop stirring up troubles in the South China Sea."
    out = detector.detect(unit(text, country="CHN", speaker="Hua Chunying"))
    assert ("CHN", "oppose", "USA") in keys(out)


def test_spokesperson_we_is_the_ministry_country(detector):
    out = detector.detect(
        unit(
            "We firmly oppose any official exchange between Taiwan and any country.",
            day="2018-08-02",
            country="CHN",
            speaker="Geng Shuang",
            role="Foreign Ministry Spokesperson",
        )
    )
    assert [(s.actor, s.speaker, s.stance, s.topic) for s in out] == [("CHN", "Geng Shuang", "oppose", "taiwan")]


def test_capital_metonym_resolves_to_country(detector):
    out = detector.detect(unit("Moscow condemned the new sanctions announced by Washington.", country=""))
    assert ("RUS", "oppose", "USA") in keys(out)


def test_named_institution_resolves_to_country(detector):
    out = detector.detect(unit("The Kremlin welcomed the agreement between Armenia and Azerbaijan.", country=""))
    assert ("RUS", "support", "ARM") in keys(out)


def test_title_resolves_by_date(detector):
    text = "The Secretary of State said the United States condemns the attack on the embassy in Iraq."
    early = detector.detect(unit(text, day="2018-06-01", country="USA"))
    late = detector.detect(unit(text, day="2021-06-01", country="USA"))
    assert {s.speaker for s in early} == {"Mike Pompeo"}
    assert {s.speaker for s in late} == {"Antony J. Blinken"}


def test_foreign_minister_title_by_date_for_china(detector):
    text = "The Foreign Minister stressed that China opposes interference in its internal affairs."
    assert {s.speaker for s in detector.detect(unit(text, day="2023-03-20", country="CHN"))} == {"Qin Gang"}
    assert {s.speaker for s in detector.detect(unit(text, day="2023-09-20", country="CHN"))} == {"Wang Yi"}


def test_reported_position_belongs_to_its_holder(detector):
    text = "Russia has clearly expressed its firm opposition to the US withdrawal from the INF Treaty."
    out = detector.detect(unit(text, day="2018-10-29", country="CHN", speaker="Lu Kang"))
    assert [(s.actor, s.speaker, s.stance, s.target) for s in out] == [("RUS", "", "oppose", "USA")]


def test_joint_subject_gives_one_statement_per_actor(detector):
    text = "Mr Putin and Mr Erdogan spoke in favour of achieving a ceasefire in Libya."
    out = detector.detect(unit(text, day="2019-04-30", country="RUS"))
    assert {(s.actor, s.speaker, s.stance) for s in out} == {
        ("RUS", "Vladimir Putin", "support"),
        ("TUR", "Recep Tayyip Erdogan", "support"),
    }


def test_evaluative_cue_is_held_by_the_voice_and_targets_its_subject(detector):
    out = detector.detect(
        unit(
            "I would like to stress that the US action is the quintessential trade bullying.",
            day="2018-07-11",
            country="CHN",
            speaker="Hua Chunying",
        )
    )
    assert [(s.actor, s.speaker, s.stance, s.target, s.topic) for s in out] == [
        ("CHN", "Hua Chunying", "oppose", "USA", "trade")
    ]


def test_concern_about_situation(detector):
    out = detector.detect(unit("China is highly concerned about the situation in Ukraine.", country="CHN"))
    assert keys(out) == {("CHN", "concern", "UKR")}


def test_hypothetical_flag(detector):
    out = detector.detect(
        unit(
            "If the US imposes new tariffs, China will have to take necessary countermeasures.",
            day="2019-08-02",
            country="CHN",
        )
    )
    assert out and all("hypothetical" in s.flags for s in out)


def test_statement_records_sentence_offsets_and_version(detector):
    text = "The talks ended. China supports the resumption of talks between the DPRK and the US."
    out = detector.detect(unit(text, country="CHN"))
    assert out and text[out[0].sentence_start : out[0].sentence_end] == out[0].sentence
    assert out[0].detector_version == detector.version


def test_passive_cue_with_people_as_agent_is_no_statement(detector):
    text = 'Any attempt to create "two Chinas" will be opposed by all Chinese people.'
    assert detector.detect(unit(text, country="CHN", speaker="Geng Shuang")) == []


def test_passive_cue_with_party_agent_belongs_to_the_agent(detector):
    out = detector.detect(
        unit("The UN resolution on Syria was welcomed by Russia and condemned by the United States.", country="")
    )
    assert {(s.actor, s.stance) for s in out} == {("RUS", "support"), ("USA", "oppose")}


def test_object_of_a_cue_is_not_the_next_subject(detector):
    text = "China supports the Myanmar government and hopes that all parties will advance talks."
    out = detector.detect(unit(text, country="CHN", speaker="Lu Kang"))
    assert {s.actor for s in out} == {"CHN"}


def test_demand_inside_a_demand_is_part_of_it(detector):
    text = "We hope the US government will urge relevant businesses to abide by the one-China principle."
    out = detector.detect(unit(text, day="2018-07-24", country="CHN", speaker="Geng Shuang"))
    assert [(s.actor, s.stance, s.target) for s in out] == [("CHN", "oppose", "USA")]


def test_appeal_to_take_a_stance_points_at_the_measure(detector):
    text = "The BRICS countries called on all WTO members to stand against unilateralist and protectionist measures."
    out = detector.detect(unit(text, day="2018-12-03", country="CHN", speaker="Geng Shuang"))
    assert [(s.actor, s.stance, s.target, s.topic) for s in out] == [("BRICS", "oppose", "", "trade")]


def test_country_adjective_before_a_compound_title(detector):
    text = (
        "Assistant Secretary Hood met with Tunisian State Secretary Mohamed Ali Nafti and underscored the "
        "United States government's commitment to partnering with Tunisia."
    )
    out = detector.detect(unit(text, day="2021-05-21", country="USA"))
    assert ("USA", "support", "TUN") in keys(out)


def test_both_sides_of_a_bilateral_compound_hold_a_joint_position(detector):
    text = "The parties expressed mutual commitment to continuing Russian-French contacts on Syria."
    out = detector.detect(unit(text, day="2019-02-16", country="RUS"))
    assert {(s.actor, s.stance) for s in out} == {("RUS", "support"), ("FRA", "support")}


def test_the_two_leaders_are_the_countries_leaders_on_the_day(detector):
    text = "The two leaders noted the importance of implementing the Russian-German agreements on trade."
    out = detector.detect(unit(text, day="2019-12-29", country="RUS"))
    assert {(s.actor, s.speaker) for s in out} == {("RUS", "Vladimir Putin"), ("DEU", "Angela Merkel")}


def test_soft_appeal_to_two_parties_is_support(detector):
    text = "We hope that the US and the DPRK can implement the outcomes of the summit through dialogue."
    out = detector.detect(unit(text, day="2018-11-14", country="CHN", speaker="Hua Chunying"))
    assert {s.stance for s in out} == {"support"}


def test_bare_title_finds_the_person_named_with_that_office(detector):
    text = (
        "Secretary of State Antony J. Blinken spoke today with NATO Secretary General Jens Stoltenberg. "
        "The Secretary and the Secretary General stressed that modernizing NATO is essential to "
        "Transatlantic security."
    )
    out = detector.detect(unit(text, day="2021-05-27", country="USA", speaker="Ned Price"))
    assert {(s.actor, s.speaker) for s in out} == {("USA", "Antony J. Blinken"), ("NATO", "Jens Stoltenberg")}


def test_hope_as_a_noun_is_no_appeal(detector):
    text = "There is a lot of hard work ahead for Israel to restore hope, respect, and some trust across communities."
    assert detector.detect(unit(text, day="2021-05-25", country="USA")) == []


def test_comma_closing_an_opening_phrase_is_no_coordination(detector):
    text = (
        "As permanent members of the UN Security Council, China and Russia will resolutely protect the "
        "international system based on international law."
    )
    out = detector.detect(unit(text, day="2019-06-05", country="RUS", speaker="Xi Jinping"))
    assert {s.actor for s in out} == {"CHN", "RUS"}


def test_call_for_an_end_to_fighting_is_support_for_de_escalation(detector):
    text = "During this trip, Lenderking called for an end to the stalemated fighting in Marib and across Yemen."
    out = detector.detect(unit(text, day="2021-07-30", country="USA"))
    assert [(s.actor, s.speaker, s.stance) for s in out] == [("USA", "Tim Lenderking", "support")]


def test_briefing_turn_in_capitals_names_the_spokesperson(detector):
    out = detector.detect(
        unit("MR PRICE: We strongly condemn the attack on the embassy in Baghdad.", day="2021-06-01", country="USA")
    )
    assert [(s.actor, s.speaker, s.stance) for s in out] == [("USA", "Ned Price", "oppose")]


def test_turn_of_an_unknown_speaker_speaks_for_nobody(detector):
    text = "Regional governor Ivan Petrov: We strongly oppose the new sanctions and support the bridge."
    assert detector.detect(unit(text, day="2019-06-01", country="RUS")) == []


def test_anothers_internal_affairs_is_support_for_its_sovereignty(detector):
    out = detector.detect(
        unit(
            "The National Assembly election is Cambodia's domestic affairs.",
            day="2018-07-30",
            country="CHN",
            speaker="Geng Shuang",
        )
    )
    assert [(s.actor, s.stance, s.target) for s in out] == [("CHN", "support", "KHM")]
    own = detector.detect(
        unit(
            "Xinjiang affairs are purely China's internal affairs.",
            day="2018-07-30",
            country="CHN",
            speaker="Geng Shuang",
        )
    )
    assert own == []


def test_a_third_partys_support_is_a_fact_not_a_stance(detector):
    text = "Iran's behaviour, alongside its support to proxy forces, threatens international peace and security."
    out = detector.detect(unit(text, day="2021-08-06", country="USA"))
    assert all(s.stance != "support" for s in out)


def test_expressed_their_support_is_a_stance(detector):
    text = (
        "Secretary Blinken spoke with UAE Foreign Minister Sheikh Abdullah bin Zayed. The Secretary and Foreign "
        "Minister expressed their support for the ceasefire between Israel and Hamas."
    )
    out = detector.detect(unit(text, day="2021-05-24", country="USA", speaker="Ned Price"))
    assert {(s.actor, s.stance) for s in out} >= {("USA", "support"), ("ARE", "support")}


def test_sea_named_after_a_people_is_no_party(detector):
    text = "China and Sri Lanka will stay committed to making Sri Lanka the logistics hub of the Indian Ocean."
    out = detector.detect(unit(text, day="2018-07-03", country="CHN", speaker="Lu Kang"))
    assert "IND" not in {s.target for s in out} | {s.actor for s in out}


def test_countries_before_a_plural_title_are_their_office_holders(detector):
    text = "The Russian and French presidents reaffirmed their support for the UN mediation efforts in Libya."
    out = detector.detect(unit(text, day="2019-12-17", country="RUS"))
    assert {(s.actor, s.speaker) for s in out} == {("RUS", "Vladimir Putin"), ("FRA", "Emmanuel Macron")}


def test_the_need_to_act_is_an_appeal_not_a_demand_on_the_speakers(detector):
    text = (
        "Vladimir Putin and Emmanuel Macron stressed the need to consistently implement the Minsk Package "
        "of Measures in Ukraine."
    )
    out = detector.detect(unit(text, day="2019-12-17", country="RUS"))
    assert {(s.actor, s.stance) for s in out} == {("RUS", "support"), ("FRA", "support")}


def test_coordinated_cues_share_their_object(detector):
    text = "The Chinese side is strongly dissatisfied with and firmly opposed to the remarks by Canada."
    out = detector.detect(unit(text, day="2018-12-24", country="CHN", speaker="Hua Chunying"))
    assert {(s.stance, s.target) for s in out} == {("oppose", "CAN")}


def test_object_of_informed_is_not_the_next_subject(detector):
    text = (
        "Nikol Pashinyan informed Vladimir Putin about his meeting with Ilham Aliyev and thanked the Russian "
        "side for its mediation in the Nagorno-Karabakh talks."
    )
    out = detector.detect(unit(text, day="2019-04-01", country="RUS"))
    assert ("ARM", "support") in {(s.actor, s.stance) for s in out}
    assert "RUS" not in {s.actor for s in out if s.cue == "thanked"}


def test_the_parties_of_a_readout_are_the_two_countries_named_together(detector):
    text = "The parties reaffirmed their readiness to continue coordination between Russia and Saudi Arabia on trade."
    out = detector.detect(unit(text, day="2019-02-19", country="RUS"))
    assert {s.actor for s in out} == {"RUS", "SAU"}


def test_opposing_a_measure_keys_on_the_topic_not_on_the_documents_party(detector):
    """Statements.md: "objects to unilateral sanctions" is oppose / sanctions with no target. The party
    an earlier paragraph named must not re-key it, or the timeline of CHN on sanctions splits."""
    paragraphs = [
        "China supports NATO and the EU to restart a security dialogue with Russia, Wang Yi said.",
        "China does not agree to solve problems through sanctions, and objects unilateral sanctions, he said.",
        "Sanctions will not only cause a lose-lose scenario, but also hinder the political settlement, Wang explained.",
    ]
    units = [unit(p, day="2022-02-26", uid=f"doc-{i}") for i, p in enumerate(paragraphs)]
    found = list(detector.detect_many(units))
    assert [(s.actor, s.stance, s.target, s.topic) for s in found[1]] == [("CHN", "oppose", "", "sanctions")]
    assert [(s.actor, s.stance, s.target, s.topic) for s in found[2]] == [("CHN", "oppose", "", "sanctions")]


def test_concern_keeps_the_place_the_document_is_about(detector):
    paragraphs = [
        "The United States is following events in Tunisia closely.",
        "We are particularly troubled by reports that media offices have been closed.",
    ]
    units = [unit(p, country="USA", uid=f"doc-{i}") for i, p in enumerate(paragraphs)]
    found = list(detector.detect_many(units))
    assert [(s.actor, s.stance, s.target) for s in found[1]] == [("USA", "concern", "TUN")]
