"""The CNIL's simplified register (list sheet, one fiche per activity, lists) mapped onto an organisation's register.

Fiches are found by their labels in column A, whatever the sheet is called; every problem is named by sheet
and cell. Activities are matched by their reference: importing the same workbook again updates them.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session

from registry import audit, clock, reference
from registry.domain import cnil_register as cnil
from registry.models import (
    Activity,
    ActivityCreate,
    Organisation,
    RetentionRule,
    RetentionRuleCreate,
    SecurityMeasure,
    Transfer,
    TransferCreate,
)
from registry.services.activities import update_activity
from registry.services.crud import Invalid, new_record, validate
from registry.services.sheets import SheetRefused, column_letter, unneutralise

NAME_LABEL = "nom du traitement"
EXAMPLE_SHEET = "exemple de fiche"


@dataclass
class Layout:
    list_sheet: str | None
    lists_sheet: str | None
    fiches: list[str]


def _a(grid: list[list], r: int, c: int = 0) -> object:
    row = grid[r] if r < len(grid) else []
    return row[c] if c < len(row) else None


def recognise(book: dict[str, list[list]]) -> Layout | None:
    """The CNIL layout's sheets, or None: fiches by the label "Nom du traitement" in column A, lists by their names."""
    fiches, list_sheet, lists_sheet = [], None, None
    for name, grid in book.items():
        folded = cnil.fold(name)
        if any(cnil.fold(_a(grid, r)) == NAME_LABEL for r in range(min(len(grid), 40))):
            fiches.append(name)
        elif "liste des traitements" in folded:
            list_sheet = name
        elif folded.endswith("listes"):
            lists_sheet = name
    if not fiches and list_sheet is None:
        return None
    return Layout(list_sheet, lists_sheet, fiches)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # The quote our exports put before a formula lead (=, +, -, @) comes off again.
    text = unneutralise(str(value).strip())
    return text or None


class _Fiche:
    """One fiche read: the values by section, with the problems found in it."""

    def __init__(self, sheet: str, grid: list[list], problems: list[str]):
        self.sheet, self.grid, self.problems = sheet, grid, problems

    def cell(self, r: int, c: int) -> str:
        return f"fiche '{self.sheet}' {column_letter(c)}{r + 1}"

    def value(self, r: int, c: int) -> str | None:
        raw = _a(self.grid, r, c)
        if cnil.is_placeholder(raw):
            self.problems.append(f"{self.cell(r, c)}: drop-down placeholder left: read as empty")
            return None
        return _text(raw)

    def date(self, r: int, c: int) -> date | None:
        raw = _a(self.grid, r, c)
        if raw is None or raw == "":
            return None
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        try:
            return datetime.strptime(str(raw).strip(), "%d/%m/%Y").date()
        except ValueError:
            self.problems.append(f"{self.cell(r, c)}: {str(raw)[:80]!r} is not a date (dd/mm/yyyy)")
            return None


