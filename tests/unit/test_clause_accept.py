"""Which extracted contract terms are offered for a client's record, beside its current values."""

from registry.domain.contracts.accept import record_proposals


def fields(proposals) -> dict:
    return {p.field: (p.current, p.proposed, p.preselected) for p in proposals}


def test_figures_are_offered_for_their_fields_and_the_ones_that_differ_are_preselected():
    terms = {"objection_period_days": 15, "breach_notice_hours": 48, "audits_per_year": 1, "audit_notice_days": None}
    current = {"objection_period_days": 15, "breach_notice_hours": 24, "audits_per_year": None}
    assert fields(record_proposals(terms, [], current)) == {
        "objection_period_days": (15, 15, False),
        "breach_notice_hours": (24, 48, True),
        "audits_per_year": (None, 1, True),
    }


def test_without_undue_delay_phrase_is_offered_as_the_undue_delay_answer_not_as_hours():
    proposals = record_proposals({"breach_notice_hours": "dans les meilleurs délais"}, [],
                                 {"breach_notice_undue_delay": False, "breach_notice_hours": None})
    assert fields(proposals) == {"breach_notice_undue_delay": (False, True, True)}


def test_a_term_the_contract_states_twice_differently_is_shown_but_not_preselected():
    conflicts = [{"term": "objection_period_days", "values": [{"value": 15}, {"value": 30}]}]
    [p] = record_proposals({"objection_period_days": 15}, conflicts, {"objection_period_days": None})
    assert p.conflict == (15, 30) and p.differs and not p.preselected


def test_silent_contract_and_non_numbers_offer_nothing():
    assert record_proposals({}, [], {}) == []
    assert record_proposals({"objection_period_days": True, "audits_per_year": "1"}, [], {}) == []
