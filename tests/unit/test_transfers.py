"""Chapter V rules: when a transfer needs safeguards and whether the recorded mechanism covers it."""

from datetime import date

import pytest

from registry.domain.transfers import (
    TransferFacts,
    expected_scc_module,
    is_covered,
    needs_safeguards,
    transfer_flags,
)

TODAY = date(2026, 11, 23)


def codes(flags):
    return [f.code for f in flags]


def test_openai_in_the_us_under_scc_module_3_is_covered():
    # PILOTIM (processor) -> OpenAI, L.L.C. (sub-processor) under the Commission's SCC (contract art. 5 and 9).
    t = TransferFacts("US", exporter_role="processor", importer_role="processor", mechanism="scc", scc_module=3)
    assert is_covered(t, TODAY)
    assert codes(transfer_flags(t, TODAY)) == ["tia_missing"]  # a warning only: Schrems II expects a TIA


def test_us_transfer_without_mechanism_or_dpf_needs_safeguards():
    t = TransferFacts("US", mechanism=None)
    assert needs_safeguards("US", TODAY)
    assert codes(transfer_flags(t, TODAY)) == ["transfer_needs_safeguards"]
    assert transfer_flags(t, TODAY)[0].article == "Art. 44; Art. 46(1)"
    assert not is_covered(t, TODAY)


def test_us_adequacy_covers_only_a_checked_dpf_certification():
    assert not needs_safeguards("US", TODAY, dpf_certified=True)
    assert is_covered(TransferFacts("US", mechanism="dpf", dpf_checked_on=date(2026, 6, 1)), TODAY)
    assert codes(transfer_flags(TransferFacts("US", mechanism="dpf"), TODAY)) == ["dpf_not_checked", "dpf_no_fallback"]
    assert codes(transfer_flags(TransferFacts("US", mechanism="adequacy"), TODAY)) == ["us_adequacy_requires_dpf"]


def test_dpf_check_older_than_a_year_is_a_warning():
    flags = transfer_flags(TransferFacts("US", mechanism="dpf", dpf_checked_on=date(2025, 1, 10)), TODAY)
    assert codes(flags) == ["dpf_check_stale", "dpf_no_fallback"] and {f.severity for f in flags} == {"warning"}


def test_dpf_outside_the_us_is_refused():
    assert codes(transfer_flags(TransferFacts("IN", mechanism="dpf", dpf_checked_on=TODAY), TODAY)) == ["dpf_outside_us"]


@pytest.mark.parametrize("country", ["IS", "NO", "LI", "FR", "IE"])
def test_eea_destinations_are_no_transfer_at_all(country):
    assert not needs_safeguards(country, TODAY)
    assert transfer_flags(TransferFacts(country, mechanism=None), TODAY) == []


def test_brazil_is_adequate_from_26_january_2026():
    assert needs_safeguards("BR", date(2026, 1, 25))
    assert not needs_safeguards("BR", date(2026, 1, 26))
    assert not needs_safeguards("BR", TODAY)
    assert transfer_flags(TransferFacts("BR"), TODAY) == []


def test_united_kingdom_adequacy_ends_27_december_2031():
    assert not needs_safeguards("GB", date(2031, 12, 27))
    assert needs_safeguards("GB", date(2031, 12, 28))


def test_european_patent_organisation_is_adequate_since_15_july_2025():
    assert needs_safeguards(None, date(2025, 7, 14), organisation="EPO")
    assert not needs_safeguards(None, date(2025, 7, 15), organisation="EPO")


def test_partial_adequacy_asks_to_check_the_importer_scope():
    flags = transfer_flags(TransferFacts("CA", mechanism="adequacy"), TODAY)
    assert codes(flags) == ["adequacy_partial_scope"] and flags[0].severity == "warning"
    assert is_covered(TransferFacts("CA", mechanism="adequacy"), TODAY)


def test_adequacy_claimed_for_a_country_without_decision_is_flagged():
    assert codes(transfer_flags(TransferFacts("CN", mechanism="adequacy"), TODAY)) == ["adequacy_not_in_force"]


@pytest.mark.parametrize(
    ("exporter", "importer", "module"),
    [("controller", "controller", 1), ("controller", "processor", 2), ("processor", "processor", 3),
     ("processor", "controller", 4)],
)
def test_scc_module_follows_the_parties_roles(exporter, importer, module):
    assert expected_scc_module(exporter, importer) == module


def test_scc_module_that_does_not_fit_the_roles_is_flagged():
    t = TransferFacts("US", exporter_role="processor", importer_role="processor", mechanism="scc", scc_module=2,
                      tia_date=TODAY)
    flags = transfer_flags(t, TODAY)
    assert codes(flags) == ["scc_module_mismatch"]
    assert "module 3" in flags[0].message("en") and "module 2" in flags[0].message("en")
    assert codes(transfer_flags(TransferFacts("US", mechanism="scc", tia_date=TODAY), TODAY)) == ["scc_module_missing"]


def test_art49_derogation_needs_a_ground_and_documented_safeguards_for_the_second_subparagraph():
    assert codes(transfer_flags(TransferFacts("CN", mechanism="derogation"), TODAY)) == ["derogation_without_ground"]
    assert is_covered(TransferFacts("CN", mechanism="derogation", derogation_ground="art49_1_b"), TODAY)
    second = TransferFacts("CN", mechanism="derogation", derogation_ground="art49_1_2")
    assert codes(transfer_flags(second, TODAY)) == ["derogation_safeguards_undocumented"]
    assert is_covered(TransferFacts("CN", mechanism="derogation", derogation_ground="art49_1_2",
                                    document_reference="Note du 2026-03-01"), TODAY)
