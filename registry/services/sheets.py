"""Our spreadsheet layout: the JSON export (services/exchange) as one table per area, and back.

Each area is one sheet whose first row names the columns; a record's local `id` links it to the other
sheets (purposes and locations are rows of their own, linked to their activity and sub-processor). Dates and
date-times are real dates (date-times in UTC), numbers are numbers, nested lists stay JSON text in one cell.
Creation stamps are not written: an import starts its own, as with the JSON import.
"""

import json
import types
import typing
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, SQLModel

from registry.domain.refusals import Refused
from registry.models import (
    Activity,
    Breach,
    ClientController,
    DataRequest,
    Organisation,
    ProcessingLocation,
    RetentionRule,
    SecurityMeasure,
    SubProcessor,
    SubProcessorChange,
    Transfer,
)
from registry.models.activities import Purpose
from registry.models.requests import PERSONAL_FIELDS
from registry.services import exchange
from registry.services.csv_files import FORMULA_LEADS, neutralise

# The longest text a cell holds in Excel (and what LibreOffice reads back without cutting it).
CELL_LIMIT = 32_767
STAMPS = ("created_at", "updated_at", "version")


@dataclass(frozen=True)
class Area:
    """One sheet: its key, the export section it comes from, its columns and their kinds."""

    key: str
    title: str  # English heading of the sheet (translated through the catalogs)
    columns: tuple[str, ...]
    kinds: dict[str, str]


