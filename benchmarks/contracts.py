"""`python -m benchmarks contracts`: time to check a synthetic 100-page contract vs extracting its text alone.

The contract is made up here (generic clauses, no real company) and printed to PDF with WeasyPrint;
both timings are taken in the same run, best of N, so the ratio does not depend on the machine.
Target: ratio <= 2.
"""

import argparse
import html
import io
import sys
import time

from registry.domain.contracts.check import check_lines
from registry.services.contract_files import extract

_CLAUSES_FR = [
    "Le Prestataire s'engage à ne traiter les données à caractère personnel que sur instruction documentée du Client, "
    "y compris en ce qui concerne les transferts de données vers un pays tiers.",
    "Le Prestataire veille à ce que les personnes autorisées à traiter les données s'engagent à respecter la confidentialité.",
    "Le Prestataire met en œuvre les mesures techniques et organisationnelles appropriées prévues à l'article 32 du RGPD.",
    "Le Prestataire ne recrute pas d'autre sous-traitant sans l'autorisation écrite préalable du Client et l'informe de "
    "tout changement, le Client pouvant émettre des objections dans un délai de trente (30) jours.",
    "Le Prestataire notifie au Client toute violation de données à caractère personnel dans un délai de 48 heures.",
    "La facturation intervient mensuellement, à terme échu, par prélèvement ou virement bancaire sous trente jours.",
    "Les délais de livraison sont donnés à titre indicatif et ne sauraient engager la responsabilité du Prestataire.",
    "Le Client s'engage à collaborer activement et à fournir en temps utile les informations nécessaires au projet.",
]


def synthetic_contract_pdf(pages: int = 100) -> bytes:
    """A French-style contract of about `pages` A4 pages: numbered articles of generic clauses."""
    from weasyprint import HTML

    parts = ["<style>@page{size:A4;margin:2cm} body{font:10pt serif} h2{font-size:11pt}</style>"]
    article = 0
    while article < pages * 43 // 10:
        article += 1
        parts.append(f"<h2>ARTICLE {article} – STIPULATIONS {article}</h2>")
        for i in range(4):
            parts.append(f"<p>{article}.{i + 1} {html.escape(_CLAUSES_FR[(article + i) % len(_CLAUSES_FR)])}</p>")
    out = io.BytesIO()
    HTML(string="".join(parts)).write_pdf(out)
    return out.getvalue()


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(pages: int = 100, repeat: int = 3) -> dict:
    data = synthetic_contract_pdf(pages)
    extracted = extract(data)
    t_extract = _best(lambda: extract(data), repeat)
    t_check = _best(lambda: check_lines(extract(data).lines), repeat)
    t_check_only = _best(lambda: check_lines(extracted.lines), repeat)
    return {"pages": extracted.pages, "lines": len(extracted.lines), "extract_s": t_extract,
            "extract_and_check_s": t_check, "check_only_s": t_check_only, "ratio": t_check / t_extract,
            "ratio_from_parts": (t_extract + t_check_only) / t_extract}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    r = run(args.pages, args.repeat)
    print(f"synthetic contract: {r['pages']} pages, {r['lines']} lines")
    print(f"extract text only:      {r['extract_s']:.3f} s (best of {args.repeat})")
    print(f"extract + check:        {r['extract_and_check_s']:.3f} s (best of {args.repeat})")
    print(f"check alone:            {r['check_only_s']:.3f} s (best of {args.repeat})")
    print(f"ratio check/extract:    {r['ratio']:.2f}  (target <= 2.00); from the parts "
          f"(extract + check alone) / extract: {r['ratio_from_parts']:.2f}")
    return 0 if r["ratio"] <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
