"""Public model clauses the rules were not written on: the CNIL's model processor clauses (French, abridged)
and the Commission's Art. 28(7) standard contractual clauses, Decision 2021/915 (English, abridged)."""

from pathlib import Path

import pytest

from registry.domain.contracts.check import check_lines
from registry.services.contract_files import extract

TEXTS = Path(__file__).parent / "texts"


def check(name: str):
    return check_lines(extract((TEXTS / name).read_bytes()).lines)


@pytest.mark.parametrize("name,expected", [
    # The CNIL model lets the processor only inform of transfers required by law: no mechanism named.
    ("cnil_model_clauses_fr.txt", {"transfers": "weak"}),
    # The Commission's Art. 28(7) clauses have no processor record clause (Art. 30(2) is the law's own duty).
    ("commission_scc_2021_915_en.txt", {"art30_2": "missing"}),
])
def test_model_clauses_get_every_item_they_contain(name, expected):
    result = check(name)
    got = {v.code: v.verdict for v in result.items}
    assert got == {code: expected.get(code, "present") for code in got}


def test_model_clause_terms_are_read():
    cnil, scc = check("cnil_model_clauses_fr.txt").terms, check("commission_scc_2021_915_en.txt").terms
    assert (cnil["objection_period_days"], cnil["breach_notice_hours"]) == (15, 48)
    assert (scc["objection_period_days"], scc["breach_notice_hours"]) == (30, "without undue delay")
