"""The sub-processor chain: levels, loops refused, flags per hop (Art. 28(2), 28(4), 30(2)(a); EDPB Opinion 22/2024),
and the fallback of a transfer on the Data Privacy Framework."""

from datetime import date

import pytest

from registry.domain.subprocessors import (
    HopFacts,
    chain_flags,
    chain_level,
    chain_order,
    months_before,
    would_cycle,
)
from registry.domain.transfers import TransferFacts, is_covered, transfer_flags

TODAY = date(2026, 11, 23)
# PILOTIM's chain as the demo records it: 4 Google Ireland Limited -> 18 Google LLC; 3 OpenAI on its own.
PARENTS = {3: None, 4: None, 18: 4, 19: 18}
IDENTIFIED = dict(address="1600 Amphitheatre Parkway", contact_name="Privacy team", contact_email="p@example.com")


def codes(flags):
    return [f.code for f in flags]


def test_levels_count_the_hops_above():
    assert [chain_level(PARENTS, n) for n in (3, 4, 18, 19)] == [1, 1, 2, 3]


def test_chain_order_puts_each_hop_under_the_one_above_it():
    names = {3: "openai", 4: "google ireland", 18: "google llc", 19: "a data centre"}
    assert chain_order(PARENTS, names) == [(4, 1), (18, 2), (19, 3), (3, 1)]


@pytest.mark.parametrize("node, parent, loops", [
    (4, 4, True),     # its own sub-processor
    (4, 19, True),    # under one of its own sub-processors
    (18, 3, False),   # moved under another first-level sub-processor
    (None, 19, False),  # a new hop under the third level
    (3, None, False),
])
def test_a_chain_never_loops(node, parent, loops):
    assert would_cycle(PARENTS, node, parent) is loops


def test_a_loop_already_stored_is_caught_rather_than_walked_forever():
    assert would_cycle({1: 2, 2: 1}, 5, 1)


def test_identity_and_contact_are_flagged_at_every_level():
    for level in (1, 2, 3):
        flags = chain_flags(HopFacts(level, "active", clients_informed_on=TODAY, confirmed_on=TODAY), TODAY)
        assert codes(flags)[:3] == ["chain_address_missing", "chain_contact_person_missing", "chain_contact_missing"]
        assert {f.article for f in flags[:3]} == {"Art. 30(2)(a); EDPB Opinion 22/2024"}
        assert dict(flags[0].params) == {"level": str(level)}


def test_a_phone_number_is_contact_enough():
    hop = HopFacts(1, "active", address="Dublin", contact_name="DPO", contact_phone="+353 1 000 0000")
    assert chain_flags(hop, TODAY) == []


def test_first_level_hop_needs_no_confirmation_from_a_processor_above():
    assert chain_flags(HopFacts(1, "active", **IDENTIFIED), TODAY) == []


def test_second_level_hop_unconfirmed_and_unknown_to_the_clients():
    flags = chain_flags(HopFacts(2, "active", **IDENTIFIED), TODAY)
    assert codes(flags) == ["chain_not_confirmed", "chain_change_not_notified"]
    assert flags[1].severity == "risk" and flags[1].article.startswith("Art. 28(2)")


@pytest.mark.parametrize("confirmed, months, stale", [
    (date(2025, 11, 23), 12, False),  # exactly twelve months ago
    (date(2025, 11, 22), 12, True),
    (date(2026, 5, 22), 6, True),
    (date(2026, 5, 23), 6, False),
])
def test_confirmation_older_than_the_setting_is_flagged(confirmed, months, stale):
    hop = HopFacts(2, "active", **IDENTIFIED, confirmed_on=confirmed, clients_informed_on=date(2025, 1, 1))
    assert ("chain_confirmation_stale" in codes(chain_flags(hop, TODAY, months))) is stale


def test_months_before_keeps_the_end_of_a_short_month():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)


def test_clients_told_after_the_hop_began_is_a_warning():
    hop = HopFacts(2, "active", **IDENTIFIED, confirmed_on=TODAY, active_from=date(2026, 1, 1),
                   clients_informed_on=date(2026, 2, 1))
    flags = chain_flags(hop, TODAY)
    assert codes(flags) == ["chain_change_notified_late"] and flags[0].severity == "warning"


def test_retired_hop_raises_nothing():
    assert chain_flags(HopFacts(3, "retired"), TODAY) == []


def test_flag_texts_exist_in_both_languages_with_the_level():
    flag = chain_flags(HopFacts(2, "active"), TODAY)[0]
    assert "2" in flag.message("fr") and "2" in flag.message("en")
    assert flag.cite("fr") == "Art. 30(2)(a); CEPD, avis 22/2024"


def test_dpf_transfer_without_fallback_is_flagged_but_still_covered():
    t = TransferFacts("US", exporter_role="processor", importer_role="processor", mechanism="dpf",
                      dpf_checked_on=date(2026, 10, 1))
    flags = transfer_flags(t, TODAY)
    assert codes(flags) == ["dpf_no_fallback"] and dict(flags[0].params) == {"expected": "3"}
    assert is_covered(t, TODAY)  # the decision is in force: the missing fallback is a warning


def test_dpf_fallback_needs_the_module_of_the_roles_and_its_tia():
    base = dict(exporter_role="processor", importer_role="processor", mechanism="dpf", dpf_checked_on=date(2026, 10, 1))
    assert codes(transfer_flags(TransferFacts("US", **base, fallback_scc_module=2), TODAY)) == [
        "dpf_fallback_module_mismatch", "dpf_fallback_tia_missing"]
    complete = TransferFacts("US", **base, fallback_scc_module=3, fallback_tia_date=date(2026, 9, 1))
    assert transfer_flags(complete, TODAY) == []


def test_chain_numbers_follow_annex_iv_numbering_in_chain_order():
    from registry.domain.subprocessors import chain_numbers

    parents = {1: None, 2: 1, 3: 2, 4: None, 5: 1, 6: 99}  # 6's parent is not in the list: it starts a chain
    numbers = chain_numbers(parents, {1: "a", 2: "b", 3: "c", 4: "d", 5: "e", 6: "f"})
    assert list(numbers.items()) == [(1, (1, "1")), (2, (2, "1.1")), (3, (3, "1.1.1")), (5, (2, "1.2")),
                                     (4, (1, "2")), (6, (1, "3"))]