def read_fiche(sheet: str, grid: list[list], problems: list[str], today: date) -> dict:
    """The activity a fiche describes, with its contacts, retention sentences, measures and transfers."""
    f = _Fiche(sheet, grid, problems)
    out: dict = {"name": None, "reference": None, "purposes": [], "data_categories": [], "data_subjects": [],
                 "recipients": [], "retention": [], "measures": [], "transfers": [], "contacts": {}, "where": {}}
    section = None
    for r in range(len(grid)):
        label = cnil.fold(_a(grid, r))
        if not label:
            continue
        if label == NAME_LABEL:
            out["name"], out["where"]["name"] = f.value(r, 1), f.cell(r, 1)
        elif label.startswith("n°") or label.startswith("n ° ") or label in ("ref", "reference"):
            out["reference"] = f.value(r, 1)
        elif label.startswith("date de creation") or label.startswith("mise a jour"):
            f.date(r, 1)
        elif label.startswith("responsable du traitement"):
            out["contacts"]["controller"] = [f.value(r, c) for c in range(1, 8)]
        elif label.startswith("delegue a la protection"):
            out["contacts"]["dpo"] = [f.value(r, c) for c in range(1, 8)]
        elif label.startswith("societe du dpo"):
            out["contacts"]["dpo_company"] = f.value(r, 1)
        elif label.startswith("representant"):
            out["contacts"]["representative"] = [f.value(r, c) for c in range(1, 8)]
        elif label.startswith("responsable(s) conjoint") or label.startswith("responsables conjoints"):
            joint = [v for v in (f.value(r, c) for c in range(1, 8)) if v]
            out["joint_controller"] = ", ".join(joint)[:500] or None
        elif label.startswith("finalite principale") or label.startswith("sous-finalite"):
            purpose = f.value(r, 1)
            if purpose:
                out["purposes"].append({"purpose": purpose})
        elif label.startswith("categories de donnees personnelles"):
            section = "categories"
        elif label.startswith("donnees sensibles"):
            section = "sensitive"
        elif label.startswith("categories de personnes"):
            section = "subjects"
        elif label.startswith("destinataires"):
            section = "recipients"
        elif label.startswith("mesures de securite"):
            section = "measures"
        elif label.startswith("transferts hors ue"):
            section = "transfers"
        elif section in ("categories", "sensitive"):
            code = cnil.row_code(label, cnil.CATEGORY_ROWS if section == "categories" else cnil.SENSITIVE_ROWS)
            detail, keep = f.value(r, 1), f.value(r, 4)
            if code is None or detail is None or cnil.fold(detail) in ("non", "no"):
                continue
            out["data_categories"].append({"code": code, "detail": None if cnil.fold(detail) == "oui" else detail[:500]})
            if keep:
                out["retention"].append((code, keep, f.cell(r, 4)))
        elif section == "subjects" and label.startswith("categorie de personnes"):
            kind, detail = f.value(r, 1), f.value(r, 4)
            if kind or detail:
                code = cnil.subject_code(kind or "")
                out["data_subjects"].append({"code": code, "detail": (detail or (kind if code == "other" else None))})
        elif section == "recipients" and label.startswith("destinataire"):
            kind, detail = f.value(r, 1), f.value(r, 4)
            if kind or detail:
                code = cnil.vocabulary_code("recipients", kind) or cnil.row_code(kind or "", cnil.RECIPIENTS) or "other"
                out["recipients"].append({"code": code, "detail": detail or (kind if code == "other" else None)})
        elif section == "measures" and label.startswith("mesure de securite"):
            kind, detail = f.value(r, 1), f.value(r, 4)
            if kind or detail:
                heading = cnil.vocabulary_code("measure_headings", kind) or cnil.row_code(kind or "", cnil.MEASURES)
                out["measures"].append((heading or "other", kind, detail))
        elif section == "transfers" and label.startswith("organisme destinataire"):
            recipient = f.value(r, 1)
            if recipient:
                transfer = _transfer(f, r, recipient, today)
                if transfer["destination_country"] is not None:
                    out["transfers"].append(transfer)
    return out


def _transfer(f: _Fiche, r: int, recipient: str, today: date) -> dict:
    country_text, safeguard, documentation = f.value(r, 2), f.value(r, 3), f.value(r, 5)
    country = cnil.country_code(country_text)
    if country_text and country is None:
        f.problems.append(f"{f.cell(r, 2)}: country {country_text[:80]!r} does not map to a country code: "
                          "transfer not imported")
    mechanism = None
    if safeguard:
        if cnil.PRIVACY_SHIELD in cnil.fold(safeguard):
            f.problems.append(f"{f.cell(r, 3)}: {safeguard[:80]!r} is not a valid safeguard since 16 July 2020 "
                              "(CJEU C-311/18): record the mechanism now used")
        else:
            mechanism = cnil.vocabulary_code("transfer_mechanisms", safeguard) or cnil.row_code(safeguard, cnil.SAFEGUARDS)
            if mechanism is None:
                f.problems.append(f"{f.cell(r, 3)}: safeguard {safeguard[:80]!r} is not one we know")
    if mechanism == "adequacy" and country:
        decision = reference.adequacy_for(country, today)
        if decision is None:
            f.problems.append(f"{f.cell(r, 3)}: no adequacy decision covers {country} today: record another safeguard")
            mechanism = None
        elif decision.condition == "dpf_certified_only":
            f.problems.append(f"{f.cell(r, 3)}: {country} is adequate only for DPF-certified importers: "
                              "recorded as DPF, check the importer's certification")
            mechanism = "dpf"
    return {"recipient": recipient[:200], "destination_country": country, "mechanism": mechanism,
            "document_reference": documentation[:300] if documentation else None, "where": f.cell(r, 1)}


