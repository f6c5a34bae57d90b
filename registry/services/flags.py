"""The domain rules' flags for many records at once: a fixed number of queries per page, never one per row."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import false, func, select
from sqlmodel import Session

from registry import clock, reference
from registry.domain.activities import activity_flags
from registry.domain.clients import contract_flags
from registry.domain.flags import Flag
from registry.domain.retention import retention_flags
from registry.domain.subprocessors import HopFacts, chain_flags, chain_level, subprocessor_flags
from registry.domain.transfers import transfer_flags
from registry.models import (
    Activity,
    ActivityClientLink,
    ActivityMeasureLink,
    ActivitySubProcessorLink,
    ClientController,
    ContractDocument,
    Organisation,
    ProcessingLocation,
    RetentionRule,
    SubProcessor,
    Transfer,
)
from registry.services import facts

TRANSFER_COLUMNS = (
    Transfer.activity_id, Transfer.subprocessor_id, Transfer.recipient, Transfer.destination_country,
    Transfer.destination_organisation, Transfer.exporter_role, Transfer.importer_role, Transfer.mechanism,
    Transfer.scc_module, Transfer.dpf_checked_on, Transfer.derogation_ground, Transfer.tia_date,
    Transfer.document_reference, Transfer.fallback_scc_module, Transfer.fallback_tia_date,
)


def _transfers_by_subprocessor(session: Session, sp_ids: list[int], on: date) -> dict[int, list[facts.LinkedTransfer]]:
    out: dict[int, list[facts.LinkedTransfer]] = defaultdict(list)
    if sp_ids:
        for row in session.execute(select(*TRANSFER_COLUMNS).where(Transfer.subprocessor_id.in_(sp_ids))):
            out[row.subprocessor_id].append(facts.linked_transfer(row, on))
    return out


def _active_users(session: Session, sp_ids: list[int]) -> dict[int, int]:
    if not sp_ids:
        return {}
    rows = session.execute(
        select(ActivitySubProcessorLink.subprocessor_id, func.count())
        .join(Activity, Activity.id == ActivitySubProcessorLink.activity_id)
        .where(ActivitySubProcessorLink.subprocessor_id.in_(sp_ids), Activity.status == "active")
        .group_by(ActivitySubProcessorLink.subprocessor_id)
    ).all()
    return dict(rows)


def _promised_breach_hours(session: Session, sp_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Per sub-processor, the shortest breach delay promised to a client of an active activity that uses it."""
    out: dict[int, tuple[int, str]] = {}
    if not sp_ids:
        return out
    rows = session.execute(
        select(ActivitySubProcessorLink.subprocessor_id, ClientController.breach_notice_hours, ClientController.legal_name)
        .join(Activity, Activity.id == ActivitySubProcessorLink.activity_id)
        .join(ActivityClientLink, ActivityClientLink.activity_id == Activity.id)
        .join(ClientController, ClientController.id == ActivityClientLink.client_id)
        .where(ActivitySubProcessorLink.subprocessor_id.in_(sp_ids), Activity.status == "active",
               ClientController.breach_notice_hours.is_not(None))
    )
    for sp_id, hours, name in rows:
        if sp_id not in out or (hours, name) < out[sp_id]:
            out[sp_id] = (hours, name)
    return out


def _counts(session: Session, column, ids: list[int]) -> dict[int, int]:
    rows = session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column)).all()
    return dict(rows)


def flags_for_activities(
    session: Session, org: Organisation, activities: list[Activity], on: date | None = None
) -> dict[int, list[Flag]]:
    """Art. 30 completeness flags of a page of activities: six small queries of plain rows, whatever the page size.

    Loading the linked records as ORM objects cost several times the page itself; the rules only need a few
    columns of each, so they are read as rows.
    """
    on = on or clock.today(org.timezone)
    ids = [a.id for a in activities]
    if not ids:
        return {}
    id_set = set(ids)
    clients: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for activity_id, name, email, address, dpo_email in session.execute(
        select(ActivityClientLink.activity_id, ClientController.legal_name, ClientController.contact_email,
               ClientController.address, ClientController.dpo_email)
        .join(ClientController, ClientController.id == ActivityClientLink.client_id)
        .where(ActivityClientLink.activity_id.in_(ids))
        .order_by(ClientController.id)
    ):
        clients[activity_id].append((name, bool(email or address or dpo_email)))
    links = session.execute(
        select(ActivitySubProcessorLink.activity_id, SubProcessor.id, SubProcessor.status)
        .join(SubProcessor, SubProcessor.id == ActivitySubProcessorLink.subprocessor_id)
        .where(ActivitySubProcessorLink.activity_id.in_(ids))
    ).all()
    sp_ids = sorted({sp_id for _a, sp_id, _s in links})
    countries: dict[int, list[str]] = defaultdict(list)
    transfers_by_sp: dict[int, list[facts.LinkedTransfer]] = defaultdict(list)
    own: dict[int, list[facts.LinkedTransfer]] = defaultdict(list)
    if sp_ids:
        for sp_id, country in session.execute(
            select(ProcessingLocation.subprocessor_id, ProcessingLocation.country)
            .where(ProcessingLocation.subprocessor_id.in_(sp_ids))
        ):
            countries[sp_id].append(country)
    for row in session.execute(
        select(*TRANSFER_COLUMNS).where(
            Transfer.activity_id.in_(ids) | (Transfer.subprocessor_id.in_(sp_ids) if sp_ids else false())
        )
    ):
        linked = facts.linked_transfer(row, on)
        if row.activity_id in id_set:
            own[row.activity_id].append(linked)
        if row.subprocessor_id is not None:
            transfers_by_sp[row.subprocessor_id].append(linked)
    subprocessors: dict[int, list[facts.LinkedSubProcessor]] = defaultdict(list)
    for activity_id, sp_id, status in links:
        subprocessors[activity_id].append(facts.LinkedSubProcessor(sp_id, status, tuple(countries[sp_id])))
    retention = _counts(session, RetentionRule.activity_id, ids)
    measures = _counts(session, ActivityMeasureLink.activity_id, ids)
    return {
        a.id: activity_flags(facts.activity_facts(
            a, org, clients[a.id], subprocessors[a.id], own[a.id], transfers_by_sp, retention.get(a.id, 0),
            measures.get(a.id, 0), on))
        for a in activities
    }


