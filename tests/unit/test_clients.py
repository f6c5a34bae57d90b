"""Art. 28 completeness of client contracts, from the terms recorded (cases from the seed contracts)."""

from registry.domain.clients import ContractTerms, contract_flags

# APEX TIMING's CGUM (Annexe 4): general authorisation, 15 days to object, all Art. 28(3) items.
APEX = ContractTerms(
    subprocessor_authorisation="general", subprocessor_changes_notified=True, objection_right=True,
    objection_period_days=15, breach_notice_undue_delay=True, instructions_documented=True, confidentiality=True,
    security_measures=True, flow_down=True, assistance_rights="full", assistance_compliance=True,
    information_available=True, infringing_instruction_notice=True, audits_per_year=1, audit_inspections=True,
    end_fate="controller_choice",
)


def codes(terms):
    return {f.code for f in contract_flags(terms)}


def test_apex_timing_contract_has_every_art28_term():
    assert contract_flags(APEX) == []


def test_ginger_minds_informs_but_gives_no_right_to_object():
    flags = contract_flags(ContractTerms(**{**APEX.__dict__, "objection_right": False, "objection_period_days": None}))
    assert [(f.code, f.article, f.field) for f in flags] == [("objection_right_missing", "Art. 28(2)", "objection_right")]


def test_art_zone_any_third_party_means_no_authorisation():
    flags = contract_flags(ContractTerms(subprocessor_authorisation="none_stated"))
    assert "subprocessor_authorisation_missing" in {f.code for f in flags}
    assert next(f for f in flags if f.code == "subprocessor_authorisation_missing").article == "Art. 28(2)"


def test_a_contract_silent_on_everything_misses_each_art28_3_letter():
    flags = contract_flags(ContractTerms())
    articles = {f.article for f in flags if f.severity == "missing"}
    for letter in "abcefgh":
        assert any(a.startswith(f"Art. 28(3)({letter})") for a in articles), letter
    assert "Art. 28(2)" in articles and "Art. 33(2)" in articles


def test_forwarding_requests_only_is_weak_assistance():
    flags = contract_flags(ContractTerms(**{**APEX.__dict__, "assistance_rights": "forward_only"}))
    assert [(f.code, f.severity) for f in flags] == [("assistance_rights_weak", "risk")]


def test_audit_reports_without_inspection_are_weak():
    assert codes(ContractTerms(**{**APEX.__dict__, "audit_inspections": False})) == {"audits_reports_only"}


def test_deletion_or_return_not_at_the_controllers_choice_is_a_warning():
    flags = contract_flags(ContractTerms(**{**APEX.__dict__, "end_fate": "return_or_delete"}))
    assert [(f.code, f.severity) for f in flags] == [("end_fate_not_controller_choice", "warning")]


def test_breach_notice_in_hours_is_accepted_unless_it_eats_the_controllers_72_hours():
    assert contract_flags(ContractTerms(**{**APEX.__dict__, "breach_notice_undue_delay": False,
                                           "breach_notice_hours": 24})) == []
    assert codes(ContractTerms(**{**APEX.__dict__, "breach_notice_undue_delay": False,
                                  "breach_notice_hours": 72})) == {"breach_notice_too_long"}
    assert codes(ContractTerms(**{**APEX.__dict__, "breach_notice_undue_delay": False})) == {"breach_notice_missing"}


def test_general_authorisation_without_a_stated_period_asks_for_it():
    flags = contract_flags(ContractTerms(**{**APEX.__dict__, "objection_period_days": None}))
    assert [(f.code, f.severity) for f in flags] == [("objection_period_unset", "warning")]
