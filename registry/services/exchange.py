"""Lossless JSON export and import of one organisation's whole register and breach register (Arts. 30(3)-(4), 33(5)).

Sub-processor changes (Art. 28(2)) travel with their notices and objections. Not carried: contract documents
and accounts (the database backup keeps them), and the audit trail: an import starts its own.
"""

import json
from datetime import date, datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from registry import audit
from registry.domain.refusals import Refused
from registry.domain.subprocessors import would_cycle
from registry.models import (
    Activity,
    ActivityCreate,
    Breach,
    BreachCreate,
    BreachNotice,
    BreachNoticeCreate,
    ChangeNotice,
    ChangeObjection,
    ChangeObjectionCreate,
    ClientController,
    ClientControllerCreate,
    Organisation,
    OrganisationCreate,
    ProcessingLocation,
    ProcessingLocationCreate,
    RetentionRule,
    RetentionRuleCreate,
    SecurityMeasure,
    SecurityMeasureCreate,
    SubProcessor,
    SubProcessorChange,
    SubProcessorChangeCreate,
    SubProcessorCreate,
    Transfer,
    TransferCreate,
)
from registry.models.changes import ChangeNoticeBase, ChangeNoticeState, SubProcessorChangeState
from registry.models.checks import INT_MAX, unsafe_character
from registry.services.crud import new_record
from registry.services.request_exchange import export_requests, import_requests

SCHEMA = "gdpr-registry/register"
# 2 added the breach register ("breaches", each with its notices) and the planned sub-processor changes
# ("subprocessor_changes", each with its notices and objections); files of version 1 still import.
# 3 added the sub-processor chain ("parent": the local id of the hop above; identity, contact and source of each
# hop), on transfers the fallback of a DPF transfer and the importer's Art. 3(2) status, and the data-subject
# requests ("requests") with the organisation's `request_retention_years`.
# Since the reminders, the organisation's `review_months` and each activity's and sub-processor's `reviewed_on`
# (the day a DPO last marked it reviewed) travel too; a file without them imports with 12 months and "never".
SCHEMA_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
STAMPS = ("created_at", "updated_at", "version")
# Section name, table model, validating model, local references (JSON key -> (section, column)).
SECTIONS = (
    ("measures", SecurityMeasure, SecurityMeasureCreate, {}),
    ("clients", ClientController, ClientControllerCreate, {}),
    ("subprocessors", SubProcessor, SubProcessorCreate, {"parent": ("subprocessors", "parent_id")}),
    ("activities", Activity, ActivityCreate, {}),
    ("retention_rules", RetentionRule, RetentionRuleCreate, {"activity": ("activities", "activity_id")}),
    ("transfers", Transfer, TransferCreate,
     {"activity": ("activities", "activity_id"), "subprocessor": ("subprocessors", "subprocessor_id")}),
)
ACTIVITY_LINKS = {"clients": "clients", "subprocessors": "subprocessors", "measures": "measures"}
# A breach's links to the register (JSON key -> section) and the column of a notice that names a client.
BREACH_LINKS = {"activities": "activities", "subprocessors": "subprocessors", "clients": "clients"}
NOTICE_SKIP = {"id", "organisation_id", "breach_id", "client_id"}
# What a change records beyond its input: its state, computed dates and the DPO's decision.
CHANGE_STATE = ("status", "earliest_effective", "effective_on", "dpo_decision")
CHANGE_NOTICE_STATE = ("period_days", "period_recorded", "deadline")
V2_SECTIONS = ("breaches", "subprocessor_changes")
V3_SECTIONS = ("requests",)


class ImportRefused(Refused):
    """A file that cannot be imported; `where` names the record and field."""

    def __init__(self, where: str, message: str):
        super().__init__({where: [message]})
        self.where = where
        self.message = message


def _fields(model: type[SQLModel], record: SQLModel, skip: set[str]) -> dict:
    return {name: audit.plain(getattr(record, name)) for name in model.model_fields if name not in skip}