def _kind(model: type[SQLModel], name: str) -> str:
    field = model.model_fields.get(name)
    if field is None:
        return "json"
    annotation = field.annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)] if isinstance(
        annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union else [annotation]
    base = args[0] if args else annotation
    if base is datetime:
        return "datetime"
    if base is date:
        return "date"
    if base is bool:
        return "bool"
    if base is int:
        return "int"
    if base is float:
        return "float"
    if base is str:
        return "text"
    return "json"


def _area(key: str, title: str, model: type[SQLModel], skip: set[str], extra: tuple[str, ...] = (),
          first: tuple[str, ...] = ("id",)) -> Area:
    columns = first + tuple(n for n in model.model_fields if n not in skip | set(STAMPS) | {"id", "organisation_id"}) + extra
    kinds = {c: ("int" if c in ("id", *first) else _kind(model, c)) for c in columns}
    for link in extra:
        kinds[link] = "int" if link in ("activity", "subprocessor", "client") else "json"
    return Area(key, title, columns, kinds)


AREAS: tuple[Area, ...] = (
    _area("activities", "Activities", Activity, {"purposes"}, ("clients", "subprocessors", "measures")),
    _area("purposes", "Purposes", Purpose, set(), first=("activity",)),
    _area("clients", "Clients", ClientController, set()),
    _area("subprocessors", "Sub-processors", SubProcessor, {"locations"}),
    _area("locations", "Locations", ProcessingLocation, {"subprocessor_id"}, first=("subprocessor",)),
    _area("transfers", "Transfers", Transfer, {"activity_id", "subprocessor_id"}, ("activity", "subprocessor")),
    _area("retention_rules", "Retention", RetentionRule, {"activity_id"}, ("activity",)),
    _area("measures", "Measures", SecurityMeasure, set()),
    _area("breaches", "Breaches", Breach, set(), ("activities", "subprocessors", "clients", "notices")),
    _area("subprocessor_changes", "Changes", SubProcessorChange, {"subprocessor_id", "replaces_id", "activity_ids"},
          ("subprocessor", "replaces", "activities", "notices", "objections")),
    # Data-subject requests: the requester's name and contact only when asked (--with-personal-data).
    _area("requests", "Requests", DataRequest, {"client_id"}, ("client", "activities")),
)
AREA_BY_KEY = {a.key: a for a in AREAS}


class SheetRefused(Refused):
    """A workbook that cannot be written or read; `where` names the sheet and cell (or the record)."""

    def __init__(self, where: str, message: str):
        super().__init__({where: [message]})
        self.where = where
        self.message = message


def column_letter(index: int) -> str:
    """A1-style letters of a 0-based column index (0 -> A, 26 -> AA)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell(value: object, kind: str) -> object:
    """A value of the JSON export as the cell holds it: a real date, number or boolean, or neutralised text."""
    if value is None:
        return None
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if kind == "datetime" and isinstance(value, str):
        return datetime.fromisoformat(value).astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return neutralise(value)


def _rows(doc: dict) -> dict[str, list[dict]]:
    """The export's sections flattened into the areas' rows (purposes and locations on rows of their own)."""
    rows = {a.key: [] for a in AREAS}
    for key in ("clients", "measures", "transfers", "retention_rules", "breaches", "subprocessor_changes", "requests"):
        rows[key] = doc.get(key) or []
    for act in doc.get("activities") or []:
        rows["activities"].append(act)
        rows["purposes"].extend({"activity": act["id"], **p} for p in act.get("purposes") or [])
    for sub in doc.get("subprocessors") or []:
        rows["subprocessors"].append(sub)
        rows["locations"].extend({"subprocessor": sub["id"], **loc} for loc in sub.get("locations") or [])
    return rows


def _label(area: Area, record: dict) -> str:
    name = (record.get("name") or record.get("legal_name") or record.get("title") or record.get("recipient")
            or record.get("reference"))
    return f"{area.title} id {record.get('id', '?')}" + (f" ({name})" if isinstance(name, str) else "")


def workbook_tables(session: Session, org: Organisation, translate: Callable[[str], str],
                    with_personal_data: bool = False) -> list[tuple[str, list[str], list[list]]]:
    """The organisation's register as (sheet title, headings, rows of cells), headings in the language of `translate`.

    The Requests sheet has no requester's name or contact column unless `with_personal_data` (Art. 5(1)(c)).
    Refused (naming the record) when a cell would be longer than a spreadsheet cell holds.
    """
    return document_tables(exchange.export_organisation(session, org, with_personal_data), translate, with_personal_data)


def document_tables(doc: dict, translate: Callable[[str], str],
                    with_personal_data: bool = False) -> list[tuple[str, list[str], list[list]]]:
    """The tables of an export document (what `workbook_tables` writes for an organisation)."""
    rows = _rows(doc)
    tables = []
    for area in AREAS:
        columns = area.columns
        if area.key == "requests" and not with_personal_data:
            columns = tuple(c for c in columns if c not in PERSONAL_FIELDS)
        out = []
        for record in rows[area.key]:
            line = [_cell(record.get(c), area.kinds[c]) for c in columns]
            for column, value in zip(columns, line, strict=True):
                if isinstance(value, str) and len(value) > CELL_LIMIT:
                    raise SheetRefused(f"{_label(area, record)}.{column}",
                                       f"{len(value)} characters: a spreadsheet cell holds at most {CELL_LIMIT}")
            out.append(line)
        tables.append((translate(area.title), [translate(heading(c)) for c in columns], out))
    return tables


def heading(column: str) -> str:
    """The English heading of a column (its msgid): the field name in words."""
    words = column.replace("_", " ").capitalize().split(" ")
    return " ".join(ABBREVIATIONS.get(w.casefold(), w) for w in words)


ABBREVIATIONS = {"art34": "Art. 34", "art9": "Art. 9", "dpa": "DPA", "dpia": "DPIA", "dpf": "DPF", "dpo": "DPO", "scc": "SCC",
                 "tia": "TIA"}


def all_headings() -> list[str]:
    """Every msgid this layout shows: sheet titles and headings (the catalogs must translate them all)."""
    return sorted({a.title for a in AREAS} | {heading(c) for a in AREAS for c in a.columns})


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def recognise(sheet_names: list[str], translations: list[Callable[[str], str]]) -> dict[str, str] | None:
    """Which sheet holds which area when the workbook is in our layout (in any of the languages), else None."""
    wanted = {}
    for translate in translations:
        for area in AREAS:
            wanted.setdefault(_fold(translate(area.title)), area.key)
    found = {wanted[_fold(n)]: n for n in sheet_names if _fold(n) in wanted}
    return found if {"activities", "purposes"} <= set(found) else None


def unneutralise(text: str) -> str:
    """The text before `neutralise`: the quote it put before a formula lead taken off again."""
    if text.startswith("'") and unicodedata.normalize("NFKC", text[1:2]).startswith(FORMULA_LEADS):
        return text[1:]
    return text


def _value(raw: object, kind: str, where: str) -> object:
    if raw is None or raw == "":
        return None
    if kind == "datetime":
        if isinstance(raw, datetime):
            # A spreadsheet keeps a date-time as a fraction of a day: rounded to the millisecond it reads back exactly.
            raw = raw + timedelta(microseconds=500)
            return raw.replace(microsecond=raw.microsecond // 1000 * 1000, tzinfo=UTC).isoformat()
        raise SheetRefused(where, f"{raw!r} is not a date and time")
    if kind == "date":
        if isinstance(raw, datetime):
            raw = raw.date()
        if isinstance(raw, date):
            return raw.isoformat()
        raise SheetRefused(where, f"{raw!r} is not a date")
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        raise SheetRefused(where, f"{raw!r} is not TRUE or FALSE")
    if kind == "int":
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        raise SheetRefused(where, f"{raw!r} is not a whole number")
    if kind == "float":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return raw
        raise SheetRefused(where, f"{raw!r} is not a number")
    text = unneutralise(str(raw))
    if kind == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SheetRefused(where, f"not a list in JSON ({exc.msg})") from None
    return text


def document(sheets: dict[str, list[list]], found: dict[str, str], translations: list[Callable[[str], str]]) -> dict:
    """The export document (schema 2) that the sheets of our layout hold; each bad cell refused by sheet and cell."""
    doc: dict = {"schema": exchange.SCHEMA, "schema_version": exchange.SCHEMA_VERSION}
    tables: dict[str, list[dict]] = {}
    for area in AREAS:
        name = found.get(area.key)
        grid = sheets.get(name) or [] if name else []
        tables[area.key] = []
        if not grid:
            continue
        names = {}
        for translate in translations:
            for column in area.columns:
                names.setdefault(_fold(translate(heading(column))), column)
        header = [names.get(_fold(str(h))) if h is not None else None for h in grid[0]]
        for col, column in enumerate(header):
            if column is None and grid[0][col] not in (None, ""):
                raise SheetRefused(f"{name} {column_letter(col)}1", f"unknown column {str(grid[0][col])[:80]!r}")
        for r, line in enumerate(grid[1:], start=2):
            if all(v in (None, "") for v in line):
                continue
            record = {}
            for col, column in enumerate(header):
                if column is not None:
                    raw = line[col] if col < len(line) else None
                    record[column] = _value(raw, area.kinds[column], f"{name} {column_letter(col)}{r}")
            record["_where"] = f"{name} row {r}"
            tables[area.key].append(record)
    purposes: dict[object, list] = {}
    for p in tables["purposes"]:
        p.pop("_where")
        purposes.setdefault(p.pop("activity"), []).append(p)
    locations: dict[object, list] = {}
    for loc in tables["locations"]:
        loc.pop("_where")
        locations.setdefault(loc.pop("subprocessor"), []).append(loc)
    for key in ("activities", "clients", "subprocessors", "transfers", "retention_rules", "measures", "breaches",
                "subprocessor_changes", "requests"):
        for record in tables[key]:
            record.pop("_where")
            for link in ("clients", "subprocessors", "measures", "activities", "notices", "objections"):
                if link in record and record[link] is None:
                    record[link] = []
            if key == "activities":
                record["purposes"] = purposes.get(record.get("id"), [])
            if key == "subprocessors":
                record["locations"] = locations.get(record.get("id"), [])
        doc[key] = tables[key]
    return doc
