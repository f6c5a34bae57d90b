"""Database -> plain dicts for the printed documents: the Art. 30 register, the sub-processor list (annexes: annex_documents)."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from registry import reference
from registry.domain.subprocessors import chain_level, chain_numbers
from registry.models import Activity, ClientController, Organisation, SecurityMeasure, SubProcessor, Transfer
from registry.models.base import utcnow
from registry.pdf import texts
from registry.pdf.labels import DPIA, STATUS, labels, word

# An activity sheet lists its clients by name up to this many; beyond, it gives the count (the client
# blocks of the processor record carry the full mapping), so a sheet stays one readable page.
MAX_NAMED_CLIENTS = 30


@dataclass
class Snapshot:
    """Everything of one organisation that the documents print, loaded in a handful of queries."""

    org: Organisation
    activities: list[Activity]
    clients: list[ClientController]
    subprocessors: list[SubProcessor]
    transfers: list[Transfer]
    measures: list[SecurityMeasure]
    transfers_by_sub: dict[int, list[Transfer]] = field(default_factory=dict)
    transfers_by_activity: dict[int, list[Transfer]] = field(default_factory=dict)
    activities_by_client: dict[int, list[Activity]] = field(default_factory=dict)
    activities_by_sub: dict[int, list[Activity]] = field(default_factory=dict)


def _key(text: str | None) -> str:
    return (text or "").casefold()


def by_status(subs) -> dict[str, list]:
    """Sub-processors by status, each list in the given order: only `active` ones are engaged now (Art. 28(2));
    `planned` ones await their change and `retired` ones no longer process, so neither counts as current."""
    out: dict[str, list] = {"active": [], "planned": [], "retired": []}
    for s in subs:
        out.setdefault(s.status, []).append(s)
    return out


def load(session: Session, org_id: int) -> Snapshot:
    """Load the organisation's records in a fixed order that does not depend on the database's collation."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise LookupError(f"organisation {org_id} not found")
    activities = list(
        session.exec(
            select(Activity)
            .where(Activity.organisation_id == org_id)
            .options(
                selectinload(Activity.clients),
                selectinload(Activity.subprocessors),
                selectinload(Activity.measures),
                selectinload(Activity.retention_rules),
            )
        ).all()
    )
    activities.sort(key=lambda a: (_key(a.reference), a.id))
    clients = sorted(
        session.exec(select(ClientController).where(ClientController.organisation_id == org_id)).all(),
        key=lambda c: (_key(c.legal_name), c.id),
    )
    subs = sorted(
        session.exec(select(SubProcessor).where(SubProcessor.organisation_id == org_id)).all(),
        key=lambda s: (_key(s.legal_name), s.id),
    )
    transfers = sorted(
        session.exec(select(Transfer).where(Transfer.organisation_id == org_id)).all(), key=lambda t: t.id
    )
    measures = sorted(
        session.exec(select(SecurityMeasure).where(SecurityMeasure.organisation_id == org_id)).all(),
        key=lambda m: m.id,
    )
    snap = Snapshot(org, activities, clients, subs, transfers, measures)
    _index_transfers(snap, transfers)
    for a in activities:
        for c in a.clients:
            snap.activities_by_client.setdefault(c.id, []).append(a)
        for s in a.subprocessors:
            snap.activities_by_sub.setdefault(s.id, []).append(a)
    return snap


def _index_transfers(snap: Snapshot, transfers) -> None:
    """The snapshot's transfers by sub-processor and by activity."""
    for t in transfers:
        if t.subprocessor_id is not None:
            snap.transfers_by_sub.setdefault(t.subprocessor_id, []).append(t)
        if t.activity_id is not None:
            snap.transfers_by_activity.setdefault(t.activity_id, []).append(t)


def load_for_client(session: Session, org_id: int, client_id: int) -> tuple[Snapshot, ClientController]:
    """Only what one client's annex needs: its activities, their sub-processors and transfers (fast for the web)."""
    snap = load_for_clients(session, org_id, [client_id])
    if not snap.clients:
        raise LookupError(f"client {client_id} not found in organisation {org_id}")
    return snap, snap.clients[0]


