"""The sub-processor list as of any past date (Art. 28(2), Art. 30(2)(d)), rebuilt from the audit trail alone."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from registry.domain.changes import diff_lists
from registry.domain.dates import ordered_range
from registry.domain.subprocessors import SubProcessorFacts, subprocessor_flags
from registry.domain.transfers import is_covered
from registry.models import AuditEntry, Organisation
from registry.services.facts import transfer_facts

# Columns that say when and how often a record was saved, not what the register said about the sub-processor.
BOOKKEEPING = ("created_at", "updated_at", "version", "organisation_id")
TRANSFER_FIELDS = ("id", "recipient", "destination_country", "destination_organisation", "mechanism", "scc_module",
                   "document_reference")


def end_of_day(day: date, timezone: str) -> datetime:
    """The first instant after `day` in the organisation's time zone, in UTC: "as of" includes the whole day."""
    return datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(timezone)).astimezone(UTC)


def replay(session: Session, org_id: int, record_types: tuple[str, ...], until: datetime) -> dict[str, dict[int, dict]]:
    """The last `after` state of every record of these types written before `until`; deleted ones are dropped."""
    state: dict[str, dict[int, dict]] = {t: {} for t in record_types}
    rows = session.execute(
        select(AuditEntry.record_type, AuditEntry.record_id, AuditEntry.action, AuditEntry.after)
        .where(AuditEntry.organisation_id == org_id, AuditEntry.record_type.in_(record_types), AuditEntry.at < until)
        .order_by(AuditEntry.seq)
    )
    for record_type, record_id, action, after in rows:
        if action == "delete" or after is None:
            state[record_type].pop(record_id, None)
        else:
            state[record_type][record_id] = after
    return state


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _transfer(snap: dict) -> SimpleNamespace:
    values = {k: snap.get(k) for k in ("destination_country", "destination_organisation", "exporter_role",
                                       "importer_role", "mechanism", "scc_module", "derogation_ground",
                                       "document_reference")}
    return SimpleNamespace(**values, dpf_checked_on=_day(snap.get("dpf_checked_on")), tia_date=_day(snap.get("tia_date")),
                           fallback_scc_module=snap.get("fallback_scc_module"),
                           fallback_tia_date=_day(snap.get("fallback_tia_date")))


def _flags(sp: dict, transfers: list[dict], users: int, on: date) -> list[str]:
    facts = SubProcessorFacts(
        seat_country=sp.get("country"),
        status=sp.get("status"),
        dpa_signed_on=_day(sp.get("dpa_signed_on")),
        location_countries=tuple(loc["country"] for loc in sp.get("locations", [])),
        covered_destinations=frozenset(t["destination_country"] for t in transfers if t.get("destination_country")
                                       and is_covered(transfer_facts(_transfer(t)), on)),
        recorded_destinations=frozenset(t["destination_country"] for t in transfers if t.get("destination_country")),
        active_activities_using=users,
    )
    return sorted({f.code for f in subprocessor_flags(facts, on)})


@dataclass(frozen=True)
class AsOf:
    organisation_slug: str
    as_of: date
    until_utc: datetime
    entries: list[dict]  # one dict per sub-processor, by id

    def by_id(self) -> dict[int, dict]:
        return {e["id"]: e for e in self.entries}


def list_as_of(session: Session, org: Organisation, day: date) -> AsOf:
    """Art. 28(2): the sub-processors as the register recorded them at the end of `day` (organisation's time zone),
    each with its transfers, the activities using it and the flags the rules raise on that date."""
    until = end_of_day(day, org.timezone)
    state = replay(session, org.id, ("subprocessor", "transfer", "activity"), until)
    transfers: dict[int, list[dict]] = {}
    for t in state["transfer"].values():
        if t.get("subprocessor_id") is not None:
            transfers.setdefault(t["subprocessor_id"], []).append(t)
    activities = sorted(state["activity"].values(), key=lambda a: a["id"])
    entries = []
    for sp_id in sorted(state["subprocessor"]):
        sp = state["subprocessor"][sp_id]
        own = sorted(transfers.get(sp_id, []), key=lambda t: t["id"])
        using = [a for a in activities if sp_id in a.get("subprocessors", [])]
        entry = {k: v for k, v in sp.items() if k not in BOOKKEEPING}
        entry["transfers"] = [{k: t.get(k) for k in TRANSFER_FIELDS} for t in own]
        entry["activities"] = [a["reference"] for a in using]
        entry["flags"] = _flags(sp, own, sum(1 for a in using if a.get("status") == "active"), day)
        entries.append(entry)
    return AsOf(org.slug, day, until, entries)


def compare(session: Session, org: Organisation, start: date, end: date) -> dict:
    """The sub-processors added, removed and changed (field by field) between the end of `start` and of `end`.

    The range always runs forward in time: dates given in reverse order are swapped (`swapped` says so), so
    what was added is never reported as removed.
    """
    start, end, swapped = ordered_range(start, end)
    before, after = list_as_of(session, org, start).by_id(), list_as_of(session, org, end).by_id()
    diff = diff_lists(before, after)
    names = {**{k: v["legal_name"] for k, v in before.items()}, **{k: v["legal_name"] for k, v in after.items()}}
    return {"from": start.isoformat(), "to": end.isoformat(), "swapped": swapped, **diff,
            "names": {k: names[k] for k in sorted(names)}}
