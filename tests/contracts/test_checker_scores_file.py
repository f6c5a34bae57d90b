"""The checker's scores shipped with the project (shown on the contract page) are the scores it gets today."""

import json
import os
from datetime import date

import pytest

from benchmarks import contracts_corpus as cc
from benchmarks.contracts_evaluate import SCORES_FILE, main, scores_document
from registry.domain.contracts.reliability import RELIABLE_SHARE, item_reliability
from registry.domain.contracts.rules import ITEMS
from registry.reference.checker_scores import CheckerScores, ItemScore, checker_scores

corpus = pytest.mark.skipif(not (cc.CORPUS / "labels.json").is_file() and not os.environ.get("CI"),
                            reason=f"development corpus not found in {cc.CORPUS} (REGISTRY_CONTRACTS)")


@corpus
def test_shipped_scores_match_what_the_checker_scores_now():
    shipped = json.loads(SCORES_FILE.read_text("utf-8"))
    cases = cc.corpus_cases(split=shipped["split"])
    now = scores_document(cc.score(cases, cc.run(cases)), shipped["split"], len(cases), date.today())
    stale = {k: (shipped.get(k), now[k]) for k in now if k != "date" and shipped.get(k) != now[k]}
    assert stale == {}, ("the checker's scores changed: run `python -m benchmarks contracts_evaluate "
                         "--write-scores` and commit registry/reference/data/contract_checker_scores.json")


def test_shipped_scores_cover_every_item_of_the_checker():
    scores = checker_scores()
    assert scores is not None and set(scores.items) == {i.code for i in ITEMS}
    assert all(0 <= s.accepted <= s.total for s in scores.items.values())


@corpus
def test_write_scores_command_writes_the_file_the_page_reads(tmp_path, capsys):
    target = tmp_path / "scores.json"
    assert main(["--write-scores", str(target), "--split", "heldout"]) == 0
    written = json.loads(target.read_text("utf-8"))
    assert written["split"] == "heldout" and written["documents"] == len(cc.HELD_OUT)
    assert sum(v["total"] for v in written["items"].values()) == len(cc.HELD_OUT) * len(ITEMS)


def scores(**items: tuple[int, int]) -> CheckerScores:
    return CheckerScores("2026-12-07", "test", "all", 20,
                         {code: ItemScore(code, a, t, 0) for code, (a, t) in items.items()}, {})


def test_an_item_accepted_below_80_percent_is_to_verify():
    s = scores(art28_4=(15, 20), art28_2=(16, 20))
    assert RELIABLE_SHARE == 0.8
    assert item_reliability("art28_4", s).to_verify
    assert not item_reliability("art28_2", s).to_verify  # exactly 80 % stands


def test_an_item_the_corpus_does_not_measure_is_to_verify():
    assert item_reliability("art30_2", scores(art28_2=(20, 20))).to_verify
    assert item_reliability("art28_2", scores(art28_2=(0, 0))).to_verify
