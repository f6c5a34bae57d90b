"""`python -m benchmarks contracts_evaluate`: the checker against the labelled seed contracts, per item and term.

Prints, per item, how many verdicts match and the present/weak/missing confusion; per contract,
the verdicts off by one step and by two; and every extracted term that differs from its label.
"""

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from registry.domain.contracts.check import ContractCheck, check_lines
from registry.domain.contracts.rules import ITEMS, VERDICT_RANK
from registry.services.contract_files import extract

VERDICTS = ("present", "weak", "missing")
# The seed contracts live in ../shared/seeds beside the repository (CI clones it with shared/ next to it).
DEFAULT_SEEDS = Path(os.environ.get("REGISTRY_SEEDS") or Path(__file__).resolve().parents[2] / "shared" / "seeds")
DEFAULT_LABELS = Path(__file__).resolve().parents[1] / "tests" / "unit" / "clause_labels.py"


def load_labels(path: Path) -> dict:
    spec = importlib.util.spec_from_file_location("clause_labels", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LABELS


def comparable_terms(result: ContractCheck) -> dict:
    """The terms in the labels' shape: sub-processors and retention as tuples."""
    t = result.terms
    return {
        **{k: t.get(k) for k in ("objection_period_days", "breach_notice_hours", "transfer_mechanisms",
                                 "audits_per_year", "audit_notice_days", "stored_only_in_eu",
                                 "breach_notice_content")},
        "subprocessors": [(s["name"], s["country"]) for s in t["subprocessors"]],
        "retention": [(r["value"], r["unit"]) for r in t["retention"]],
    }


def term_differences(result: ContractCheck, expected: dict) -> list[str]:
    got = comparable_terms(result)
    out = [f"{k}: expected {v!r}, got {got.get(k)!r}" for k, v in expected["terms"].items() if got.get(k) != v]
    outdated = [o["code"] for o in result.outdated]
    if outdated != expected["outdated"]:
        out.append(f"outdated: expected {expected['outdated']!r}, got {outdated!r}")
    return out


def evaluate(seeds: Path, labels: dict) -> tuple[str, bool]:
    """The report, and whether the target holds (all missing and terms right, <= 1 off-by-one per contract)."""
    confusion = {i.code: {(e, g): 0 for e in VERDICTS for g in VERDICTS} for i in ITEMS}
    lines, ok = [], True
    for name, expected in labels.items():
        result = check_lines(extract((seeds / name).read_bytes()).lines)
        off1, off2, missing_wrong = [], [], []
        for v in result.items:
            want = expected["items"][v.code]
            confusion[v.code][(want, v.verdict)] += 1
            step = abs(VERDICT_RANK[want] - VERDICT_RANK[v.verdict])
            if step:
                (off1 if step == 1 else off2).append(f"{v.code} {want}->{v.verdict}")
                if "missing" in (want, v.verdict):
                    missing_wrong.append(v.code)
        diffs = term_differences(result, expected)
        ok &= not diffs and not off2 and len(off1) <= 1 and not missing_wrong
        lines.append(f"{name}: {12 - len(off1) - len(off2)}/12 verdicts match; off by one: {off1 or 'none'}; "
                     f"off by two: {off2 or 'none'}; term differences: {diffs or 'none'}")
    lines.append("")
    lines.append(f"{'item':<10} {'match':>6}   confusion (expected -> got, only non-zero)")
    for item in ITEMS:
        cells = confusion[item.code]
        match = sum(n for (e, g), n in cells.items() if e == g)
        total = sum(cells.values())
        detail = ", ".join(f"{e}->{g}: {n}" for (e, g), n in cells.items() if n)
        lines.append(f"{item.code:<10} {match:>3}/{total:<3}  {detail}")
    lines.append("")
    totals = {(e, g): sum(confusion[c][(e, g)] for c in confusion) for e in VERDICTS for g in VERDICTS}
    lines.append("all items   got: " + "  ".join(f"{g:>8}" for g in VERDICTS))
    for e in VERDICTS:
        lines.append(f"expected {e:<8}" + "  ".join(f"{totals[(e, g)]:>8}" for g in VERDICTS))
    lines.append("")
    lines.append("TARGET MET" if ok else "TARGET NOT MET")
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    args = parser.parse_args(argv)
    report, ok = evaluate(args.seeds, load_labels(args.labels))
    print(report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
