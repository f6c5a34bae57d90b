"""Breach actions: impact of a sub-processor incident, recording a breach and its notices, clocks for the dashboard."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from sqlmodel import Session

from registry import audit
from registry.domain import breaches as rules
from registry.models import (
    Activity,
    ActivityClientLink,
    ActivitySubProcessorLink,
    Breach,
    BreachCreate,
    BreachNotice,
    BreachNoticeCreate,
    ClientController,
    Organisation,
    SubProcessor,
)
from registry.models.base import utcnow
from registry.services.crud import claim_version


@dataclass(frozen=True)
class ImpactedActivity:
    id: int
    reference: str
    name: str
    role: str
    status: str
    via: tuple[str, ...]  # names of the sub-processors through which it is affected


@dataclass(frozen=True)
class ImpactedClient:
    id: int
    legal_name: str
    language: str
    breach_notice_hours: int | None
    via: tuple[str, ...]  # references of the processor activities run for it


@dataclass(frozen=True)
class ImpactProposal:
    """What an incident reaches, for the DPO to check and adjust before the breach is recorded."""

    subprocessors: tuple[SubProcessor, ...]
    activities: tuple[ImpactedActivity, ...]
    clients: tuple[ImpactedClient, ...]
    data_categories: tuple[str, ...]
    data_subjects: tuple[str, ...]

    def create_values(self) -> dict:
        """The proposal as BreachCreate fields, so a form can start from it."""
        return {
            "subprocessor_ids": [s.id for s in self.subprocessors],
            "activity_ids": [a.id for a in self.activities],
            "client_ids": [c.id for c in self.clients],
            "data_categories": list(self.data_categories),
            "data_subjects": list(self.data_subjects),
        }


@dataclass(frozen=True)
class DeadlineRow:
    organisation_id: int
    organisation_slug: str
    breach_id: int
    reference: str
    title: str
    timezone: str
    clock: rules.Clock


def _sub_name(s: SubProcessor) -> str:
    return s.trade_name or s.legal_name


def find_subprocessors(session: Session, organisation_id: int, name: str) -> list[SubProcessor]:
    """The organisation's sub-processors whose legal or trade name contains `name` (case-insensitive)."""
    needle = name.strip().lower()
    stmt = (
        select(SubProcessor)
        .where(SubProcessor.organisation_id == organisation_id)
        .where(or_(func.lower(SubProcessor.legal_name).contains(needle, autoescape=True),
                   func.lower(SubProcessor.trade_name).contains(needle, autoescape=True)))
        .order_by(SubProcessor.id)
    )
    return list(session.execute(stmt).scalars())


def propose_impact(session: Session, organisation_id: int, subprocessor_ids: list[int]) -> ImpactProposal:
    """Art. 28(4) chain read backwards: an incident at a sub-processor reaches every activity using it and,
    for processor activities, every client controller that must be told (Art. 33(2))."""
    subs = list(
        session.execute(
            select(SubProcessor)
            .where(SubProcessor.organisation_id == organisation_id, SubProcessor.id.in_(subprocessor_ids))
            .order_by(SubProcessor.id)
        ).scalars()
    )
    names = {s.id: _sub_name(s) for s in subs}
    rows = session.execute(
        select(Activity, ActivitySubProcessorLink.subprocessor_id)
        .join(ActivitySubProcessorLink, ActivitySubProcessorLink.activity_id == Activity.id)
        .where(Activity.organisation_id == organisation_id, ActivitySubProcessorLink.subprocessor_id.in_(list(names)))
        .order_by(Activity.reference, ActivitySubProcessorLink.subprocessor_id)
    ).all()
    by_activity: dict[int, tuple[Activity, list[str]]] = {}
    for activity, sub_id in rows:
        by_activity.setdefault(activity.id, (activity, []))[1].append(names[sub_id])
    activities = tuple(
        ImpactedActivity(a.id, a.reference, a.name, a.role, a.status, tuple(via)) for a, via in by_activity.values()
    )
    processor_refs = {a.id: a.reference for a in activities if a.role == "processor"}
    client_rows = session.execute(
        select(ClientController, ActivityClientLink.activity_id)
        .join(ActivityClientLink, ActivityClientLink.client_id == ClientController.id)
        .where(ClientController.organisation_id == organisation_id, ActivityClientLink.activity_id.in_(list(processor_refs)))
        .order_by(ClientController.legal_name, ClientController.id)
    ).all()
    by_client: dict[int, tuple[ClientController, list[str]]] = {}
    for client, activity_id in client_rows:
        by_client.setdefault(client.id, (client, []))[1].append(processor_refs[activity_id])
    clients = tuple(
        ImpactedClient(c.id, c.legal_name, c.language, c.breach_notice_hours, tuple(sorted(set(via))))
        for c, via in by_client.values()
    )
    return ImpactProposal(
        subprocessors=tuple(subs),
        activities=activities,
        clients=clients,
        data_categories=_union(a.data_categories for a, _ in by_activity.values()),
        data_subjects=_union(a.data_subjects for a, _ in by_activity.values()),
    )


