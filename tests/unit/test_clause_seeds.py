"""The checker gives the labelled verdicts and terms on the five seed contracts (labels: clause_labels.py)."""

import os
from pathlib import Path

import pytest
from clause_labels import LABELS

from registry.domain.contracts.check import check_lines
from registry.domain.contracts.segment import SourceLine

SEEDS = Path(os.environ.get("REGISTRY_SEEDS") or Path(__file__).resolve().parents[3] / "shared" / "seeds")
pytestmark = pytest.mark.skipif(not SEEDS.is_dir() and not os.environ.get("CI"), reason=f"seed contracts not found in {SEEDS} (REGISTRY_SEEDS)")

_cache: dict = {}


def checked(name: str):
    if name not in _cache:
        text = (SEEDS / name).read_text("utf-8")
        _cache[name] = check_lines([SourceLine(None, i, t) for i, t in enumerate(text.splitlines(), 1)])
    return _cache[name]


@pytest.mark.parametrize("name,code", [(n, c) for n, lab in LABELS.items() for c in lab["items"]])
def test_seed_contract_item_gets_labelled_verdict(name, code):
    result = checked(name)
    verdict = next(v for v in result.items if v.code == code)
    assert verdict.verdict == LABELS[name]["items"][code], verdict
    if verdict.verdict != "missing":
        assert verdict.quote and verdict.line and verdict.rule


@pytest.mark.parametrize("name", LABELS)
def test_seed_contract_terms_and_outdated_references_match_labels(name):
    result = checked(name)
    t = result.terms
    got = {**t, "subprocessors": [(s["name"], s["country"]) for s in t["subprocessors"]],
           "retention": [(r["value"], r["unit"]) for r in t["retention"]]}
    for key, want in LABELS[name]["terms"].items():
        assert got[key] == want, key
    assert [o["code"] for o in result.outdated] == LABELS[name]["outdated"]
    assert result.conflicts == []


def test_pilotim_names_sub_processors_transfers_under_scc_and_breach_wording():
    r = checked("000_0412e64e33be73e3.txt")
    names = [s["name"] for s in r.terms["subprocessors"]]
    assert {"OVH", "OpenAI L.L.C", "Google Ireland Limited", "YouSign"} <= set(names)
    assert r.terms["transfer_mechanisms"] == ["scc"]
    assert r.terms["breach_notice_hours"] == "dans les meilleurs délais"


def test_apex_timing_objection_is_15_days_by_email_and_breach_notice_lists_art_33_3_items():
    r = checked("001_8c19d792b735deb3.txt")
    assert r.terms["objection_period_days"] == 15
    art28_2 = next(v for v in r.items if v.code == "art28_2")
    assert "dpo@apex-timing.com" in art28_2.quote or "objections" in art28_2.quote
    assert r.terms["breach_notice_content"] == ["33_3_a", "33_3_b", "33_3_c", "33_3_d"]


def test_ginger_minds_information_without_objection_is_weak_and_keeps_data_5_years_after_the_end():
    r = checked("002_d3eaa0bf0228e7fa.txt")
    assert r.verdict("art28_2") == "weak"
    assert {"value": 5, "unit": "year"} in [{"value": x["value"], "unit": x["unit"]} for x in r.terms["retention"]]
    assert r.terms["stored_only_in_eu"] is True


def test_defi_informatique_without_data_protection_clause_has_no_present_item():
    r = checked("003_721c465f6aaf4f0b.txt")
    assert not r.has_data_protection_clause
    assert all(v.verdict in ("weak", "missing") for v in r.items)
    assert r.verdict("art28_2") == r.verdict("art33_2") == "missing"


def test_art_zone_cnil_declaration_and_1978_law_are_outdated_and_any_third_party_is_missing():
    r = checked("004_1856e3db2ce7a5b8.txt")
    assert [o["code"] for o in r.outdated] == ["cnil_declaration", "law_1978_without_gdpr"]
    assert "XXX" in r.outdated[0]["quote"]
    art28_2 = next(v for v in r.items if v.code == "art28_2")
    assert art28_2.verdict == "missing" and "tout tiers" in art28_2.quote


@pytest.mark.parametrize("name", LABELS)
def test_no_report_ever_says_compliant(name):
    data = checked(name).to_json()
    assert {i["verdict"] for i in data["items"]} <= {"present", "weak", "missing"}
    own_words = repr([data.keys(), [(i["rule"], i["article"]) for i in data["items"]], data["outdated_details"]])
    assert "compliant" not in own_words.lower() and "conforme" not in own_words.lower()