def check_lists(sheet: str, grid: list[list], problems: list[str], today: date) -> None:
    """The stale zones of the template's country list, named by cell (never trusted: our dated list decides)."""
    for r in range(len(grid)):
        name, zone = _a(grid, r, 2), cnil.fold(_a(grid, r, 3))
        if not name or zone not in ("adequat", "non adequat"):
            continue
        code = cnil.country_code(name)
        if code is None:
            continue
        decision = reference.adequacy_for(code, today)
        where = f"{sheet} C{r + 1}"
        if zone == "adequat" and decision is not None and decision.condition == "dpf_certified_only":
            problems.append(f"{where}: {str(name)[:80]!r} marked adequate: only DPF-certified importers are; "
                            "record the mechanism")
        elif zone == "adequat" and decision is None and not reference.is_eea(code):
            problems.append(f"{where}: {str(name)[:80]!r} marked adequate: no adequacy decision covers it today")
        elif zone == "non adequat" and decision is not None:
            problems.append(f"{where}: {str(name)[:80]!r} marked not adequate: an adequacy decision covers it "
                            f"({decision.decision[:80]})")


def _contacts(org: Organisation, contacts: dict, list_contacts: dict) -> dict:
    """The organisation's fields the fiche's actors (or the list sheet's contacts) give."""
    values: dict = {}
    controller = contacts.get("controller") or []
    if controller and controller[0]:
        address = ", ".join(v for v in controller[1:4] if v)
        values.update(legal_name=controller[0][:200], address=address[:500] or None,
                      contact_phone=(controller[5] or "")[:50] or None, contact_email=(controller[6] or "")[:254] or None)
    dpo = contacts.get("dpo") or []
    if dpo and dpo[0]:
        values.update(dpo_name=dpo[0][:200], dpo_phone=(dpo[5] or "")[:50] or None, dpo_email=(dpo[6] or "")[:254] or None)
    if contacts.get("dpo_company"):
        values["dpo_company"] = contacts["dpo_company"][:200]
    rep = [v for v in (contacts.get("representative") or []) if v]
    if rep:
        values["representative"] = ", ".join(rep)[:500]
    for key, value in list_contacts.items():
        values.setdefault(key, value)
    return {k: v for k, v in values.items() if v and getattr(org, k) != v}


def read_list(sheet: str, grid: list[list], problems: list[str]) -> tuple[dict, list[dict]]:
    """The list sheet: the controller and DPO contacts (rows 1-6) and one activity per row from row 9."""
    contacts: dict = {}
    labels = {"nom": "name", "adresse": "address", "adresse mel": "email", "telephone": "phone"}
    for r, prefix in ((0, ""), (4, "dpo_")):
        for rr in (r, r + 1):
            for c in (1, 3, 5, 7):
                key = labels.get(cnil.fold(_a(grid, rr, c)))
                value = _text(_a(grid, rr, c + 1))
                if key and value:
                    contacts[f"{prefix}{key}"] = value
    mapped = {"name": "legal_name", "address": "address", "email": "contact_email", "phone": "contact_phone",
              "dpo_name": "dpo_name", "dpo_email": "dpo_email", "dpo_phone": "dpo_phone"}
    org_values = {mapped[k]: v for k, v in contacts.items() if k in mapped}
    rows = []
    for r in range(8, len(grid)):
        name = _text(_a(grid, r, 0))
        if not name or name.upper().startswith("(EXEMPLE)"):
            continue
        purposes = [p.strip() for c in (4, 5, 6) for p in (_text(_a(grid, r, c)) or "").split(",") if p.strip()]
        for c in (2, 3):
            raw = _a(grid, r, c)
            if raw not in (None, "") and not isinstance(raw, date):
                try:
                    datetime.strptime(str(raw).strip(), "%d/%m/%Y")
                except ValueError:
                    problems.append(f"{sheet} {column_letter(c)}{r + 1}: {str(raw)[:80]!r} is not a date (dd/mm/yyyy)")
        rows.append({"name": name, "reference": _text(_a(grid, r, 1)),
                     "purposes": [{"purpose": p} for p in purposes], "where": f"{sheet} A{r + 1}"})
    return org_values, rows


