"""Sub-processor flags: DPA, processing locations outside the EEA, retired but used, EU seat with US access."""

from datetime import date

from registry.domain.subprocessors import SubProcessorFacts, subprocessor_flags

TODAY = date(2026, 11, 23)


def codes(sp):
    return [f.code for f in subprocessor_flags(sp, TODAY)]


def test_google_ireland_with_us_access_covered_by_scc_raises_nothing():
    """The seat warning is there to get the US transfer recorded; once an SCC transfer covers it, nothing is left."""
    sp = SubProcessorFacts("IE", "active", date(2025, 1, 1), ("US",), covered_destinations=frozenset({"US"}),
                           recorded_destinations=frozenset({"US"}))
    assert codes(sp) == []


def test_google_ireland_with_us_access_and_no_covering_transfer_is_flagged_twice():
    sp = SubProcessorFacts("IE", "active", date(2025, 1, 1), ("US", "IN"), covered_destinations=frozenset({"IN"}),
                           recorded_destinations=frozenset({"US", "IN"}))
    flags = subprocessor_flags(sp, TODAY)
    assert [f.code for f in flags] == ["location_needs_safeguards", "eea_seat_non_eea_processing"]
    assert dict(flags[1].params) == {"countries": "US"}  # India is covered: only the uncovered location is named


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


def test_a_sub_processor_slower_to_report_a_breach_than_a_client_was_promised_is_a_risk():
    """Art. 28(4): 72 h at the hosting provider cannot meet the 24 h promised to a client (Art. 33(2))."""
    sp = SubProcessorFacts("FR", "active", date(2024, 7, 1), ("FR",), breach_notice_hours=72,
                           promised_breach_hours=24, promised_to="Agence Démo")
    [f] = subprocessor_flags(sp, TODAY)
    assert (f.code, f.severity, f.field, f.article) == (
        "breach_delay_exceeds_promise", "risk", "breach_notice_hours", "Art. 28(4); Art. 33(2)")
    assert f.message("en") == ("Its contract gives it 72 h to report a breach to us, but Agence Démo was promised 24 h: "
                               "a breach could not be passed on in time.")


def test_equal_delays_leave_no_time_and_a_shorter_one_or_an_unknown_one_raises_nothing():
    base = dict(seat_country="FR", status="active", dpa_signed_on=date(2024, 7, 1), location_countries=("FR",),
                promised_to="Agence Démo")
    assert codes(SubProcessorFacts(**base, breach_notice_hours=24, promised_breach_hours=24)) == [
        "breach_delay_exceeds_promise"]
    assert codes(SubProcessorFacts(**base, breach_notice_hours=12, promised_breach_hours=24)) == []
    assert codes(SubProcessorFacts(**base, breach_notice_hours=None, promised_breach_hours=24)) == []
    assert codes(SubProcessorFacts(**base, breach_notice_hours=72, promised_breach_hours=None)) == []
