"""Auditor exports of the sub-processor list as of a date: filtered, JSON, CSV with the interface's labels, fingerprinted."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from registry import reference
from registry.domain.subprocessors import chain_numbers
from registry.models import Organisation
from registry.services.csv_files import write_csv
from registry.services.subprocessor_history import list_as_of


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


def with_chain(entries: list[dict]) -> list[dict]:
    """Each entry with its place in the sub-processor chain of that day (EDPB Opinion 22/2024): `chain_level`
    (1 for one the organisation engages), `chain_number` (1, 1.1, 1.1.1... as annex IV numbers them) and
    `engaged_by` (the legal name of the hop above, None at the first level). Numbered before any filter, so a
    number is the same whatever the filters."""
    by_id = {e["id"]: e for e in entries}
    parents = {i: e.get("parent_id") for i, e in by_id.items()}
    numbers = chain_numbers(parents, {i: (e.get("legal_name") or "").casefold() for i, e in by_id.items()})
    out = []
    for e in entries:
        level, number = numbers[e["id"]]
        above = by_id.get(e.get("parent_id"))
        out.append({**e, "chain_level": level, "chain_number": number,
                    "engaged_by": above.get("legal_name") if above else None})
    return out


def chain_sorted(entries: list[dict]) -> list[dict]:
    """Entries in chain order (each hop right after the one that engages it), as the printed lists show them."""
    return sorted(entries, key=lambda e: tuple(int(x) for x in str(e.get("chain_number") or "0").split(".")))


def fingerprint(entries: list[dict]) -> str:
    """SHA-256 of the canonical JSON of the exported entries: two exports of the same content share it."""
    return hashlib.sha256(canonical(entries)).hexdigest()


def export_data(session: Session, org: Organisation, day: date, filters: Filters | None = None) -> dict:
    """The list as of `day`, filtered, with its as-of date and content fingerprint."""
    filters = filters or Filters()
    entries = [e for e in with_chain(list_as_of(session, org, day).entries) if filters.keep(e)]
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


# Columns of the CSV: the key of each entry and its heading in both languages; the codes follow in their own
# columns so a script can still read them.
CSV_COLUMNS = (
    ("id", "N°", "No."),
    ("legal_name", "Dénomination", "Legal name"),
    ("trade_name", "Nom commercial", "Trade name"),
    ("country", "Établi en", "Established in"),
    ("service", "Service", "Service"),
    ("status", "Statut", "Status"),
    ("active_from", "En service depuis", "In use from"),
    ("retired_on", "Retiré le", "Retired on"),
    ("dpa_signed_on", "Contrat (art. 28) signé le", "DPA (Art. 28) signed on"),
    ("dpa_reference", "Référence du contrat", "DPA reference"),
    ("certifications", "Certifications", "Certifications"),
    ("locations", "Lieux de traitement", "Processing locations"),
    ("mechanisms", "Garanties des transferts", "Transfer safeguards"),
    ("activities", "Traitements", "Activities"),
    ("flags", "Points de conformité", "Compliance points"),
    ("country_code", "Code pays", "Country code"),
    ("status_code", "Code statut", "Status code"),
    ("location_codes", "Codes des lieux", "Location codes"),
    ("mechanism_codes", "Codes des garanties", "Safeguard codes"),
    ("flag_codes", "Codes des points", "Flag codes"),
    # Appended last (issue 17), so a reader of the earlier columns keeps working: the chain of sub-processors.
    ("chain_number", "N° dans la chaîne", "Chain number"),
    ("chain_level", "Niveau", "Level"),
    ("engaged_by", "Engagé par", "Engaged by"),
    ("parent_id", "N° du sous-traitant au-dessus", "No. of the sub-processor above"),
)


def _country(code: str | None, lang: str) -> str:
    found = reference.country(code)
    return found.name(lang) if found else (code or "")


def _cells(e: dict, lang: str) -> dict[str, object]:
    locations = e.get("locations", [])
    mechanisms = sorted({t["mechanism"] for t in e.get("transfers", []) if t.get("mechanism")})
    flags = e.get("flags", [])
    return {
        **e,
        "country": _country(e.get("country"), lang),
        "status": reference.label("subprocessor_statuses", e.get("status"), lang),
        "certifications": "; ".join(e.get("certifications") or []),
        "locations": "; ".join(
            f"{_country(loc['country'], lang)} ({reference.label('location_kinds', loc['kind'], lang)})"
            + (f" {loc['site']}" if loc.get("site") else "") for loc in locations),
        "mechanisms": "; ".join(reference.label("transfer_mechanisms", m, lang) for m in mechanisms),
        "activities": "; ".join(e.get("activities", [])),
        "flags": "; ".join(reference.flag_text(f, lang) for f in flags),
        "country_code": e.get("country"),
        "status_code": e.get("status"),
        "location_codes": "; ".join(f"{loc['country']}:{loc['kind']}" for loc in locations),
        "mechanism_codes": "; ".join(mechanisms),
        "flag_codes": "; ".join(flags),
    }


def to_csv(data: dict, lang: str = "fr") -> str:
    """CSV for a spreadsheet in `lang`: a stamp line (organisation, as-of date, fingerprint), headings, one row each.

    Headings and values are the labels of the interface; the fingerprint is that of the JSON entries, so
    `fingerprint(to_json(...)["subprocessors"])` verifies a CSV file's stamp.
    """
    heading = 1 if lang == "fr" else 2
    stamp = [f"# {data['organisation']}", f"as_of {data['as_of']}", f"sha256 {data['sha256']}"]
    rows = [stamp, [c[heading] for c in CSV_COLUMNS]]
    rows += [[_cells(e, lang).get(c[0]) for c in CSV_COLUMNS] for e in data["subprocessors"]]
    return write_csv(rows, lang)