def flags_for_subprocessors(
    session: Session, org: Organisation, subprocessors: list[SubProcessor], on: date | None = None
) -> dict[int, list[Flag]]:
    """DPA, location and usage flags of a page of sub-processors."""
    on = on or clock.today(org.timezone)
    ids = [sp.id for sp in subprocessors]
    by_sp = _transfers_by_subprocessor(session, ids, on)
    users = _active_users(session, ids)
    promised = _promised_breach_hours(session, ids)
    parents = chain_parents(session, org) if ids else {}
    return {
        sp.id: subprocessor_flags(
            facts.subprocessor_facts(sp, by_sp.get(sp.id, []), users.get(sp.id, 0), on, promised.get(sp.id)), on)
        + chain_flags(hop_facts(sp, chain_level(parents, sp.id)), on, org.chain_confirmation_months)
        for sp in subprocessors
    }


def chain_parents(session: Session, org: Organisation) -> dict[int, int | None]:
    """Every sub-processor of the organisation -> the hop above it (None at the first level), in one query."""
    return dict(session.execute(
        select(SubProcessor.id, SubProcessor.parent_id).where(SubProcessor.organisation_id == org.id)
    ).all())


def hop_facts(sp: SubProcessor, level: int) -> HopFacts:
    return HopFacts(level=level, status=sp.status, address=sp.address, contact_name=sp.contact_name,
                    contact_email=sp.contact_email, contact_phone=sp.contact_phone, confirmed_on=sp.confirmed_on,
                    active_from=sp.active_from, clients_informed_on=sp.clients_informed_on)


def flags_for_transfers(
    session: Session, org: Organisation, transfers: list[Transfer], on: date | None = None
) -> dict[int, list[Flag]]:
    on = on or clock.today(org.timezone)
    return {t.id: transfer_flags(facts.transfer_facts(t), on, reference.law()) for t in transfers}


def flags_for_clients(
    session: Session, org: Organisation, clients: list[ClientController], on: date | None = None
) -> dict[int, list[Flag]]:
    regime = reference.regime("breach", on or clock.today(org.timezone))
    return {c.id: contract_flags(facts.contract_terms(c), regime) for c in clients}


def flags_for_retention(
    session: Session, org: Organisation, rules: list[RetentionRule], on: date | None = None
) -> dict[int, list[Flag]]:
    return {r.id: retention_flags(facts.retention_facts(r)) for r in rules}


@dataclass
class ContractGap:
    """The latest contract of a client or sub-processor, with the Art. 28 items its check found missing."""

    area: str  # "clients" | "subprocessors": where the contract's page is
    record: ClientController | SubProcessor
    file_name: str
    revision: int
    missing: list[str]


def contract_gaps(session: Session, org: Organisation, clients: list[ClientController] | None = None,
                  subprocessors: list[SubProcessor] | None = None) -> list[ContractGap]:
    """Counterparts whose latest stored contract lacks Art. 28 items: the files themselves are never read.

    Given `clients` and `subprocessors`, only those are considered; by default every counterpart.
    """
    latest: dict[tuple[str, int], tuple[int, int]] = {}
    for doc_id, client_id, sp_id, revision in session.execute(
        select(ContractDocument.id, ContractDocument.client_id, ContractDocument.subprocessor_id,
               ContractDocument.revision).where(ContractDocument.organisation_id == org.id)
    ):
        key = ("clients", client_id) if client_id is not None else ("subprocessors", sp_id)
        if key not in latest or revision > latest[key][1]:
            latest[key] = (doc_id, revision)
    if not latest:
        return []
    if clients is None:
        clients = session.scalars(select(ClientController).where(
            ClientController.id.in_([i for area, i in latest if area == "clients"]))).all()
    if subprocessors is None:
        subprocessors = session.scalars(select(SubProcessor).where(
            SubProcessor.id.in_([i for area, i in latest if area == "subprocessors"]))).all()
    records = {("clients", c.id): c for c in clients} | {("subprocessors", s.id): s for s in subprocessors}
    shown = {doc_id: (result, name) for doc_id, result, name in session.execute(
        select(ContractDocument.id, ContractDocument.check_result, ContractDocument.file_name)
        .where(ContractDocument.id.in_([doc_id for doc_id, _rev in latest.values()]))
    )}
    gaps = []
    for key, (doc_id, revision) in sorted(latest.items()):
        result, name = shown[doc_id]
        missing = [i["code"] for i in (result or {}).get("items", []) if i.get("verdict") == "missing"]
        if missing and key in records:
            gaps.append(ContractGap(key[0], records[key], name, revision, missing))
    return gaps