def load_for_clients(session: Session, org_id: int, client_ids: list[int]) -> Snapshot:
    """Only what these clients' annexes need (one group of a fanned-out batch): their activities, the
    sub-processors of those and every hop below, their transfers. Clients not in the organisation are left out."""
    from registry.models import ActivityClientLink

    org = session.get(Organisation, org_id)
    if org is None:
        raise LookupError(f"organisation {org_id} not found")
    clients = sorted(session.exec(select(ClientController).where(ClientController.organisation_id == org_id,
                                                                 ClientController.id.in_(client_ids))).all(),
                     key=lambda c: (_key(c.legal_name), c.id))
    ids = [c.id for c in clients]
    links = session.exec(select(ActivityClientLink.activity_id, ActivityClientLink.client_id)
                         .where(ActivityClientLink.client_id.in_(ids))).all() if ids else []
    activities = list(
        session.exec(
            select(Activity)
            .where(Activity.id.in_({a for a, _c in links}), Activity.organisation_id == org_id)
            .options(selectinload(Activity.subprocessors), selectinload(Activity.measures),
                     selectinload(Activity.retention_rules))
        ).all()
    ) if links else []
    activities.sort(key=lambda a: (_key(a.reference), a.id))
    subs = {s.id: s for a in activities for s in a.subprocessors}
    if subs:  # and every hop below them, at any level (Art. 28(4); EDPB Opinion 22/2024)
        others = session.exec(select(SubProcessor).where(SubProcessor.organisation_id == org_id,
                                                         SubProcessor.parent_id.is_not(None))).all()
        added = True
        while added:
            below = [s for s in others if s.parent_id in subs and s.id not in subs]
            subs.update((s.id, s) for s in below)
            added = bool(below)
    transfers = []
    if subs or activities:
        transfers = sorted(
            session.exec(
                select(Transfer).where(
                    Transfer.organisation_id == org_id,
                    (Transfer.subprocessor_id.in_(list(subs))) | (Transfer.activity_id.in_([a.id for a in activities])),
                )
            ).all(),
            key=lambda t: t.id,
        )
    snap = Snapshot(org, activities, clients, sorted(subs.values(), key=lambda s: (_key(s.legal_name), s.id)),
                    transfers, [])
    by_id = {a.id: a for a in activities}
    for client in clients:
        snap.activities_by_client[client.id] = []
    for activity_id, client_id in links:
        if activity_id in by_id:
            snap.activities_by_client[client_id].append(by_id[activity_id])
    for listed in snap.activities_by_client.values():
        listed.sort(key=lambda a: (_key(a.reference), a.id))
    _index_transfers(snap, transfers)
    for a in activities:
        for s in a.subprocessors:
            snap.activities_by_sub.setdefault(s.id, []).append(a)
    return snap


def _dump(obj, *drop: str) -> dict:
    return obj.model_dump(mode="json", exclude={"id", "organisation_id", "version", *drop})


