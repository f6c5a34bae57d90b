"""Benchmark: checking a 100-page contract costs at most twice extracting its text (ratio, same run)."""

import pytest


@pytest.mark.slow
def test_checking_a_100_page_contract_takes_at_most_twice_its_extraction():
    from benchmarks.contracts import run

    result = run(pages=100, repeat=2)
    assert result["pages"] >= 100
    assert result["ratio"] <= 2, result