class _Existing:
    """The organisation's records an import matches against, loaded once (one query per kind, not one per row)."""

    def __init__(self, session: Session, org: Organisation):
        def rows(model):
            return session.execute(select(model).where(model.organisation_id == org.id)).scalars().all()

        self.activities = {a.reference: a for a in rows(Activity)}
        self.measures = {(m.heading, m.title): m for m in rows(SecurityMeasure)}
        self.by_model = {
            RetentionRule: {(r.activity_id, r.data_category): r for r in rows(RetentionRule)},
            Transfer: {(t.activity_id, t.recipient): t for t in rows(Transfer)},
        }


def apply(session: Session, org: Organisation, book: dict[str, list[list]], layout: Layout, report, actor: str,
          progress=None) -> None:
    """Write the workbook's activities (created, or updated when their reference exists) and contacts; flush only."""
    today = clock.now().date()
    problems = report.problems
    if layout.lists_sheet:
        check_lists(layout.lists_sheet, book[layout.lists_sheet], problems, today)
    org_values, listed = read_list(layout.list_sheet, book[layout.list_sheet], problems) if layout.list_sheet else ({}, [])
    fiches = []
    for sheet in layout.fiches:
        if EXAMPLE_SHEET in cnil.fold(sheet):
            problems.append(f"fiche '{sheet}': the CNIL's example fiche, not imported")
            continue
        fiche = read_fiche(sheet, book[sheet], problems, today)
        if not fiche["name"]:
            if any(fiche[k] for k in ("purposes", "data_categories", "transfers")):
                problems.append(f"{fiche['where'].get('name', f'fiche {sheet!r}')}: no activity name: fiche not imported")
            continue
        fiches.append(fiche)
    by_key = {(f["reference"] or f["name"]).casefold(): f for f in fiches}
    for row in listed:
        if (row["reference"] or row["name"]).casefold() not in by_key and row["name"].casefold() not in {
                f["name"].casefold() for f in fiches}:
            fiches.append({**row, "data_categories": [], "data_subjects": [], "recipients": [], "retention": [],
                           "measures": [], "transfers": [], "contacts": {}, "where": {"name": row["where"]}})
    contacts: dict = {}
    for fiche in fiches:
        for key, value in fiche["contacts"].items():
            contacts.setdefault(key, value)
    changes = _contacts(org, contacts, org_values)
    known = _Existing(session, org)
    plan = _Plan()
    # Nothing is written while the fiches are read: the progress a job records meanwhile never waits for this
    # transaction's lock (SQLite has one writer at a time).
    for n, fiche in enumerate(fiches, start=1):
        _prepare(org, fiche, n, report, known, plan)
        if progress is not None:
            progress(n, len(fiches))
    if changes:
        before = audit.snapshot(org)
        for key, value in changes.items():
            setattr(org, key, value)
        session.flush()
        audit.record(session, actor, "update", org, before=before, after=audit.snapshot(org))
        report.updated.insert(0, ("organisation", {k: (before.get(k), v) for k, v in changes.items()}))
    _write(session, org, plan, actor, report, known)


@dataclass
class _Plan:
    """What the fiches ask to write, validated before anything is: new records, and updates of existing ones."""

    measures: list = field(default_factory=list)  # new SecurityMeasure records
    activities: list = field(default_factory=list)  # new Activity records
    updates: list = field(default_factory=list)  # (activity, data, measures, where) of activities that exist
    details: list = field(default_factory=list)  # (activity, model, values, keys, label) of retention and transfers


def _measures(org: Organisation, found: list, report, known: _Existing, plan: _Plan) -> list[SecurityMeasure]:
    out = []
    for heading, kind, detail in found:
        title = (detail or kind or heading)[:200]
        existing = known.measures.get((heading, title))
        if existing is None:
            existing = new_record(SecurityMeasure, {"organisation_id": org.id, "heading": heading, "title": title,
                                              "description": detail if detail and len(detail) > 200 else None})
            plan.measures.append(existing)
            report.created.append(f"measure {title}")
            known.measures[(heading, title)] = existing
        out.append(existing)
    return out


