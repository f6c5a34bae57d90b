"""The law as dated data: regimes picked by date, a proposal applied only for a what-if, and files refused with reasons."""

import copy
import json
from datetime import UTC, date, datetime, timedelta
from importlib import resources

import pytest

from registry import reference
from registry.domain import breaches as b
from registry.domain.clients import ContractTerms, contract_flags
from registry.domain.law import record_keeping, transfer_verdict
from registry.domain.transfers import TransferFacts
from registry.reference.law import (
    InvalidReference,
    Law,
    apply_what_if,
    parse_adequacy,
    parse_regimes,
    parse_update,
    parse_what_if,
)

EXAMPLES = resources.files("registry.reference").joinpath("data", "examples")


def shipped_regimes() -> dict:
    return copy.deepcopy(reference.shipped("regimes.json"))


def law_from(doc: dict) -> Law:
    version, published, regimes = parse_regimes(doc)
    return Law(version, published, regimes, reference.adequacy_decisions())


def adopted_omnibus(start: str) -> Law:
    """The shipped law as it would read once the Omnibus breach rules are adopted and apply from `start`."""
    doc = shipped_regimes()
    eve = (date.fromisoformat(start) - timedelta(days=1)).isoformat()
    for r in doc["regimes"]:
        if r["id"] == "gdpr-breach":
            r["applies_until"] = eve
        if r["id"] == "omnibus-breach":
            r["status"], r["applies_from"] = "adopted_not_applicable", start
    return law_from(doc)


def facts(aware_at: datetime, risk: str) -> b.BreachFacts:
    return b.BreachFacts(aware_at, risk, True, (), None, {})


def authority(clocks: list[b.Clock]) -> b.Clock | None:
    return next((c for c in clocks if c.recipient == "cnil"), None)


def test_breaches_aware_before_and_after_a_regime_starts_get_each_their_deadline_and_threshold():
    law = adopted_omnibus("2027-07-01")
    before = datetime(2027, 6, 30, 8, 0, tzinfo=UTC)  # 10:00 in Paris, the last day of the GDPR's 72 hours
    after = datetime(2027, 7, 1, 8, 0, tzinfo=UTC)
    old = authority(b.clocks(facts(before, "risk"), before, law))
    assert old.deadline == before + timedelta(hours=72) and old.article == "Art. 33(1)"
    assert old.regime.id == "gdpr-breach" and old.recipient_name("en") == "CNIL"
    # After the start, a mere risk is no longer notified to the authority; a high risk is, within 96 hours.
    assert authority(b.clocks(facts(after, "risk"), after, law)) is None
    new = authority(b.clocks(facts(after, "high"), after, law))
    assert new.deadline == after + timedelta(hours=96) and new.regime.id == "omnibus-breach"
    assert new.recipient_name("fr") == "Point d'entrée unique"
    assert [c.recipient for c in b.clocks(facts(after, "high"), after, law)] == ["cnil", "data_subjects"]


def test_the_regime_is_picked_by_the_day_of_awareness_in_the_organisations_zone():
    law = adopted_omnibus("2027-07-01")
    aware = datetime(2027, 6, 30, 22, 30, tzinfo=UTC)  # already 1 July in Paris
    assert b.breach_regime(aware, law, "Europe/Paris").id == "omnibus-breach"
    assert b.breach_regime(aware, law, "UTC").id == "gdpr-breach"


def test_no_gdpr_clock_for_a_breach_known_before_25_may_2018():
    aware = datetime(2018, 5, 24, 10, 0, tzinfo=UTC)
    assert b.breach_regime(aware) is None and b.clocks(facts(aware, "high"), aware) == []


def test_a_proposed_regime_changes_nothing_until_turned_on_for_a_what_if():
    law = reference.law()
    proposal = next(r for r in law.regimes if r.id == "omnibus-breach")
    assert proposal.status == "proposed" and proposal.applies_from is None
    for day in (date(2018, 5, 25), date(2026, 12, 7), date(2040, 1, 1)):
        assert law.regime("breach", day).id == "gdpr-breach"
    aware = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
    assert authority(b.clocks(facts(aware, "risk"), aware)).deadline == aware + timedelta(hours=72)

    what_if = parse_what_if(json.loads(EXAMPLES.joinpath("what-if-omnibus-breach.json").read_text("utf-8")), law)
    assert what_if.applies_from is None  # the proposal has no date: the what-if supplies one
    hypothesis = apply_what_if(law, what_if, date(2028, 1, 1))
    early, late = datetime(2027, 12, 31, 9, 0, tzinfo=UTC), datetime(2028, 1, 2, 9, 0, tzinfo=UTC)
    assert authority(b.clocks(facts(early, "risk"), early, hypothesis)).deadline == early + timedelta(hours=72)
    assert authority(b.clocks(facts(late, "risk"), late, hypothesis)) is None
    assert authority(b.clocks(facts(late, "high"), late, hypothesis)).deadline == late + timedelta(hours=96)
    # The law in use is untouched by the hypothesis.
    assert reference.law().regime("breach", date(2028, 1, 2)).id == "gdpr-breach"