def _union(lists) -> tuple[str, ...]:
    """Codes of the activities' category lists ({"code": ..., "detail": ...}), each once, in first-seen order."""
    return tuple(dict.fromkeys(item["code"] for items in lists for item in items or ()))


def _owned(session: Session, model, organisation_id: int, ids: list[int], field: str) -> tuple[list, list[rules.Problem]]:
    """The records named by `ids` if all belong to the organisation; otherwise a problem at `field`."""
    if not ids:
        return [], []
    found = list(
        session.execute(select(model).where(model.organisation_id == organisation_id, model.id.in_(ids)).order_by(model.id))
        .scalars()
    )
    if len(found) == len(ids):
        return found, []
    missing = sorted(set(ids) - {r.id for r in found})
    return found, [
        rules.Problem("unknown_record", field, "", f"not a record of this organisation: {missing}",
                      f"enregistrement inconnu dans cet organisme : {missing}")
    ]


def _checked_links(
    session: Session, organisation_id: int, data: BreachCreate, now: datetime, breach_id: int | None = None
) -> tuple[list, list, list]:
    """The records a breach links to, once the breach passes every rule; otherwise Refused, by field."""
    problems = rules.breach_problems(
        aware_at=data.aware_at, occurred_at=data.occurred_at, contained_at=data.contained_at,
        natures=data.natures, risk=data.risk, risk_reasoning=data.risk_reasoning,
        exemption=data.art34_exemption, exemption_details=data.art34_exemption_details,
        status=data.status, closed_at=data.closed_at, now=now,
    )
    activities, p1 = _owned(session, Activity, organisation_id, data.activity_ids, "activity_ids")
    subs, p2 = _owned(session, SubProcessor, organisation_id, data.subprocessor_ids, "subprocessor_ids")
    clients, p3 = _owned(session, ClientController, organisation_id, data.client_ids, "client_ids")
    taken = session.execute(
        select(Breach.id).where(
            Breach.organisation_id == organisation_id, Breach.reference == data.reference, Breach.id != breach_id
        )
    ).first()
    if taken:
        problems.append(rules.Problem("reference_taken", "reference", "", "this reference is already used",
                                      "cette référence est déjà utilisée"))
    problems += p1 + p2 + p3
    if problems:
        raise rules.Refused(problems)
    return activities, subs, clients


def record_breach(
    session: Session, organisation: Organisation, data: BreachCreate, actor: str | None = None,
    now: datetime | None = None,
) -> Breach:
    """Art. 33(5): document a breach with what it affects; refused with problems by field, nothing written."""
    activities, subs, clients = _checked_links(session, organisation.id, data, now or utcnow())
    breach = Breach(organisation_id=organisation.id, **data.table_values())
    breach.activities, breach.subprocessors, breach.clients = activities, subs, clients
    session.add(breach)
    session.flush()
    audit.record(session, actor or "unknown", "create", breach, after=audit.snapshot(breach))
    return breach


def update_breach(
    session: Session, breach: Breach, data: BreachCreate, actor: str | None = None, now: datetime | None = None
) -> dict[str, tuple]:
    """Art. 33(4)-(5): complete or correct a breach (phase, containment, closure); returns {field: (old, new)}."""
    now = now or utcnow()
    activities, subs, clients = _checked_links(session, breach.organisation_id, data, now, breach.id)
    before = audit.snapshot(breach)
    changes: dict[str, tuple] = {}
    for name, new in data.table_values().items():
        old = getattr(breach, name)
        if old != new:
            changes[name] = (old, new)
            setattr(breach, name, new)
    links = (("activity_ids", "activities", activities), ("subprocessor_ids", "subprocessors", subs),
             ("client_ids", "clients", clients))
    for field, relation, records in links:
        old_ids, new_ids = [r.id for r in getattr(breach, relation)], [r.id for r in records]
        if old_ids != new_ids:
            changes[field] = (old_ids, new_ids)
            setattr(breach, relation, records)
    if changes:
        claim_version(session, breach, now)  # raises StaleRecord when another edit was saved meanwhile
        session.flush()
        audit.record(session, actor or "unknown", "update", breach, before=before, after=audit.snapshot(breach))
    return changes


