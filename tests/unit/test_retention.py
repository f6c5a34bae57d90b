"""Retention rules as sentences in French and English, and their end dates."""

from datetime import date

import pytest

from registry.domain.retention import RetentionFacts, add_duration, describe, end_date, retention_flags

GINGER = RetentionFacts(kind="from_event", value=5, unit="years", event="contract_end")
ART_ZONE = RetentionFacts(kind="from_event", value=1, unit="years", bound="maximum", event="acceptance")
DEFI_BACKUPS = RetentionFacts(kind="fixed", value=6, unit="days")
DEFI_VERSIONS = RetentionFacts(kind="versions", value=5)
DEFI_END = RetentionFacts(kind="from_event", value=1, unit="months", event="contract_end", end_action="delete")
PILOTIM = RetentionFacts(kind="fixed", value=3, unit="months", bound="minimum")


@pytest.mark.parametrize(
    ("rule", "fr", "en"),
    [
        (GINGER, "5 ans à compter de la fin du contrat", "5 years after the end of the contract"),
        (ART_ZONE, "au plus 1 an à compter de la recette", "at most 1 year after acceptance of the work"),
        (DEFI_BACKUPS, "6 jours", "6 days"),
        (DEFI_VERSIONS, "les 5 dernières versions", "the last 5 versions"),
        (DEFI_END, "1 mois à compter de la fin du contrat, puis suppression",
         "1 month after the end of the contract, then deletion"),
        (PILOTIM, "au moins 3 mois", "at least 3 months"),
        (RetentionFacts(kind="from_event", value=3, unit="years", event="last_contact"),
         "3 ans à compter du dernier contact", "3 years after the last contact"),
        (RetentionFacts(kind="until_date", until=date(2030, 12, 31)), "jusqu'au 31 décembre 2030", "until 31 December 2030"),
        (RetentionFacts(kind="indeterminate", criteria="durée de la relation"),
         "durée indéterminée : durée de la relation", "indeterminate period: durée de la relation"),
    ],
)
def test_rule_reads_as_a_sentence_in_both_languages(rule, fr, en):
    assert describe(rule, "fr") == fr
    assert describe(rule, "en") == en


def test_end_date_runs_from_the_events_date():
    assert end_date(GINGER, date(2026, 3, 31)) == date(2031, 3, 31)
    assert end_date(DEFI_END, date(2026, 1, 31)) == date(2026, 2, 28)
    assert end_date(DEFI_BACKUPS, date(2026, 11, 23)) == date(2026, 11, 29)
    assert end_date(GINGER, None) is None
    assert end_date(DEFI_VERSIONS, date(2026, 1, 1)) is None


def test_calendar_arithmetic_clamps_to_month_end_and_leap_years():
    assert add_duration(date(2024, 2, 29), 1, "years") == date(2025, 2, 28)
    assert add_duration(date(2026, 12, 15), 2, "months") == date(2027, 2, 15)
    assert add_duration(date(2026, 1, 1), 2, "weeks") == date(2026, 1, 15)


def test_duration_from_an_event_without_the_event_is_flagged():
    rule = RetentionFacts(kind="from_event", value=5, unit="years", end_action="delete")
    assert [(f.code, f.field) for f in retention_flags(rule)] == [("retention_event_missing", "event")]
    assert "[événement de départ non précisé]" in describe(rule, "fr")


def test_indeterminate_period_needs_its_criteria():
    codes = [f.code for f in retention_flags(RetentionFacts(kind="indeterminate", end_action="delete"))]
    assert codes == ["retention_criteria_missing"]


def test_a_period_s_unit_agrees_with_its_number_in_each_language():
    """ "1 months" and "1 ans" were printed: one unit is singular (French: 0 and 1 too)."""
    from registry.domain.retention import period_text

    assert [period_text(n, "years", "fr") for n in (0, 1, 2)] == ["0 an", "1 an", "2 ans"]
    assert [period_text(n, "months", "en") for n in (0, 1, 2)] == ["0 months", "1 month", "2 months"]
    assert period_text(1, "days", "en") == "1 day" and period_text(3, "weeks", "fr") == "3 semaines"
