"""`python -m benchmarks contracts_evaluate`: the checker against labelled contracts (seeds, development corpus).

Options: --corpus seeds|dev|all (default all), --split tune|heldout|all (default all), --write-scores [FILE]
(write the development corpus's per-item scores, for the split chosen, to the file the contract page reads:
registry/reference/data/contract_checker_scores.json by default).

Seeds: per item, how many verdicts match and the present/weak/missing confusion; per contract, the verdicts
off by one step and by two, and every extracted term that differs from its label; exit 1 unless the target
holds. Development corpus (../shared/contracts, REGISTRY_CONTRACTS): the tuning and held-out sets scored
separately (see contracts_corpus.HELD_OUT), per item, document and language: accepted share, false
"present", main-label confusion; terms exact / missed / wrong, named sub-processors' precision and recall.
"""

import argparse
import importlib.util
import json
import os
import sys
from datetime import date
from pathlib import Path

from benchmarks import contracts_corpus as cc
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


def _pct(n: int, total: int) -> str:
    return f"{n:>3}/{total:<3} {100 * n / total:5.1f} %" if total else f"{n:>3}/{total:<3}   n/a  "


def render_scores(title: str, cases: list[cc.Case], results: dict, s: dict) -> str:
    """One scored set as text: documents, items, languages, confusion and terms."""
    out = [f"=== {title}: {len(cases)} documents ===", "", "per document  (accepted verdicts, false present, "
           "verdicts outside the accepted set: item main label->checker)"]
    for case in cases:
        t, result = s["docs"][case.name], results[case.name]
        off = [f"{v.code} {case.items[v.code][0]}->{v.verdict}" for v in result.items
               if v.verdict not in case.items[v.code][1]]
        if case.name in cc.HELD_OUT and off:
            off = ["(held out: which items are wrong is not shown, so that no one tunes on it)"]
        out.append(f"  {case.name:<34} {case.lang}  {_pct(t.accepted, t.total)}  false present {t.false_present}"
                   f"  {', '.join(off) or '-'}")
    out += ["", f"  {'item':<10} {'accepted':>18}  false present   confusion main label->checker (non-zero)"]
    for code, t in s["items"].items():
        detail = ", ".join(f"{m[0]}->{g[0]} {n}" for (m, g), n in sorted(t.confusion.items()) if n)
        out.append(f"  {code:<10} {_pct(t.accepted, t.total)}  {t.false_present:>13}   {detail}")
    t = s["all"]
    out.append(f"  {'all':<10} {_pct(t.accepted, t.total)}  {t.false_present:>13}")
    out.append("")
    for lang, t in sorted(s["langs"].items()):
        out.append(f"  language {lang}: accepted {_pct(t.accepted, t.total)}, false present {t.false_present}")
    out += ["", "  main label     checker: " + " ".join(f"{g:>8}" for g in VERDICTS)]
    for m in VERDICTS:
        out.append(f"  {m:<24}" + " ".join(f"{s['all'].confusion[(m, g)]:>8}" for g in VERDICTS))
    out.append("")
    for key, label in (("objection_days", "objection period (days)"), ("breach_hours", "breach notice (hours)")):
        c = s[key]
        out.append(f"  {label:<24} stated {c['stated']:>2}: exact {c['exact']}, missed {c['missed']}, "
                   f"wrong {c['wrong']} (of which {c['spurious']} where the label states none)")
    n, o = s["names"], s["outdated"]
    out.append(f"  {'named sub-processors':<24} labelled {n['labelled']}, found {n['got']}, matched {n['matched']}: "
               f"precision {s['names_precision']:.2f}, recall {s['names_recall']:.2f}")
    out.append(f"  {'outdated references':<24} labelled {o['labelled']}: exact {o['exact']}, missed {o['missed']}, "
               f"wrong {o['wrong']}")
    return "\n".join(out)


SCORES_FILE = Path(__file__).resolve().parents[1] / "registry" / "reference" / "data" / "contract_checker_scores.json"


def scores_document(s: dict, split: str, documents: int, on: date) -> dict:
    """What the contract page shows of the checker's record: per item accepted/total/false present, per term."""
    return {
        "date": on.isoformat(),
        "corpus": "development corpus of public DPAs and general terms (../shared/contracts), not the seeds",
        "split": split,
        "documents": documents,
        "threshold_note": "an item accepted on less than 80 % of the documents is shown 'to verify'",
        "items": {code: {"accepted": t.accepted, "total": t.total, "false_present": t.false_present}
                  for code, t in s["items"].items()},
        "terms": {
            "objection_days": {k: s["objection_days"][k] for k in ("stated", "exact", "missed", "wrong")},
            "breach_hours": {k: s["breach_hours"][k] for k in ("stated", "exact", "missed", "wrong")},
            "outdated": {k: s["outdated"][k] for k in ("labelled", "exact", "missed", "wrong")},
            "names": {k: s["names"][k] for k in ("labelled", "got", "matched")},
        },
    }


def write_scores(path: Path, contracts: Path, split: str) -> dict:
    cases = cc.corpus_cases(contracts, split)
    doc = scores_document(cc.score(cases, cc.run(cases)), split, len(cases), date.today())
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("seeds", "dev", "all"), default="all")
    parser.add_argument("--split", choices=("tune", "heldout", "all"), default="all",
                        help="development corpus part: tuning set, held-out set, or both (scored separately)")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--contracts", type=Path, default=cc.CORPUS)
    parser.add_argument("--write-scores", type=Path, nargs="?", const=SCORES_FILE, default=None, metavar="FILE",
                        help="write the per-item scores on the development corpus (the --split part) to FILE "
                             f"(default {SCORES_FILE.relative_to(SCORES_FILE.parents[3])})")
    args = parser.parse_args(argv)
    if args.write_scores:
        doc = write_scores(args.write_scores, args.contracts, args.split)
        print(f"{args.write_scores}: scores of {doc['documents']} documents ({doc['split']}) written")
        return 0
    ok = True
    if args.corpus in ("seeds", "all"):
        report, ok = evaluate(args.seeds, load_labels(args.labels))
        print(report)
        cases = cc.seed_cases(args.seeds, args.labels)
        results = cc.run(cases)
        print("\n" + render_scores("seed contracts", cases, results, cc.score(cases, results)))
    if args.corpus in ("dev", "all"):
        for part in ("tune", "heldout") if args.split == "all" else (args.split,):
            cases = cc.corpus_cases(args.contracts, part)
            results = cc.run(cases)
            title = {"tune": "development corpus, TUNING set", "heldout": "development corpus, HELD-OUT set"}[part]
            print("\n" + render_scores(title, cases, results, cc.score(cases, results)))
        if args.split == "all":
            cases = cc.corpus_cases(args.contracts)
            results = cc.run(cases)
            print("\n" + render_scores("development corpus, ALL (tuning + held-out)", cases, results,
                                        cc.score(cases, results)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