def breach_facts(breach: Breach) -> rules.BreachFacts:
    """The plain values the deadline rules need, read from a breach, its links and its notices."""
    sent: dict[tuple[str, int | None], datetime] = {}
    for n in breach.notices:
        key = (n.recipient, n.client_id if n.recipient == "client" else None)
        if key not in sent or n.sent_at < sent[key]:
            sent[key] = n.sent_at
    return rules.BreachFacts(
        aware_at=breach.aware_at,
        risk=breach.risk,
        as_controller=rules.is_controller_scope([a.role for a in breach.activities], breach.organisation.acts_as),
        clients=tuple(
            rules.AffectedClient(c.id, c.legal_name, c.breach_notice_hours)
            for c in breach.clients
        ),
        exemption=breach.art34_exemption,
        sent=sent,
        tz_name=breach.organisation.timezone,
    )


def breach_clocks(breach: Breach, now: datetime | None = None) -> list[rules.Clock]:
    """Arts. 33(1), 33(2), 34(1): the notices owed for this breach and where each stands."""
    return rules.clocks(breach_facts(breach), now or utcnow())


def record_notice(
    session: Session, breach: Breach, data: BreachNoticeCreate, actor: str | None = None,
    now: datetime | None = None,
) -> BreachNotice:
    """Arts. 33-34: record that a notice was sent; a late first notice without the reasons for delay is refused."""
    now = now or utcnow()
    problems: list[rules.Problem] = []
    client = None
    if data.recipient == "client":
        client = next((c for c in breach.clients if c.id == data.client_id), None)
        if client is None:
            problems.append(rules.Problem(
                "client_not_affected", "client_id", "Art. 33(2)",
                "this client controller is not among those affected by the breach",
                "ce client responsable de traitement ne figure pas parmi ceux concernés par la violation"))
    key_client = data.client_id if data.recipient == "client" else None
    clock = next(
        (c for c in breach_clocks(breach, now) if c.recipient == data.recipient and c.client_id == key_client), None
    )
    problems += rules.notice_problems(
        clock=clock, sent_at=data.sent_at, late_reason=data.late_reason, aware_at=breach.aware_at, now=now
    )
    if problems:
        raise rules.Refused(problems)
    values = data.model_dump()
    if client is not None:
        values["recipient_name"] = values["recipient_name"] or client.legal_name
        values["recipient_contact"] = values["recipient_contact"] or client.dpo_email or client.contact_email
    elif data.recipient == "cnil":
        values["recipient_name"] = values["recipient_name"] or "CNIL"
    notice = BreachNotice(organisation_id=breach.organisation_id, **values)
    breach.notices.append(notice)
    session.flush()
    audit.record(session, actor or "unknown", "create", notice, after=audit.snapshot(notice))
    return notice


def _with_links():
    return (
        selectinload(Breach.organisation),
        selectinload(Breach.activities),
        selectinload(Breach.subprocessors),
        selectinload(Breach.clients),
        selectinload(Breach.notices),
    )


def list_breaches(session: Session, organisation_id: int) -> list[Breach]:
    """Every breach of one organisation, latest awareness first, with what it affects and its notices."""
    stmt = (
        select(Breach)
        .where(Breach.organisation_id == organisation_id)
        .options(*_with_links())
        .order_by(Breach.aware_at.desc(), Breach.id.desc())
    )
    return list(session.execute(stmt).scalars())


def get_breach(session: Session, organisation_id: int, reference: str) -> Breach | None:
    stmt = select(Breach).where(Breach.organisation_id == organisation_id, Breach.reference == reference)
    return session.execute(stmt.options(*_with_links())).scalars().first()


def urgent_deadlines(
    session: Session, organisation_ids: list[int] | None = None, now: datetime | None = None,
    window: timedelta = rules.DUE_SOON,
) -> list[DeadlineRow]:
    """The dashboard list: notices of breaches not closed that are overdue, due within `window`, or owed
    without undue delay (Arts. 33-34); the most pressing first."""
    now = now or utcnow()
    stmt = select(Breach).where(Breach.status != "closed").options(*_with_links()).order_by(Breach.aware_at, Breach.id)
    if organisation_ids is not None:
        stmt = stmt.where(Breach.organisation_id.in_(organisation_ids))
    rows = [
        DeadlineRow(breach.organisation_id, breach.organisation.slug, breach.id, breach.reference, breach.title,
                    breach.organisation.timezone, clock)
        for breach in session.execute(stmt).scalars()
        for clock in breach_clocks(breach, now)
        if clock.is_urgent(window)
    ]
    # A notice "without undue delay" is due now; deadlines sort in time order, overdue ones coming first.
    return sorted(rows, key=lambda r: r.clock.deadline or now)