def fingerprint(snap: Snapshot) -> str:
    """SHA-256 of the register's canonical content: every printed record, ids and storage details left out."""
    names = {s.id: s.legal_name for s in snap.subprocessors}
    refs = {a.id: a.reference for a in snap.activities}
    content = {
        "organisation": _dump(snap.org),
        "activities": [
            {
                **_dump(a),
                "clients": sorted(c.legal_name for c in a.clients),
                "subprocessors": sorted(s.legal_name for s in a.subprocessors),
                "measures": sorted(f"{m.heading}:{m.title}" for m in a.measures),
                "retention": [_dump(r, "activity_id") for r in a.retention_rules],
            }
            for a in snap.activities
        ],
        "clients": [_dump(c) for c in snap.clients],
        "subprocessors": [
            {**_dump(s), "locations": [_dump(loc, "subprocessor_id") for loc in s.locations]} for s in snap.subprocessors
        ],
        "transfers": [
            {**_dump(t, "activity_id", "subprocessor_id"), "activity": refs.get(t.activity_id),
             "subprocessor": names.get(t.subprocessor_id)}
            for t in snap.transfers
        ],
        "measures": [_dump(m) for m in snap.measures],
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _party(o, lang: str) -> dict:
    """Identity and contacts of an organisation or a client controller (Art. 30(1)(a), 30(2)(a))."""
    contact = " — ".join(x for x in (getattr(o, "contact_name", None), o.contact_email,
                                     getattr(o, "contact_phone", None)) if x)
    dpo = " — ".join(x for x in (o.dpo_name, getattr(o, "dpo_company", None), o.dpo_email,
                                 getattr(o, "dpo_phone", None)) if x)
    details = " — ".join(x for x in (o.contact_email, getattr(o, "contact_phone", None)) if x)
    return {
        "name": o.legal_name,
        "trade_name": getattr(o, "trade_name", None),
        "registration": getattr(o, "registration", None),
        "address": ", ".join(x for x in (o.address, texts.country_name(o.country, lang)) if x) or None,
        "contact": contact or None,
        "contact_name": getattr(o, "contact_name", None),
        "contact_details": details or None,
        "dpo": dpo or None,
        "representative": o.representative,
    }


def _measures(measures, lang: str) -> list[dict]:
    """Measures grouped under their heading, headings in the vocabulary's order (CNIL first, then SCC)."""
    order = list(reference.vocabulary("measure_headings"))
    groups: dict[str, list[dict]] = {}
    seen = set()
    for m in measures:
        if m.id in seen:
            continue
        seen.add(m.id)
        groups.setdefault(m.heading, []).append({"title": m.title, "description": m.description})
    return [
        {"heading": reference.label("measure_headings", h, lang), "entries": sorted(groups[h], key=lambda i: _key(i["title"]))}
        for h in sorted(groups, key=lambda h: order.index(h) if h in order else len(order))
    ]


def _activity_transfers(snap: Snapshot, a: Activity) -> list:
    """Transfers made from the activity and those made by its sub-processors, each once."""
    found = {t.id: t for t in snap.transfers_by_activity.get(a.id, [])}
    for s in a.subprocessors:
        for t in snap.transfers_by_sub.get(s.id, []):
            if t.activity_id in (None, a.id):
                found[t.id] = t
    return [found[k] for k in sorted(found)]


def activity_sheet(snap: Snapshot, a: Activity, lang: str) -> dict:
    """One CNIL-style sheet: Art. 30(1)(a)-(g) for a controller activity, the processing category otherwise."""
    clients = sorted(a.clients, key=lambda c: (_key(c.legal_name), c.id))
    return {
        "anchor": f"activity-{a.id}",
        "reference": a.reference,
        "name": a.name,
        "role": a.role,
        "status": word(STATUS, a.status, lang),
        "created": texts.day(a.created_at, lang, snap.org.timezone),
        "updated": texts.day(a.updated_at, lang, snap.org.timezone),
        "description": a.description,
        "joint_controller": a.joint_controller,
        "purposes": [texts.purpose(p, lang) for p in a.purposes],
        "data_subjects": [texts.category(x, "data_subjects", lang) for x in a.data_subjects],
        "data_categories": [texts.category(x, "data_categories", lang) for x in a.data_categories],
        "recipients": [texts.category(x, "recipients", lang) for x in a.recipients],
        "subprocessors": [
            {"name": s.legal_name, "country": texts.country_name(s.country, lang), "service": s.service,
             "status": None if s.status == "active" else word(STATUS, s.status, lang)}
            for s in sorted(a.subprocessors, key=lambda s: (_key(s.legal_name), s.id))
        ],
        "transfers": [texts.transfer_row(t, lang) for t in _activity_transfers(snap, a)],
        "retention": [
            {"scope": texts.retention_scope(r, lang), "text": texts.retention(r, lang)} for r in a.retention_rules
        ],
        "measures": _measures(a.measures, lang),
        "dpia": word(DPIA, a.dpia, lang) + (f" ({texts.day(a.dpia_date, lang)})" if a.dpia_date else ""),
        "systems": a.systems,
        "clients": [c.legal_name for c in clients] if len(clients) <= MAX_NAMED_CLIENTS else [],
        "client_count": len(clients),
    }


def client_block(snap: Snapshot, c: ClientController, lang: str) -> dict:
    """Art. 30(2)(a)-(d) for one client controller: who, which processing, transfers, measures."""
    acts = snap.activities_by_client.get(c.id, [])
    subs: dict[int, SubProcessor] = {}
    transfers: dict[int, Transfer] = {}
    measures = []
    for a in acts:
        for s in a.subprocessors:
            subs[s.id] = s
        for t in _activity_transfers(snap, a):
            transfers[t.id] = t
        measures.extend(a.measures)
    contract = " — ".join(
        x for x in (c.contract_reference, texts.day(c.contract_start, lang) and f"{texts.day(c.contract_start, lang)}"
                    + (f" → {texts.day(c.contract_end, lang)}" if c.contract_end else "")) if x
    )
    status = by_status(sorted(subs.values(), key=lambda s: (_key(s.legal_name), s.id)))

    def names(group):
        return [f"{s.legal_name} ({texts.country_name(s.country, lang)})" if s.country else s.legal_name for s in group]

    return {
        "anchor": f"client-{c.id}",
        **_party(c, lang),
        "contract": contract or None,
        "activities": [{"reference": a.reference, "name": a.name, "anchor": f"activity-{a.id}"} for a in acts],
        "subprocessors": names(status["active"]),
        "planned_subprocessors": names(status["planned"]),
        "transfers": [texts.transfer_row(transfers[k], lang) for k in sorted(transfers)],
        "measures": _measures(measures, lang),
    }


def subprocessor_row(snap: Snapshot, s: SubProcessor, lang: str, flags=None) -> dict:
    users = [a.reference for a in snap.activities_by_sub.get(s.id, [])]
    return {
        "anchor": f"subprocessor-{s.id}",
        "name": s.legal_name,
        "trade_name": s.trade_name,
        "address": ", ".join(x for x in (s.address, texts.country_name(s.country, lang)) if x) or None,
        "contact_person": s.contact_name,
        "contact_details": ", ".join(x for x in (s.contact_email, s.contact_phone) if x) or None,
        "dpo": s.dpo_contact,
        "service": s.service,
        "status": word(STATUS, s.status, lang),
        "active_from": texts.day(s.active_from, lang),
        "retired_on": texts.day(s.retired_on, lang),
        "locations": [texts.location(loc, lang) for loc in s.locations],
        "dpa": (f"{labels(lang)['dpa_signed']} {texts.day(s.dpa_signed_on, lang)}" if s.dpa_signed_on else None),
        "dpa_reference": s.dpa_reference,
        "certifications": list(s.certifications or []),
        "transfers": [texts.transfer_row(t, lang) for t in snap.transfers_by_sub.get(s.id, [])],
        "activities": users,
        "flags": [{"message": f.message(lang), "article": f.cite(lang)} for f in (flags or [])],
    }


CHAIN_WORDS = {"fr": ("Niveau", "Engagé par"), "en": ("Level", "Engaged by")}


def chain_subprocessor_rows(snap: Snapshot, subs: list[SubProcessor], lang: str,
                            flags: dict[int, list] | None = None) -> list[dict]:
    """The rows of a group of sub-processors in chain order, each followed by the hops it engages, numbered 1, 1.1,
    1.1.1... within the group as annex IV numbers them, with its level in the whole chain and the hop above it
    (EDPB Opinion 22/2024)."""
    everyone = {s.id: s for s in snap.subprocessors} | {s.id: s for s in subs}
    parents = {i: s.parent_id for i, s in everyone.items()}
    group = {s.id: s for s in subs}
    numbers = chain_numbers({i: s.parent_id for i, s in group.items()}, {i: _key(s.legal_name) for i, s in group.items()})
    level_word, engaged_by = CHAIN_WORDS["fr" if lang == "fr" else "en"]
    rows = []
    for sp_id, (_in_group, number) in numbers.items():
        sp, level = group[sp_id], chain_level(parents, sp_id)
        above = everyone.get(sp.parent_id)
        rows.append({**subprocessor_row(snap, sp, lang, (flags or {}).get(sp_id)), "level": level, "number": number,
                     "level_label": f"{level_word} {level}", "engaged_by_label": engaged_by,
                     "exporter": above.legal_name if above else None})
    return rows


def register(snap: Snapshot, lang: str, generated_at: datetime | None = None) -> dict:
    """The Art. 30 register as one dict: cover, then the controller and processor records and sub-processors."""
    generated_at = generated_at or utcnow()
    org = snap.org
    controller = [a for a in snap.activities if a.role == "controller"]
    processor = [a for a in snap.activities if a.role == "processor"]
    subs = by_status(snap.subprocessors)
    return {
        "lang": lang,
        "L": labels(lang),
        "org": {**_party(org, lang), "timezone": org.timezone},
        "generated_at": texts.moment(generated_at, org.timezone, lang),
        "generated_at_iso": generated_at.isoformat(),
        "fingerprint": fingerprint(snap),
        "counts": {"activities": len(snap.activities), "clients": len(snap.clients),
                   "subprocessors": len(subs["active"]), "planned_subprocessors": len(subs["planned"])},
        "controller_sheets": [activity_sheet(snap, a, lang) for a in controller],
        "processor_sheets": [activity_sheet(snap, a, lang) for a in processor],
        "processor_party": _party(org, lang),
        "clients": [client_block(snap, c, lang) for c in snap.clients],
        "subprocessors": chain_subprocessor_rows(snap, subs["active"], lang),
        "planned_subprocessors": chain_subprocessor_rows(snap, subs["planned"], lang),
        "retired_subprocessors": chain_subprocessor_rows(snap, subs["retired"], lang),
    }


def subprocessor_list(snap: Snapshot, lang: str, flags: dict[int, list] | None = None,
                      generated_at: datetime | None = None) -> dict:
    """The sub-processor list for auditors (Art. 28(2), 28(4)) with each one's compliance flags."""
    generated_at = generated_at or utcnow()
    flags = flags or {}
    L = labels(lang)
    return {
        "lang": lang,
        "L": L,
        "org": _party(snap.org, lang),
        "generated_at": texts.moment(generated_at, snap.org.timezone, lang),
        "generated_at_iso": generated_at.isoformat(),
        # In force first and without a heading of its own: planned and retired ones are not the current list.
        "groups": [
            {"status": status, "heading": None if status == "active" else L.get(f"{status}_subprocessors", status),
             "rows": chain_subprocessor_rows(snap, subs, lang, flags)}
            for status, subs in by_status(snap.subprocessors).items()
        ],
    }