def _prepare(org: Organisation, fiche: dict, n: int, report, known: _Existing, plan: _Plan) -> None:
    """Validate one fiche's activity, retention sentences and transfers; nothing is written yet."""
    where = fiche["where"].get("name", "")
    ref = fiche.get("reference") or f"CNIL-{n}"
    data = {"reference": ref, "name": fiche["name"], "role": "controller", "purposes": fiche["purposes"],
            "data_categories": fiche["data_categories"], "data_subjects": fiche["data_subjects"],
            "recipients": fiche["recipients"], "joint_controller": fiche.get("joint_controller")}
    measures = _measures(org, fiche["measures"], report, known, plan)
    obj = known.activities.get(ref)
    try:
        valid = validate(ActivityCreate, data)
    except Invalid as exc:
        raise SheetRefused(where, exc.summary()) from None
    if obj is None:
        obj = new_record(Activity, {**valid.table_values(), "organisation_id": org.id})
        obj.measures, obj.clients, obj.subprocessors = list(measures), [], []
        plan.activities.append(obj)
        report.created.append(f"activity {ref} ({obj.name})")
        known.activities[ref] = obj
    else:
        plan.updates.append((obj, data, measures, where))
    for code, text, cell in fiche["retention"]:
        parsed = cnil.parse_retention(text)
        if parsed is None:
            report.problems.append(f"{cell}: {text[:80]!r} kept as text: no duration we can read")
            parsed = {"kind": "indeterminate", "criteria": text}
        values = _valid(RetentionRuleCreate, {"activity_id": obj.id or 1, "data_category": code, **parsed}, cell)
        plan.details.append((obj, RetentionRule, values, ("activity_id", "data_category"), f"retention {ref}/{code}"))
    for transfer in fiche["transfers"]:
        cell = transfer.pop("where")
        values = _valid(TransferCreate, {"activity_id": obj.id or 1, **transfer}, cell)
        plan.details.append((obj, Transfer, values, ("activity_id", "recipient"),
                             f"transfer {ref} -> {transfer['recipient']}"))


def _valid(create, data: dict, cell: str) -> dict:
    """The values of a record once its validating model accepts them (the activity's id is set when written)."""
    try:
        return create.model_validate(data).model_dump()
    except ValidationError as exc:
        err = exc.errors()[0]
        message = err["msg"].removeprefix("Value error, ")
        at = ".".join(str(p) for p in err["loc"])
        raise SheetRefused(cell, f"{at}: {message}"[:300] if at else message[:300]) from None


def _write(session: Session, org: Organisation, plan: _Plan, actor: str, report, known: _Existing) -> None:
    """Write the plan in a few statements: new records in one flush per kind, one batch of audit entries."""
    session.add_all(plan.measures)
    session.add_all(plan.activities)
    session.flush()
    for obj, data, measures, where in plan.updates:
        ids = sorted({m.id for m in obj.measures} | {m.id for m in measures})
        try:
            changed = update_activity(session, org, obj, {**data, "measure_ids": ids}, actor)
        except Invalid as exc:
            raise SheetRefused(where, exc.summary()) from None
        if changed:
            report.updated.append((f"activity {obj.reference} ({obj.name})", changed))
    created, updated = [], []
    for obj, model, values, keys, label in plan.details:
        values["activity_id"] = obj.id
        key = tuple(values[k] for k in keys)
        existing = known.by_model[model].get(key)
        if existing is None:
            record = new_record(model, {**values, "organisation_id": org.id})
            known.by_model[model][key] = record
            created.append(record)
            report.created.append(label)
            continue
        changed = {k: (getattr(existing, k), v) for k, v in values.items() if getattr(existing, k) != v}
        if changed:
            before = audit.snapshot(existing)
            for k, (_old, v) in changed.items():
                setattr(existing, k, v)
            updated.append((existing, before))
            report.updated.append((label, changed))
    session.add_all(created)
    session.flush()
    entries = [("create", r, None, audit.snapshot(r)) for r in (*plan.measures, *plan.activities, *created)]
    entries += [("update", r, before, audit.snapshot(r)) for r, before in updated]
    audit.record_many(session, actor, entries)
