"""Auditor exports of the sub-processor list as of a date: filtered, CSV safe against formula injection, JSON, fingerprinted."""

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from registry.models import Organisation
from registry.services.subprocessor_history import list_as_of

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("id", "legal_name", "trade_name", "country", "service", "status", "active_from", "retired_on",
               "dpa_signed_on", "dpa_reference", "certifications", "locations", "mechanisms", "activities", "flags")


@dataclass(frozen=True)
class Filters:
    """Auditor filters; None means "any". `flagged`: True keeps flagged sub-processors, False the others."""

    country: str | None = None  # seat
    location: str | None = None  # a processing location's country
    mechanism: str | None = None  # a Chapter V mechanism of one of its transfers
    status: str | None = None
    flagged: bool | None = None

    def keep(self, e: dict) -> bool:
        return (
            (self.country is None or (e.get("country") or "").upper() == self.country.upper())
            and (self.location is None or any(loc["country"] == self.location.upper() for loc in e.get("locations", [])))
            and (self.mechanism is None or any(t.get("mechanism") == self.mechanism for t in e.get("transfers", [])))
            and (self.status is None or e.get("status") == self.status)
            and (self.flagged is None or bool(e.get("flags")) == self.flagged)
        )


def canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def fingerprint(entries: list[dict]) -> str:
    """SHA-256 of the canonical JSON of the exported entries: two exports of the same content share it."""
    return hashlib.sha256(canonical(entries)).hexdigest()


def export_data(session: Session, org: Organisation, day: date, filters: Filters | None = None) -> dict:
    """The list as of `day`, filtered, with its as-of date and content fingerprint."""
    filters = filters or Filters()
    entries = [e for e in list_as_of(session, org, day).entries if filters.keep(e)]
    return {
        "organisation": org.slug,
        "as_of": day.isoformat(),
        "filters": {k: v for k, v in vars(filters).items() if v is not None},
        "count": len(entries),
        "sha256": fingerprint(entries),
        "subprocessors": entries,
    }


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def neutralise(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a quote before it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def _cells(e: dict) -> list[str]:
    joined = {
        "certifications": "; ".join(e.get("certifications") or []),
        "locations": "; ".join(f"{loc['country']} ({loc['kind']})" + (f" {loc['site']}" if loc.get("site") else "")
                               for loc in e.get("locations", [])),
        "mechanisms": "; ".join(sorted({t["mechanism"] for t in e.get("transfers", []) if t.get("mechanism")})),
        "activities": "; ".join(e.get("activities", [])),
        "flags": "; ".join(e.get("flags", [])),
    }
    return [neutralise(joined[c] if c in joined else e.get(c)) for c in CSV_COLUMNS]


def to_csv(data: dict) -> str:
    """CSV with a stamp line (organisation, as-of date, fingerprint) then one row per sub-processor."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(f"# {data['organisation']}"), f"as_of {data['as_of']}", f"sha256 {data['sha256']}"])
    writer.writerow(CSV_COLUMNS)
    for e in data["subprocessors"]:
        writer.writerow(_cells(e))
    return out.getvalue()
