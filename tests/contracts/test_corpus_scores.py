"""The clause checker's scores on the labelled contracts do not fall below today's measured level.

Verdict floors are the scores measured on 2026-12-07 after the checker was tuned on the tuning set (segmentation
by parent headings, negation, restriction, discretion, controller-side texts): just under the measured values;
counts of false "present" and wrong terms are ceilings. Raise them when the checker improves: a change that
lowers a score fails here, on the seeds (still 100 %) and on the tuning and held-out sets separately.
"""

import os

import pytest

from benchmarks import contracts_corpus as cc
from benchmarks.contracts_evaluate import main

pytestmark = pytest.mark.skipif(not (cc.CORPUS / "labels.json").is_file() and not os.environ.get("CI"),
                                reason=f"development corpus not found in {cc.CORPUS} (REGISTRY_CONTRACTS)")


def scores(cases):
    return cc.score(cases, cc.run(cases))


@pytest.fixture(scope="module")
def seeds():
    if not cc.SEEDS.is_dir():
        pytest.skip(f"seed contracts not found in {cc.SEEDS} (REGISTRY_SEEDS)")
    return scores(cc.seed_cases())


@pytest.fixture(scope="module")
def tune():
    return scores(cc.corpus_cases(split="tune"))


@pytest.fixture(scope="module")
def heldout():
    return scores(cc.corpus_cases(split="heldout"))


@pytest.fixture(scope="module")
def dev():
    return scores(cc.corpus_cases())


def test_seed_contracts_keep_every_verdict_and_term(seeds):
    assert seeds["all"].share == 1 and seeds["all"].false_present == 0
    assert seeds["names_precision"] == seeds["names_recall"] == 1
    for term in ("objection_days", "breach_hours"):
        assert seeds[term]["exact"] == seeds[term]["stated"] and seeds[term]["wrong"] == 0
    assert seeds["outdated"]["exact"] == seeds["outdated"]["labelled"] and seeds["outdated"]["wrong"] == 0


# (set, share of accepted verdicts: all / en / fr, most false "present"). Measured: tune 167/168 (en 108/108,
# fr 59/60, 0 false present); held-out 65/72 (en 30/36, fr 35/36, 2 false present); all 232/240 (en 138/144,
# fr 94/96). Before tuning: tune 79.2 %, held-out 75.0 %, all 77.9 %, 8 false present.
FLOORS = {"tune": (0.98, 0.99, 0.98, 0), "heldout": (0.90, 0.83, 0.97, 2), "dev": (0.96, 0.95, 0.97, 2)}


@pytest.mark.parametrize("part", FLOORS)
def test_accepted_share_and_false_presents_hold_per_set_and_language(part, request):
    s = request.getfixturevalue(part)
    floor_all, floor_en, floor_fr, most_false_present = FLOORS[part]
    assert s["all"].share >= floor_all
    assert s["langs"]["en"].share >= floor_en
    assert s["langs"]["fr"].share >= floor_fr
    assert s["all"].false_present <= most_false_present


# Accepted verdicts out of 20 per item today, less one so that one document may trade for another.
ITEM_FLOORS = {"art28_3_a": 17, "art28_3_b": 18, "art28_3_c": 19, "art28_2": 18, "art28_4": 18, "art28_3_e": 18,
               "art28_3_f": 18, "art28_3_g": 18, "art28_3_h": 19, "art33_2": 19, "transfers": 19, "art30_2": 19}


def test_no_item_loses_more_than_one_accepted_verdict_on_the_corpus(dev):
    assert {code: t.accepted for code, t in dev["items"].items() if t.accepted < ITEM_FLOORS[code]} == {}


def test_terms_found_on_the_corpus_hold(dev):
    # Measured 2026-12-07 after the terms work: objection 6/6, breach hours 8/8, outdated 5/5, names 41 of 54 found
    # with none wrong (precision 1.00; tuning set 28/28, held-out 13/26).
    assert dev["objection_days"]["exact"] >= 6 and dev["objection_days"]["wrong"] == 0
    assert dev["breach_hours"]["exact"] >= 8 and dev["breach_hours"]["wrong"] == 0
    assert dev["outdated"]["exact"] >= 5 and dev["outdated"]["wrong"] == 0
    names = dev["names"]
    assert names["matched"] >= 41 and dev["names_precision"] >= 0.95


def test_held_out_split_is_six_documents_three_per_language_apart_from_the_tuning_set():
    tune, held, every = (cc.corpus_cases(split=p) for p in ("tune", "heldout", "all"))
    assert sorted(c.name for c in held) == sorted(cc.HELD_OUT)
    assert {c.name for c in tune} | {c.name for c in held} == {c.name for c in every}
    assert not {c.name for c in tune} & {c.name for c in held}
    assert sorted(c.lang for c in held) == ["en"] * 3 + ["fr"] * 3


def test_sub_processor_names_match_across_legal_forms_and_trade_names():
    assert cc.names_match("AWS", "Amazon Web Services (AWS)")
    assert cc.names_match("Amazon Web Services", "Amazon Web Services, Inc.")
    assert cc.names_match("Mailchimp", "The Rocket Science Group LLC d/b/a Mailchimp")
    assert not cc.names_match("ISO 27001", "Stripe")
    assert cc.matched_names(["Stripe", "Stripe"], ("Stripe",)) == 1  # one found name per labelled one


def test_command_prints_tuning_and_held_out_scores_separately_without_held_out_details(capsys):
    assert main(["--corpus", "dev"]) == 0
    out = capsys.readouterr().out
    assert "TUNING set: 14 documents" in out and "HELD-OUT set: 6 documents" in out
    held_line = next(line for line in out.splitlines() if line.strip().startswith("04-reviewable-dpa"))
    assert "art28_" not in held_line
