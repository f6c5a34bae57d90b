"""Sub-processor flags: DPA, processing locations outside the EEA, retired but used, EU seat with US access."""

from datetime import date

from registry.domain.subprocessors import SubProcessorFacts, subprocessor_flags

TODAY = date(2026, 11, 23)


def codes(sp):
    return [f.code for f in subprocessor_flags(sp, TODAY)]


def test_google_ireland_with_us_access_covered_by_scc_keeps_only_the_seat_warning():
    sp = SubProcessorFacts("IE", "active", date(2025, 1, 1), ("US",), covered_destinations=frozenset({"US"}),
                           recorded_destinations=frozenset({"US"}))
    assert codes(sp) == ["eea_seat_non_eea_processing"]


def test_us_location_without_covering_transfer_is_flagged():
    sp = SubProcessorFacts("US", "active", date(2025, 1, 1), ("US",))
    flags = subprocessor_flags(sp, TODAY)
    expected = [("location_needs_safeguards", "locations", "Art. 44; Art. 46(1)")]
    assert [(f.code, f.field, f.article) for f in flags] == expected
    assert dict(flags[0].params) == {"country": "US"}  # a stable code in the data, a name in the message
    assert "United States" in flags[0].message("en") and "États-Unis" in flags[0].message("fr")


def test_no_dpa_and_no_location_are_flagged_for_a_used_sub_processor():
    assert codes(SubProcessorFacts(None, "active", None)) == ["no_dpa", "no_processing_location"]


def test_adequate_location_without_recorded_transfer_asks_to_record_it():
    sp = SubProcessorFacts("FR", "active", date(2025, 1, 1), ("CH",))
    assert codes(sp) == ["location_transfer_not_recorded", "eea_seat_non_eea_processing"]


def test_retired_sub_processor_still_used_by_active_activity():
    sp = SubProcessorFacts("FR", "retired", None, ("FR",), active_activities_using=2)
    flags = subprocessor_flags(sp, TODAY)
    assert [(f.code, f.severity) for f in flags] == [("retired_still_used", "risk")]


def test_ovh_in_roubaix_and_strasbourg_with_dpa_raises_nothing():
    assert codes(SubProcessorFacts(None, "active", date(2024, 7, 1), ("FR", "FR"))) == []
