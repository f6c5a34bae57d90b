"""The PDF benchmark runs end to end on a small organisation (slow: run by hand, never in the default suite)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_pdf_benchmark_prints_every_phase_and_target():
    out = subprocess.run([sys.executable, "-m", "benchmarks", "pdf", "--activities", "12", "--subprocessors", "6",
                          "--clients", "12"], cwd=ROOT, capture_output=True, text=True, timeout=1800, check=True).stdout
    for phase in ("register.plain", "register.chunked", "register.regenerate_one", "annex.one.web",
                  "annex.batch.bare_pool", "annex.batch ", "annex.batch.rerun"):
        assert phase in out
    assert out.count("target ") == 7