def export_organisation(session: Session, org: Organisation, with_personal_data: bool = False) -> dict:
    """The whole register of an organisation as plain data: local ids 1..n in creation order, stable keys.

    Requesters' names and contacts are left out unless `with_personal_data` (Art. 5(1)(c) minimisation)."""
    doc: dict = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "organisation": _fields(Organisation, org, {"id"}),
    }
    local: dict[str, dict[int, int]] = {}
    for section, model, _create, refs in SECTIONS:
        rows = session.execute(
            select(model).where(model.organisation_id == org.id).order_by(model.id)
        ).scalars().all()
        local[section] = {row.id: n for n, row in enumerate(rows, start=1)}
        skip = {"id", "organisation_id", *(col for _sec, col in refs.values())}
        out = []
        for row in rows:
            item = {"id": local[section][row.id], **_fields(model, row, skip)}
            for key, (target, column) in refs.items():
                ref = getattr(row, column)
                item[key] = local[target][ref] if ref is not None else None
            if model is SubProcessor:
                item["locations"] = [_fields(ProcessingLocation, loc, {"id", "subprocessor_id"}) for loc in row.locations]
            if model is Activity:
                for key, target in ACTIVITY_LINKS.items():
                    item[key] = sorted(local[target][r.id] for r in getattr(row, key))
            out.append(item)
        doc[section] = out
    doc["breaches"] = _export_breaches(session, org, local)
    doc["subprocessor_changes"] = _export_changes(session, org, local)
    doc["requests"] = export_requests(session, org, local, with_personal_data)
    return doc


def _export_changes(session: Session, org: Organisation, local: dict[str, dict[int, int]]) -> list[dict]:
    """Planned and past sub-processor changes, their notices to clients and the clients' objections."""
    subs, acts, clients = local["subprocessors"], local["activities"], local["clients"]
    out = []
    changes = session.execute(select(SubProcessorChange).where(SubProcessorChange.organisation_id == org.id)
                              .order_by(SubProcessorChange.id)).scalars()
    for n, change in enumerate(changes, start=1):
        item = {"id": n, **_fields(SubProcessorChange, change,
                                   {"id", "organisation_id", "subprocessor_id", "replaces_id", "activity_ids"})}
        item["subprocessor"] = subs[change.subprocessor_id]
        item["replaces"] = subs.get(change.replaces_id) if change.replaces_id is not None else None
        item["activities"] = sorted(acts[a] for a in change.activity_ids if a in acts)
        item["notices"] = sorted(({**_fields(ChangeNotice, x, {"id", "change_id", "client_id"}), "client": clients[x.client_id]}
                                  for x in change.notices), key=lambda x: x["client"])
        item["objections"] = [{**_fields(ChangeObjection, x, {"id", "change_id", "client_id"}), "client": clients[x.client_id]}
                              for x in change.objections]
        out.append(item)
    return out


def _export_breaches(session: Session, org: Organisation, local: dict[str, dict[int, int]]) -> list[dict]:
    """The Art. 33(5) register: every breach with what it affected and each notice sent, in creation order."""
    out = []
    breaches = session.execute(select(Breach).where(Breach.organisation_id == org.id).order_by(Breach.id)).scalars()
    for n, breach in enumerate(breaches, start=1):
        item = {"id": n, **_fields(Breach, breach, {"id", "organisation_id"})}
        for key, section in BREACH_LINKS.items():
            item[key] = sorted(local[section][r.id] for r in getattr(breach, key))
        item["notices"] = [
            {**_fields(BreachNotice, notice, NOTICE_SKIP),
             "client": local["clients"][notice.client_id] if notice.client_id is not None else None}
            for notice in sorted(breach.notices, key=lambda x: (x.sent_at, x.id))
        ]
        out.append(item)
    return out


