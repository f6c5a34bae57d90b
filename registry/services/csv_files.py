"""The project's one CSV writer: UTF-8 with a byte-order mark, every cell quoted, no cell a spreadsheet runs.

A spreadsheet runs a cell that starts with `= + - @`, a tab or a carriage return as a formula (OWASP
"CSV injection"), and Excel also reads the fullwidth forms (`＝ ＋ － ＠`) as those characters, so the
lead is tested after Unicode NFKC normalisation and such a cell gets an apostrophe before it. Every cell
is quoted, so a reader that splits on another separator (French Excel uses `;`) still keeps each cell
whole and cannot start a new one inside it.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")
BOM = "\ufeff"


def neutralise(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading formula character (after NFKC) gets a quote before it."""
    text = "" if value is None else str(value)
    lead = unicodedata.normalize("NFKC", text[:1])
    return "'" + text if lead.startswith(FORMULA_LEADS) else text


def separator(lang: str) -> str:
    """The separator the spreadsheets of that language expect: `;` in French (the comma is the decimal mark)."""
    return ";" if lang == "fr" else ","


def write_csv(rows: Iterable[Sequence[object]], lang: str = "en") -> str:
    """The rows as CSV text, starting with the byte-order mark Excel needs to read UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator(lang), quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return BOM + out.getvalue()
