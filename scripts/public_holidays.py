"""Write registry/reference/data/public_holidays.json: France's public holidays 2018-2035 from the `holidays` library.

The register reads the dated table, never the library, so that a deadline printed today stays the deadline
printed tomorrow: rerun this script (``pip install holidays``) to extend the years or add a country, and commit
the table with its new date. Usage: python scripts/public_holidays.py [FIRST_YEAR LAST_YEAR]
"""

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import holidays

COUNTRIES = {
    # Code du travail, art. L3133-1; the library's default subdivision is metropolitan France (Alsace-Moselle's
    # Good Friday and 26 December are local holidays, not national ones).
    "FR": "Code du travail, art. L3133-1 (Légifrance), as computed by the holidays library",
}
OUT = Path(__file__).resolve().parents[1] / "registry" / "reference" / "data" / "public_holidays.json"


def main(first: int = 2018, last: int = 2035) -> None:
    years = range(first, last + 1)
    table = {}
    for code in COUNTRIES:
        days = holidays.country_holidays(code, years=years, language="fr")
        table[code] = {day.isoformat(): name for day, name in sorted(days.items())}
    doc = {
        "title": "Public holidays used to compute legal deadlines (Regulation (EEC, Euratom) No 1182/71, Art. 3(4))",
        "sources": COUNTRIES,
        "generated_by": f"scripts/public_holidays.py with the `holidays` library {holidays.__version__}",
        "generated_on": datetime.now(UTC).date().isoformat(),
        "years": [first, last],
        "holidays": table,
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {sum(len(t) for t in table.values())} days")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