def dumps(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _label(section: str, index: int, item: dict) -> str:
    name = item.get("legal_name") or item.get("name") or item.get("title") or item.get("recipient")
    shown = isinstance(name, str) and len(name) <= 200 and not unsafe_character(name, lines=False)
    return f"{section}[{index}]" + (f" ({name})" if shown else "")


def _known(ref: object, known: dict[int, SQLModel]) -> bool:
    """Whether `ref` is the local id of a record of the file (a whole number: a list or an object is none)."""
    return isinstance(ref, int) and not isinstance(ref, bool) and ref in known


def _validate(create: type[SQLModel], data: dict, where: str, allowed: set[str]) -> SQLModel:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ImportRefused(f"{where}.{unknown[0]}", f"unknown field (not part of schema version {SCHEMA_VERSION})")
    try:
        return create.model_validate({k: v for k, v in data.items() if k in create.model_fields})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if not loc and ": " in msg:
            loc, msg = msg.split(": ", 1)
        raise ImportRefused(f"{where}.{loc}" if loc else where, msg) from None


def _day(value, where: str) -> date | None:
    """An ISO date of the file, or None."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ImportRefused(where, f"{value!r} is not an ISO 8601 date") from None


def _stamps(data: dict, where: str) -> dict:
    out = {}
    for key in ("created_at", "updated_at"):
        if data.get(key) is not None:
            try:
                value = datetime.fromisoformat(data[key])
            except (TypeError, ValueError):
                raise ImportRefused(f"{where}.{key}", f"{data[key]!r} is not an ISO 8601 date-time") from None
            if value.tzinfo is None:
                raise ImportRefused(f"{where}.{key}", "date-time without a UTC offset")
            out[key] = value
    if data.get("version") is not None:
        version = data["version"]
        if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= INT_MAX:
            raise ImportRefused(f"{where}.version", f"must be a whole number from 1 to {INT_MAX}")
        out["version"] = data["version"]
    return out


def import_register(session: Session, doc: object, slug: str | None = None, actor: str = "import") -> Organisation:
    """Create an organisation and its whole register from exported data; flush only, the caller commits.

    Every record is validated first; a bad record raises ImportRefused naming it and its field.
    """
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ImportRefused("schema", f"not a register export (expected schema {SCHEMA!r})")
    version = doc.get("schema_version")
    if version not in READABLE_VERSIONS:
        raise ImportRefused("schema_version", f"unsupported version {version!r} (this app reads 1 to 3)")
    sections = {"schema", "schema_version", "organisation", *(s[0] for s in SECTIONS)} \
        | set(V2_SECTIONS if version >= 2 else ()) | set(V3_SECTIONS if version >= 3 else ())
    unknown = sorted(set(doc) - sections)
    if unknown:
        raise ImportRefused(unknown[0], "unknown section")
    org_data = doc.get("organisation") or {}
    if not isinstance(org_data, dict):
        raise ImportRefused("organisation", "must be an object")
    org_data = dict(org_data)
    if slug:
        org_data["slug"] = slug
    org_in = _validate(OrganisationCreate, org_data, "organisation", set(OrganisationCreate.model_fields) | set(STAMPS))
    if session.execute(select(Organisation.id).where(Organisation.slug == org_in.slug)).first():
        raise ImportRefused("organisation.slug", f"an organisation {org_in.slug!r} already exists")
    org = Organisation(**org_in.model_dump(), **_stamps(org_data, "organisation"))
    session.add(org)
    session.flush()
    audit.record(session, actor, "create", org, organisation_id=org.id, organisation_slug=org.slug,
                 after=audit.snapshot(org))
    import_records(session, org, doc, actor)
    return org


def import_records(session: Session, org: Organisation, doc: dict, actor: str = "import") -> None:
    """Create the records of an export document's sections in `org` (its own entry is not read); flush only."""
    created: dict[str, dict[int, SQLModel]] = {}
    trail: list[SQLModel] = []  # the records created, their audit entries written in one batch once all exist
    for section, model, create, refs in SECTIONS:
        items = doc.get(section) or []
        if not isinstance(items, list):
            raise ImportRefused(section, "must be a list")
        created[section] = {}
        for index, item in enumerate(items):
            where = _label(section, index, item if isinstance(item, dict) else {})
            if not isinstance(item, dict):
                raise ImportRefused(where, "must be an object")
            local_id = item.get("id")
            if not isinstance(local_id, int) or local_id in created[section]:
                raise ImportRefused(f"{where}.id", "missing or duplicate local id")
            data = {k: v for k, v in item.items() if k not in refs and k not in ("id", "reviewed_on", *STAMPS)}
            for key, (target, column) in refs.items():
                ref = item.get(key)
                if target == section:  # a hop above may come later in the file: linked once all are created
                    data[column] = None
                    continue
                if ref is not None and not _known(ref, created[target]):
                    raise ImportRefused(f"{where}.{key}", f"refers to {target} id {ref!r}, which is not in the file")
                # A placeholder id passes validation; the real id is set once the target exists.
                data[column] = created[target][ref].id if ref is not None else None
            links = {}
            if model is Activity:
                for key, target in ACTIVITY_LINKS.items():
                    refs_list = data.pop(key, [])
                    if not isinstance(refs_list, list) or not all(_known(r, created[target]) for r in refs_list):
                        raise ImportRefused(f"{where}.{key}", f"refers to {target} that are not in the file")
                    links[key] = [created[target][r] for r in refs_list]
            allowed = set(create.model_fields) | set(ACTIVITY_LINKS if model is Activity else ())
            valid = _validate(create, data, where, allowed | {"locations"} if model is SubProcessor else allowed)
            values = valid.model_dump(exclude={"locations"} if model is SubProcessor else set())
            record = new_record(model, {**values, "organisation_id": org.id, **_stamps(item, where)})
            if "reviewed_on" in model.model_fields:
                record.reviewed_on = _day(item.get("reviewed_on"), f"{where}.reviewed_on")
            if model is SubProcessor:
                record.locations = [ProcessingLocation(**loc.model_dump()) for loc in valid.locations]
            for key, targets in links.items():
                setattr(record, key, targets)
            session.add(record)
            created[section][local_id] = record
        session.flush()  # one flush per section: the next sections refer to these records' ids
        if model is SubProcessor:
            _link_chain(session, org, items, created[section], actor)
        trail.extend(created[section].values())
    audit.record_many(session, actor, [("create", r, None, audit.snapshot(r)) for r in trail], organisation_slug=org.slug)
    _import_breaches(session, org, doc.get("breaches") or [], created, actor)
    _import_changes(session, org, doc.get("subprocessor_changes") or [], created, actor)
    import_requests(session, org, doc.get("requests") or [], created, actor, ImportRefused, _known, _validate)


def _link_chain(session: Session, org: Organisation, items: list, subs: dict[int, SubProcessor], actor: str) -> None:
    """Hang each sub-processor under the hop its `parent` names, refusing a loop, then record the creations."""
    parents: dict[int, int | None] = {}
    for index, item in enumerate(items):
        ref = item.get("parent")
        if ref is not None and ref not in subs:
            where = _label("subprocessors", index, item)
            raise ImportRefused(f"{where}.parent", f"refers to subprocessors id {ref!r}, which is not in the file")
        parents[item["id"]] = ref
    for index, item in enumerate(items):
        rest = {k: v for k, v in parents.items() if k != item["id"]}
        if would_cycle(rest, item["id"], parents[item["id"]]):
            where = _label("subprocessors", index, item)
            raise ImportRefused(f"{where}.parent", "the chain of sub-processors loops back to this one")
        subs[item["id"]].parent_id = subs[parents[item["id"]]].id if parents[item["id"]] is not None else None
    session.flush()


def _ref(item: dict, key: str, where: str, known: dict[int, SQLModel], target: str, required: bool = False) -> int | None:
    ref = item.get(key)
    if ref is None and not required:
        return None
    if not _known(ref, known):
        raise ImportRefused(f"{where}.{key}", f"refers to {target} id {ref!r}, which is not in the file")
    return known[ref].id


def _objects(item: dict, key: str, where: str) -> list[tuple[str, dict]]:
    values = item.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise ImportRefused(f"{where}.{key}", "must be a list of objects")
    return [(f"{where}.{key}[{n}]", v) for n, v in enumerate(values)]


def _import_changes(session: Session, org: Organisation, items: object, created: dict, actor: str) -> None:
    if not isinstance(items, list):
        raise ImportRefused("subprocessor_changes", "must be a list")
    subs, clients = created["subprocessors"], created["clients"]
    for index, item in enumerate(items):
        where = f"subprocessor_changes[{index}]"
        if not isinstance(item, dict):
            raise ImportRefused(where, "must be an object")
        data = {k: v for k, v in item.items()
                if k not in ("id", "subprocessor", "replaces", "activities", "notices", "objections", *STAMPS, *CHANGE_STATE)}
        data["subprocessor_id"] = _ref(item, "subprocessor", where, subs, "subprocessors", required=True)
        data["replaces_id"] = _ref(item, "replaces", where, subs, "subprocessors")
        data["activity_ids"] = [a.id for a in _local_ids(item, "activities", where, created["activities"], "activities")]
        valid = _validate(SubProcessorChangeCreate, data, where, set(SubProcessorChangeCreate.model_fields))
        state = _validate(SubProcessorChangeState, {k: item[k] for k in CHANGE_STATE if item.get(k) is not None}, where,
                          set(CHANGE_STATE))
        change = SubProcessorChange(**valid.table_values(), organisation_id=org.id, **_stamps(item, where),
                                    **state.model_dump())
        change.new_locations = [loc.model_dump() for loc in valid.new_locations]
        session.add(change)
        session.flush()
        for at, notice in _objects(item, "notices", where):
            fields = {k: v for k, v in notice.items() if k not in ("client", *CHANGE_NOTICE_STATE)}
            fields["client_id"] = _ref(notice, "client", at, clients, "clients", required=True)
            valid_notice = _validate(ChangeNoticeBase, fields, at, set(ChangeNoticeBase.model_fields))
            extra = _validate(ChangeNoticeState, {k: notice[k] for k in CHANGE_NOTICE_STATE if notice.get(k) is not None}, at,
                              set(CHANGE_NOTICE_STATE))
            session.add(ChangeNotice(**valid_notice.model_dump(), change_id=change.id, **extra.model_dump()))
        for at, objection in _objects(item, "objections", where):
            fields = {k: v for k, v in objection.items() if k != "client"}
            fields["client_id"] = _ref(objection, "client", at, clients, "clients", required=True)
            valid_objection = _validate(ChangeObjectionCreate, fields, at, set(ChangeObjectionCreate.model_fields))
            session.add(ChangeObjection(**valid_objection.model_dump(), change_id=change.id))
        session.flush()
        session.refresh(change)
        audit.record(session, actor, "create", change, organisation_slug=org.slug, after=audit.snapshot(change))


def _local_ids(item: dict, key: str, where: str, known: dict[int, SQLModel], target: str) -> list[SQLModel]:
    refs = item.get(key, [])
    if not isinstance(refs, list) or not all(_known(r, known) for r in refs):
        raise ImportRefused(f"{where}.{key}", f"refers to {target} that are not in the file")
    return [known[r] for r in refs]


def _import_breaches(session: Session, org: Organisation, items: object, created: dict, actor: str) -> None:
    if not isinstance(items, list):
        raise ImportRefused("breaches", "must be a list")
    seen: set[int] = set()
    allowed = set(BreachCreate.model_fields) - {"activity_ids", "subprocessor_ids", "client_ids"}
    for index, item in enumerate(items):
        where = _label("breaches", index, item if isinstance(item, dict) else {})
        if not isinstance(item, dict):
            raise ImportRefused(where, "must be an object")
        if not isinstance(item.get("id"), int) or item["id"] in seen:
            raise ImportRefused(f"{where}.id", "missing or duplicate local id")
        seen.add(item["id"])
        links = {key: _local_ids(item, key, where, created[section], section) for key, section in BREACH_LINKS.items()}
        data = {k: v for k, v in item.items() if k not in ("id", "notices", *STAMPS, *BREACH_LINKS)}
        valid = _validate(BreachCreate, data, where, allowed)
        breach = Breach(**valid.table_values(), organisation_id=org.id, **_stamps(item, where))
        for key, records in links.items():
            setattr(breach, key, records)
        session.add(breach)
        session.flush()
        audit.record(session, actor, "create", breach, organisation_slug=org.slug, after=audit.snapshot(breach))
        notices = item.get("notices") or []
        if not isinstance(notices, list):
            raise ImportRefused(f"{where}.notices", "must be a list")
        for n, notice_item in enumerate(notices):
            at = f"{where}.notices[{n}]"
            if not isinstance(notice_item, dict):
                raise ImportRefused(at, "must be an object")
            client = notice_item.get("client")
            if client is not None and not _known(client, created["clients"]):
                raise ImportRefused(f"{at}.client", f"refers to clients id {client!r}, which is not in the file")
            data = {k: v for k, v in notice_item.items() if k not in ("client", *STAMPS)}
            data["client_id"] = created["clients"][client].id if client is not None else None
            valid_notice = _validate(BreachNoticeCreate, data, at, set(BreachNoticeCreate.model_fields))
            notice = BreachNotice(**valid_notice.model_dump(), organisation_id=org.id, breach_id=breach.id,
                                  **_stamps(notice_item, at))
            session.add(notice)
            session.flush()
            audit.record(session, actor, "create", notice, organisation_slug=org.slug, after=audit.snapshot(notice))


def import_file(session: Session, text: str | bytes, slug: str | None = None, actor: str = "import") -> Organisation:
    """Import a file's content: refused, naming where, unless it is UTF-8 JSON of a register export."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImportRefused("file", f"not UTF-8 text (byte {exc.start} cannot be read)") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise ImportRefused("file", "nested too deeply to be a register export") from None
    return import_register(session, doc, slug, actor)


__all__ = ["ImportRefused", "ProcessingLocationCreate", "dumps", "export_organisation", "import_file", "import_records",
           "import_register"]
