"""Data-subject requests in the JSON export and import, without the requesters' contact data unless asked.

The register minimises what it keeps (Art. 5(1)(c)); an export leaves the organisation, so by default it carries
each request's facts (dates, rights, activities, answer, relay) but not the requester's name and contact:
`export-json --with-personal-data` includes them, for a migration of the whole register.
"""

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from registry import audit
from registry.domain.refusals import Refused
from registry.models import DataRequest, DataRequestCreate, Organisation, RequestActivity
from registry.models.requests import PERSONAL_FIELDS
from registry.services.requests import snapshot

SKIP = {"id", "organisation_id", "client_id", "created_at", "updated_at", "version"}


def export_requests(session: Session, org: Organisation, local: dict[str, dict[int, int]],
                    with_personal_data: bool = False) -> list[dict]:
    """Every request in creation order, its client and activities as local ids; the requester's data only if asked."""
    out = []
    rows = session.scalars(select(DataRequest).where(DataRequest.organisation_id == org.id).order_by(DataRequest.id))
    for n, row in enumerate(rows, start=1):
        skip = SKIP if with_personal_data else SKIP | set(PERSONAL_FIELDS)
        item = {"id": n, **{k: audit.plain(getattr(row, k)) for k in DataRequest.model_fields if k not in skip}}
        item["client"] = local["clients"].get(row.client_id) if row.client_id is not None else None
        item["activities"] = [{"activity": local["activities"][a.activity_id], "measure": a.measure,
                               "measure_note": a.measure_note} for a in row.activity_links
                              if a.activity_id in local["activities"]]
        out.append(item)
    return out


def import_requests(session: Session, org: Organisation, items: object, created: dict[str, dict[int, SQLModel]],
                    actor: str, refused: type[Refused], known, validate) -> None:
    """Create the requests of an export; refused naming the record and field.

    `known(ref, records)` checks a local id and `validate(model, data, where, allowed)` validates as every section
    of the import does (registry.services.exchange), so both speak the same refusals."""
    if not isinstance(items, list):
        raise refused("requests", "must be a list")
    seen: set[int] = set()
    for index, item in enumerate(items):
        where = f"requests[{index}]"
        if not isinstance(item, dict):
            raise refused(where, "must be an object")
        if not isinstance(item.get("id"), int) or item["id"] in seen:
            raise refused(f"{where}.id", "missing or duplicate local id")
        seen.add(item["id"])
        client = item.get("client")
        if client is not None and not known(client, created["clients"]):
            raise refused(f"{where}.client", f"refers to clients id {client!r}, which is not in the file")
        rows = item.get("activities") or []
        if not isinstance(rows, list) or not all(isinstance(r, dict) and known(r.get("activity"), created["activities"])
                                                 for r in rows):
            raise refused(f"{where}.activities", "refers to activities that are not in the file")
        data = {k: v for k, v in item.items() if k not in ("id", "client", "activities")}
        data["client_id"] = created["clients"][client].id if client is not None else None
        data["activities"] = [{"activity_id": created["activities"][r["activity"]].id, "measure": r.get("measure"),
                               "measure_note": r.get("measure_note")} for r in rows]
        valid = validate(DataRequestCreate, data, where, set(DataRequestCreate.model_fields))
        obj = DataRequest(**valid.table_values(), organisation_id=org.id)
        obj.activity_links = [RequestActivity(**a.model_dump()) for a in valid.activities]
        session.add(obj)
        session.flush()
        audit.record(session, actor, "create", obj, organisation_slug=org.slug, after=snapshot(obj))