def test_a_processors_breach_delay_is_judged_against_the_regimes_ceiling():
    terms = ContractTerms(breach_notice_hours=80)
    gdpr = reference.law().regime("breach", date(2026, 12, 7))
    omnibus = adopted_omnibus("2027-07-01").regime("breach", date(2027, 7, 1))
    flagged = [f for f in contract_flags(terms, gdpr) if f.code == "breach_notice_too_long"]
    assert flagged and "72" in flagged[0].message("en") and "80" in flagged[0].message("fr")
    assert not [f for f in contract_flags(terms, omnibus) if f.code == "breach_notice_too_long"]


def test_the_dpf_example_ends_us_adequacy_from_its_date_and_a_dpf_transfer_loses_its_basis():
    law = reference.law()
    what_if = parse_what_if(json.loads(EXAMPLES.joinpath("what-if-dpf-invalidated.json").read_text("utf-8")), law)
    start = what_if.applies_from
    hypothesis = apply_what_if(law, what_if, start)
    dpf = TransferFacts("US", mechanism="dpf", dpf_checked_on=start - timedelta(days=30))
    assert transfer_verdict(dpf, start - timedelta(days=1), law, hypothesis).changed is False
    verdict = transfer_verdict(dpf, start, law, hypothesis)
    assert verdict.loses_basis and [f.code for f in verdict.new] == ["dpf_no_decision"]  # not "outside the US"
    scc = TransferFacts("US", exporter_role="processor", importer_role="processor", mechanism="scc", scc_module=3,
                        tia_date=date(2026, 1, 1))
    assert transfer_verdict(scc, start, law, hypothesis).covered_after


def test_art_30_5_cannot_be_judged_without_a_headcount():
    regime = reference.law().regime("record_exemption", date(2026, 12, 7))
    assert regime.persons_below == 250
    assert record_keeping(regime, None, False) == "unknown"
    assert record_keeping(regime, 300, False) == "required"
    assert record_keeping(regime, 20, True) == "required"
    assert record_keeping(regime, 20, False) == "exemption_possible"


def refused(call) -> list[str]:
    with pytest.raises(InvalidReference) as exc:
        call()
    return exc.value.reasons


def test_loader_refuses_a_malformed_regimes_file_with_every_reason():
    doc = shipped_regimes()
    doc["published"] = "07/12/2026"
    doc["regimes"][0]["authority_hours"] = "72"
    doc["regimes"][1]["applies_from"] = "2027-01-01"  # a proposal given an invented date
    doc["regimes"][2]["applies_until"] = "2017-01-01"
    reasons = refused(lambda: parse_regimes(doc))
    assert any(r.startswith("published:") for r in reasons)
    assert any("regimes[0].authority_hours" in r for r in reasons)
    assert any("regimes[1].applies_from: a proposed regime has no date of application" in r for r in reasons)
    assert any("regimes[2].applies_until" in r and "before applies_from" in r for r in reasons)
    assert refused(lambda: parse_regimes([])) == ["the file must hold a JSON object"]


def test_loader_refuses_two_regimes_of_one_kind_applying_on_the_same_day():
    doc = shipped_regimes()
    doc["regimes"][1]["status"], doc["regimes"][1]["applies_from"] = "adopted_not_applicable", "2030-01-01"
    assert any("'gdpr-breach' and 'omnibus-breach' (breach) apply on the same days" in r
               for r in refused(lambda: parse_regimes(doc)))


def test_loader_refuses_overlapping_adequacy_decisions_for_one_destination():
    doc = copy.deepcopy(reference.shipped("adequacy.json"))
    doc["entries"].append(dict(doc["entries"][0], decision="A second decision", date="2020-01-01"))
    assert any("two decisions for AD are in force on the same days" in r
               for r in refused(lambda: parse_adequacy(doc)))


def test_an_update_not_newer_than_the_law_in_use_is_refused_with_the_reason():
    current = reference.law()
    same = shipped_regimes()
    reasons = refused(lambda: parse_update(same, current))
    assert len(reasons) == 1 and reasons[0].startswith("older or same as the law in use")
    older = dict(same, version=current.version + 1, published="2020-01-01")
    assert refused(lambda: parse_update(older, current))[0].startswith("older or same")
    newer = dict(same, version=current.version + 1, published=(current.published + timedelta(days=1)).isoformat())
    assert parse_update(newer, current).law.version == current.version + 1


def test_a_what_if_naming_an_unknown_regime_or_destination_is_refused():
    doc = {"title": {"en": "x", "fr": "x"}, "changes": [{"change": "apply_regime", "regime": "nope"},
                                                         {"change": "end_adequacy", "destination": "ZZ"},
                                                         {"change": "repeal"}]}
    reasons = refused(lambda: parse_what_if(doc, reference.law()))
    assert len(reasons) == 3 and "no regime 'nope'" in reasons[0] and "'ZZ'" in reasons[1]
