"""Art. 28(2) rules on sub-processor changes: windows, flags on client contracts, what blocks a change, list diffs."""

from datetime import date

import pytest

from registry.domain import changes as rules

NOTICE = date(2026, 12, 1)
APEX = rules.ClientTerms(1, "Karting Démo des Alpes", "general", True, 15)  # APEX TIMING's contract: 15 days
LONG = rules.ClientTerms(2, "Client 30 j", "general", True, 30)
PILOTIM = rules.ClientTerms(3, "Agence Démo du Beffroi", "general", None, None)  # PILOTIM: nothing recorded
SPECIFIC = rules.ClientTerms(4, "Client spécifique", "specific", None, None)
NONE = rules.ClientTerms(5, "Client muet", "none_stated", None, None)
NO_RIGHT = rules.ClientTerms(6, "Client sans objection", "general", False, 10)


def codes(flags):
    return [f.code for f in flags]


def test_effective_date_is_notice_plus_the_longest_window_among_mixed_periods():
    plan = rules.plan_change("add", NOTICE, [APEX, LONG])
    assert plan.earliest_effective == date(2026, 12, 31)
    assert {c.client_id: c.deadline for c in plan.clients} == {1: date(2026, 12, 16), 2: date(2026, 12, 31)}


def test_a_fifteen_day_window_alone_gives_notice_plus_fifteen_days():
    assert rules.plan_change("replace", NOTICE, [APEX]).earliest_effective == date(2026, 12, 16)


def test_without_a_recorded_period_the_prudent_default_applies_and_is_flagged():
    plan = rules.plan_change("add", NOTICE, [APEX, PILOTIM])
    assert plan.earliest_effective == date(2026, 12, 31)  # 30 days by default outlast APEX's 15
    row = next(c for c in plan.clients if c.client_id == 3)
    assert (row.period_days, row.period_recorded) == (rules.DEFAULT_OBJECTION_DAYS, False)
    assert codes(row.flags) == ["change_no_objection_right", "change_objection_period_default"]
    assert all(f.article == "Art. 28(2)" for f in row.flags)
    assert "30" in row.flags[1].message("en") and "Beffroi" in row.flags[0].message("fr")


def test_the_default_period_can_be_set_per_change():
    assert rules.plan_change("add", NOTICE, [PILOTIM], default_days=45).earliest_effective == date(2027, 1, 15)


def test_a_later_notice_moves_that_clients_window():
    plan = rules.plan_change("add", NOTICE, [APEX, LONG], sent_on={1: date(2026, 12, 20)})
    assert plan.earliest_effective == date(2027, 1, 4)


@pytest.mark.parametrize(("terms", "expected"), [
    (SPECIFIC, ["change_needs_specific_consent"]),
    (NONE, ["change_no_authorisation"]),
    (NO_RIGHT, ["change_no_objection_right"]),
    (APEX, []),
])
def test_contracts_standing_in_the_way_of_a_new_sub_processor_are_flagged_with_art_28_2(terms, expected):
    flags = rules.client_flags("add", terms)
    assert codes(flags) == expected
    assert all(f.article == "Art. 28(2)" for f in flags)


def test_a_removal_needs_no_window_nor_authorisation():
    plan = rules.plan_change("remove", NOTICE, [APEX, SPECIFIC, NONE])
    assert plan.earliest_effective == NOTICE and plan.flags == {}
    assert not rules.needs_consent("remove", SPECIFIC)


def test_a_change_of_locations_runs_the_window_like_an_addition():
    assert rules.plan_change("change_locations", NOTICE, [LONG]).earliest_effective == date(2026, 12, 31)


def test_an_unknown_kind_of_change_is_refused_with_its_field():
    with pytest.raises(ValueError, match="kind"):
        rules.plan_change("merge", NOTICE, [APEX])


def check(**overrides):
    values = dict(kind="add", on=date(2026, 12, 31), earliest_effective=date(2026, 12, 31),
                  notified_clients=frozenset({1, 2}), affected_clients=frozenset({1, 2}))
    return rules.EffectCheck(**{**values, **overrides})


def test_nothing_blocks_once_everyone_was_told_and_the_window_has_run():
    assert rules.effect_blockers(check()) == []


def test_an_open_objection_blocks_the_change_until_the_dpo_decides():
    pending = rules.ObjectionState(2, "pending")
    blockers = rules.effect_blockers(check(objections=(pending,)))
    assert [(b.code, b.client_id, b.article) for b in blockers] == [("objection_open", 2, "Art. 28(2)")]
    decided = rules.ObjectionState(2, "overruled", "Le client a été informé des garanties ; objection écartée.")
    assert rules.effect_blockers(check(objections=(decided,))) == []


def test_an_upheld_objection_needs_a_decision_on_the_change_itself():
    upheld = rules.ObjectionState(2, "upheld", "Objection fondée.")
    assert [b.code for b in rules.effect_blockers(check(objections=(upheld,)))] == ["objection_upheld"]
    assert rules.effect_blockers(check(objections=(upheld,), dpo_decision="Client 2 exclu du service IA.")) == []


def test_a_change_cannot_take_effect_before_the_window_ends_or_without_every_notice():
    blockers = rules.effect_blockers(check(on=date(2026, 12, 30), notified_clients=frozenset({1})))
    assert [(b.code, b.client_id) for b in blockers] == [("notice_not_sent", 2), ("window_open", None)]


def test_a_specific_authorisation_blocks_until_the_clients_consent_is_recorded():
    assert [b.code for b in rules.effect_blockers(check(consent_needed=frozenset({2})))] == ["consent_missing"]
    assert rules.effect_blockers(check(consent_needed=frozenset({2}), consent_given=frozenset({2}))) == []


def test_diff_of_two_lists_names_added_removed_and_changed_fields():
    before = {1: {"legal_name": "A", "country": "FR"}, 2: {"legal_name": "B"}}
    after = {1: {"legal_name": "A", "country": "US"}, 3: {"legal_name": "C"}}
    assert rules.diff_lists(before, after) == {"added": [3], "removed": [2], "changed": {1: {"country": ("FR", "US")}}}
