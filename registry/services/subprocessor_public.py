"""What an organisation's public sub-processor page shows (Art. 28(2)): name, service, locations, safeguard, changes.

Every function returns plain values built field by field from an allow-list, never a whole record: the page, its
JSON and its feed cannot show anything of the register that is not named here.
"""

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from registry import reference
from registry.domain.subprocessors import chain_order
from registry.models import Organisation, SubProcessor, SubProcessorChange, Transfer

# The only keys of a public sub-processor entry and of a public change.
ENTRY_KEYS = ("name", "service", "locations", "safeguards")
CHAIN_ENTRY_KEYS = (*ENTRY_KEYS, "engaged_by")  # when the chain is published
CHANGE_KEYS = ("id", "kind", "status", "name", "service", "replaces", "locations", "notice_date",
               "earliest_effective", "effective_on", "updated")
SHOWN_CHANGES = ("planned", "notified", "effective")


def published(session: Session, slug: str) -> Organisation | None:
    """The organisation of a public URL, only when an admin turned its public page on."""
    org = session.execute(select(Organisation).where(Organisation.slug == slug)).scalars().first()
    return org if org is not None and org.public_subprocessors else None


def _safeguards(transfers: list[Transfer]) -> list[dict]:
    pairs = {(t.destination_country or t.destination_organisation or "", t.mechanism or "") for t in transfers}
    return [{"destination": d, "mechanism": m or None} for d, m in sorted(pairs)]


def _locations(sp: SubProcessor) -> list[str]:
    return list(dict.fromkeys(loc.country for loc in sp.locations))


def public_entries(session: Session, org: Organisation) -> list[dict]:
    """Art. 28(2): the sub-processors in use now, each with its service, processing countries and the Chapter V
    safeguard of each transfer that reaches it (a country inside the EEA needs none: Art. 44).

    The hops below the first level (`engaged_by` names the one above) only when an admin chose to publish the
    chain; each appears under an active hop, never alone."""
    active = session.execute(select(SubProcessor).where(SubProcessor.organisation_id == org.id,
                                                        SubProcessor.status == "active")).scalars().all()
    names = {sp.id: sp.legal_name for sp in active}
    subs = [sp for sp in active if sp.parent_id is None]
    if org.public_subprocessor_chain:
        shown = {sp.id for sp in subs}
        for sp_id, _level in chain_order({sp.id: sp.parent_id for sp in active}, {}):
            if sp_id not in shown and next(s for s in active if s.id == sp_id).parent_id in shown:
                shown.add(sp_id)
        subs = [sp for sp in active if sp.id in shown]
    transfers: dict[int, list[Transfer]] = {}
    for t in session.execute(select(Transfer).where(Transfer.organisation_id == org.id)).scalars():
        if t.subprocessor_id is not None:
            transfers.setdefault(t.subprocessor_id, []).append(t)
    out = []
    for sp in sorted(subs, key=lambda s: (s.legal_name.casefold(), s.id)):
        locations = _locations(sp)
        safeguards = _safeguards(transfers.get(sp.id, []))
        covered = {s["destination"] for s in safeguards}
        # A location outside the EEA without a recorded transfer is shown as such, not hidden.
        safeguards += [{"destination": c, "mechanism": None} for c in locations
                       if not reference.is_eea(c) and c not in covered]
        entry = {"name": sp.legal_name, "service": sp.service, "locations": locations, "safeguards": safeguards}
        if org.public_subprocessor_chain:
            entry["engaged_by"] = names.get(sp.parent_id) if sp.parent_id is not None else None
        out.append(entry)
    return out


def public_changes(session: Session, org: Organisation, today: date) -> list[dict]:
    """Art. 28(2): the changes clients are told about, newest first, once their notice date has come."""
    rows = session.execute(select(SubProcessorChange).where(
        SubProcessorChange.organisation_id == org.id, SubProcessorChange.status.in_(SHOWN_CHANGES),
        SubProcessorChange.notice_date <= today).order_by(SubProcessorChange.id.desc())).scalars().all()
    out = []
    for change in rows:
        sp = session.get(SubProcessor, change.subprocessor_id)
        replaced = session.get(SubProcessor, change.replaces_id) if change.replaces_id else None
        locations = ([loc["country"] for loc in change.new_locations] if change.kind == "change_locations"
                     else _locations(sp))
        out.append({
            "id": change.id, "kind": change.kind, "status": change.status, "name": sp.legal_name,
            "service": sp.service, "replaces": replaced.legal_name if replaced else None,
            "locations": list(dict.fromkeys(locations)), "notice_date": change.notice_date,
            "earliest_effective": change.earliest_effective, "effective_on": change.effective_on,
            "updated": change.updated_at,
        })
    return out
